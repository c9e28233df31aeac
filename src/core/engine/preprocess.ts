// An image as a model's input: RGBA pixels (as a canvas or a decoder gives them) to a
// float NCHW tensor of the model's channels, scaled by the preset the model was trained with.

export const NORMALIZATIONS = ['none', 'unit', 'mnist', 'imagenet'] as const;
export type InputNormalization = (typeof NORMALIZATIONS)[number];

/** Per-channel mean and std applied after scaling to [0, 1] (none keeps 0–255). */
const PRESETS: Record<InputNormalization, { scale: number; mean: number[]; std: number[] }> = {
  none: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
  unit: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  mnist: { scale: 1 / 255, mean: [0.1307, 0.1307, 0.1307], std: [0.3081, 0.3081, 0.3081] },
  imagenet: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
};

/** One image [1, channels, height, width]; one channel is the pixels' luminance (ITU-R 601). */
export function pixelsToInput(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  normalization: InputNormalization,
): { shape: number[]; values: Float32Array } {
  const { scale, mean, std } = PRESETS[normalization];
  const plane = width * height;
  const values = new Float32Array(channels * plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]];
    if (channels === 1) values[p] = ((0.299 * r + 0.587 * g + 0.114 * b) * scale - mean[0]) / std[0];
    else [r, g, b].forEach((v, c) => (values[c * plane + p] = (v * scale - mean[c]) / std[c]));
  }
  return { shape: [1, channels, height, width], values };
}
