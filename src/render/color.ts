// Colour for the renderers: a value's level on a colour map (grey, or diverging about zero),
// OKLCH (perceptually even lightness) to sRGB, and reading any CSS colour back as RGB
// through the canvas itself.
import type { Normalization } from '../core/tensor/kernel';
import type { ValueRange } from '../core/tensor/range';

/** Colour-map index 0..255 of a value in its range (128 when the range is one value or empty); −1 for NaN and ±Inf. */
export function colorLevel(value: number, { low, high }: ValueRange): number {
  if (!Number.isFinite(value)) return -1;
  if (!(high > low)) return 128;
  return Math.round((255 * Math.min(Math.max(value - low, 0), high - low)) / (high - low));
}

export type Rgb = [r: number, g: number, b: number];

/** NaN and ±Inf: a saturated green, apart from the grey ramp and from both ends of the diverging map. */
export const NON_FINITE_RGB: Rgb = [0, 220, 90];

/** ColorBrewer RdBu (reversed): dark blue, through near-white at zero, to dark red; readable by most colour-blind viewers. */
const DIVERGING_STOPS: Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

function buildMap(color: (t: number) => Rgb): Uint8ClampedArray {
  const map = new Uint8ClampedArray(256 * 3);
  for (let level = 0; level < 256; level++) map.set(color(level / 255), level * 3);
  return map;
}

const GREY_MAP = buildMap((t) => [255 * t, 255 * t, 255 * t]);
const DIVERGING_MAP = buildMap((t) => {
  const position = t * (DIVERGING_STOPS.length - 1);
  const i = Math.min(DIVERGING_STOPS.length - 2, Math.floor(position));
  const f = position - i;
  const [a, b] = [DIVERGING_STOPS[i], DIVERGING_STOPS[i + 1]];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
});

/** 256 RGB triples indexed by colorLevel: the grey ramp, or blue–white–red when symmetric. */
export function colorMap(normalization: Normalization): Uint8ClampedArray {
  return normalization === 'symmetric' ? DIVERGING_MAP : GREY_MAP;
}

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
