// Colour arithmetic for the renderers: OKLCH (perceptually even lightness) to sRGB,
// and reading any CSS colour back as RGB through the canvas itself.

export type Rgb = [r: number, g: number, b: number];

/** sRGB hex (#rrggbb) of an OKLCH colour; the chroma is reduced until it fits in sRGB. */
export function oklchToHex(lightness: number, chroma: number, hueDegrees: number): string {
  let fitting = chroma;
  if (!inGamut(oklchToLinearRgb(lightness, chroma, hueDegrees))) {
    let [low, high] = [0, chroma];
    for (let i = 0; i < 16; i++) {
      const mid = (low + high) / 2;
      if (inGamut(oklchToLinearRgb(lightness, mid, hueDegrees))) low = mid;
      else high = mid;
    }
    fitting = low;
  }
  const linear = oklchToLinearRgb(lightness, fitting, hueDegrees);
  return rgbToHex(linear.map((c) => Math.round(255 * encodeSrgb(c))) as Rgb);
}

function oklchToLinearRgb(lightness: number, chroma: number, hueDegrees: number): Rgb {
  const h = (hueDegrees * Math.PI) / 180;
  const [a, b] = [chroma * Math.cos(h), chroma * Math.sin(h)];
  const l = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (lightness - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

function inGamut(rgb: Rgb): boolean {
  return rgb.every((c) => c >= -1e-4 && c <= 1 + 1e-4);
}

function encodeSrgb(linear: number): number {
  const c = Math.min(1, Math.max(0, linear));
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

export function rgbToHex(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The RGB of any CSS colour the canvas understands (names, hex, rgb(), theme variables
 * already resolved by the caller), read back from the context's normalized fillStyle.
 * Unparseable colours give black, as the canvas itself would draw them.
 */
export function cssColorToRgb(ctx: CanvasRenderingContext2D, css: string): Rgb {
  ctx.save();
  ctx.fillStyle = '#000000';
  ctx.fillStyle = css;
  const normalized = String(ctx.fillStyle);
  ctx.restore();
  if (normalized.startsWith('#')) {
    const hex = normalized.slice(1, 7);
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
  }
  const channels = normalized.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
  return [channels[0], channels[1], channels[2]];
}
