// The names weight files go by, for file pickers and folder scans; the readers still
// decide the format from the bytes.

/** Extensions of weight files. */
export const WEIGHT_FILE_EXTENSIONS = [
  'pt',
  'pth',
  'ckpt',
  'bin',
  'safetensors',
  'npy',
  'npz',
  'onnx',
  'h5',
  'keras',
] as const;

const EXTENSION = new RegExp(`\\.(${WEIGHT_FILE_EXTENSIONS.join('|')})$`, 'i');

/** Whether a file name has a weight file's extension. */
export function hasWeightFileExtension(fileName: string): boolean {
  return EXTENSION.test(fileName);
}
