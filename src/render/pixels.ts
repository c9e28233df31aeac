// Images built pixel by pixel (filter tiles, heat maps): the RGBA bytes are written into
// one ImageData on a small scratch canvas, which the caller then scales onto its own
// canvas with smoothing off, so each value stays a crisp square at any zoom.

/**
 * Makes the scratch canvas: `new OffscreenCanvas(w, h)` in the webview; in Node,
 * @napi-rs/canvas's `createCanvas(w, h)` (cast: it implements the same 2-D API).
 */
export type CreateCanvas = (width: number, height: number) => OffscreenCanvas;

/** A width × height image whose bytes `fill` writes (RGBA, row-major, alpha included). */
export function pixelImage(
  createCanvas: CreateCanvas,
  width: number,
  height: number,
  fill: (data: Uint8ClampedArray) => void,
): OffscreenCanvas {
  const canvas = createCanvas(width, height);
  const ctx = scratchContext(canvas);
  const image = ctx.createImageData(width, height);
  fill(image.data);
  ctx.putImageData(image, 0, 0);
  return canvas;
}

export function scratchContext(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D context on the scratch canvas');
  return ctx;
}

/** Writes an opaque RGB pixel at byte offset `p`. */
export function putRgb(data: Uint8ClampedArray, p: number, r: number, g: number, b: number): void {
  data[p] = r;
  data[p + 1] = g;
  data[p + 2] = b;
  data[p + 3] = 255;
}

/** The webview's scratch canvases (never called in Node, which has no OffscreenCanvas). */
export const offscreenCanvas: CreateCanvas = (width, height) => new OffscreenCanvas(width, height);
