// A canvas whose backing store follows its CSS size times devicePixelRatio, so lines
// stay sharp on HiDPI screens; it asks for a redraw whenever its size changes.
import type { Rect } from '../../src/render/hyperplanes';

export interface DrawingSurface {
  ctx: CanvasRenderingContext2D;
  /** The whole canvas in CSS pixels (the context is scaled to them). */
  rect: Rect;
}

export class HiDpiCanvas {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(className: string, onResize: () => void) {
    this.element = document.createElement('canvas');
    this.element.className = className;
    const ctx = this.element.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas context');
    this.ctx = ctx;
    new ResizeObserver(onResize).observe(this.element);
  }

  /** Sizes the backing store and clears it; undefined while the canvas is not laid out. */
  begin(): DrawingSurface | undefined {
    const { clientWidth: width, clientHeight: height } = this.element;
    if (width === 0 || height === 0) return undefined;
    const ratio = window.devicePixelRatio || 1;
    const [pixelWidth, pixelHeight] = [Math.round(width * ratio), Math.round(height * ratio)];
    if (this.element.width !== pixelWidth || this.element.height !== pixelHeight) {
      this.element.width = pixelWidth;
      this.element.height = pixelHeight;
    }
    this.ctx.setTransform(pixelWidth / width, 0, 0, pixelHeight / height, 0, 0);
    this.ctx.clearRect(0, 0, width, height);
    return { ctx: this.ctx, rect: { x: 0, y: 0, width, height } };
  }
}
