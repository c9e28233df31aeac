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

/**
 * Scratch canvases kept from one drawing to the next, for views that draw at every frame
 * (scrubbing a series): a canvas made for each drawing and dropped after it costs Chromium's
 * garbage collector more than the drawing does, since it frees the hundreds left by a few
 * seconds of playback in one pause of 50 ms and more. The n-th canvas a drawing asks for
 * is the n-th of the drawing before, reset (cleared, default settings) or resized, so the
 * canvases of one drawing are never the same one.
 */
export class ScratchCanvases {
  private readonly kept: OffscreenCanvas[] = [];

  constructor(private readonly create: CreateCanvas = offscreenCanvas) {}

  /** What one drawing makes its scratch canvases with. */
  forDrawing(): CreateCanvas {
    let next = 0;
    return (width, height) => this.take(next++, width, height);
  }

  private take(index: number, width: number, height: number): OffscreenCanvas {
    const canvas = this.kept[index];
    if (!canvas) {
      const made = this.create(width, height);
      this.kept[index] = made;
      return made;
    }
    // A new size clears the canvas and resets its context; the same size needs a reset.
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    else scratchContext(canvas).reset();
    return canvas;
  }
}
