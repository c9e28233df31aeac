// A drawing larger than the view (192 rows of 64 tiles at a high zoom) in a scrolling
// box. The canvas is only as large as what shows and sticks to the box's corner; each
// scroll redraws the part in view. A canvas the drawing's full size would need hundreds
// of megabytes at high zoom on a HiDPI screen.
import type { Rect } from '../../src/render/hyperplanes';
import { h } from '../shared/dom';
import { onNextFrame } from '../shared/frame';
import { HiDpiCanvas } from '../shared/hidpiCanvas';

export class ScrollCanvas {
  /** The scrolling box. */
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly surface: HiDpiCanvas;
  private readonly content = h('div', { class: 'scroll-content' });
  private size = { width: 0, height: 0 };
  /** Set when a redraw is asked for, cleared by any draw: one drawn now makes the next frame's moot. */
  private stale = false;
  private readonly drawStale = onNextFrame(() => this.stale && this.draw());
  readonly redraw = (): void => {
    this.stale = true;
    this.drawStale();
  };

  /** `draw` gets a context whose origin is the drawing's, and the part of the drawing in view. */
  constructor(
    className: string,
    private readonly drawPart: (ctx: CanvasRenderingContext2D, visible: Rect) => void,
  ) {
    this.surface = new HiDpiCanvas(className, this.redraw);
    this.canvas = this.surface.element;
    this.content.append(this.canvas);
    this.element = h('div', { class: 'scroll-box' }, this.content);
    this.element.addEventListener('scroll', this.redraw, { passive: true });
    new ResizeObserver(() => this.fit()).observe(this.element);
  }

  /** The drawing's size in CSS pixels; redraws on the next frame. */
  setSize(width: number, height: number): void {
    this.size = { width, height };
    this.content.style.width = `${width}px`;
    this.content.style.height = `${height}px`;
    this.fit();
  }

  /** A point of the canvas (offsetX/Y) in the drawing's coordinates. */
  toDrawing(offsetX: number, offsetY: number): { x: number; y: number } {
    return { x: offsetX + this.element.scrollLeft, y: offsetY + this.element.scrollTop };
  }

  /** The part of the drawing in view. */
  visible(): Rect {
    const { scrollLeft: x, scrollTop: y } = this.element;
    return { x, y, width: this.canvas.clientWidth, height: this.canvas.clientHeight };
  }

  /** Scrolls so that the drawing's point (x, y) is at (offsetX, offsetY) of the box. */
  scrollToPoint(x: number, y: number, offsetX: number, offsetY: number): void {
    this.element.scrollLeft = x - offsetX;
    this.element.scrollTop = y - offsetY;
  }

  /** The canvas covers what shows of the drawing: the box's inside, or less for a small drawing. */
  private fit(): void {
    const width = Math.min(this.size.width, this.element.clientWidth);
    const height = Math.min(this.size.height, this.element.clientHeight || this.size.height);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.redraw();
  }

  /** Draws now, not on the next frame: a scrubbed frame shows in the same frame as its data. */
  draw(): void {
    this.stale = false;
    const surface = this.surface.begin();
    if (!surface) return;
    const visible = this.visible();
    surface.ctx.translate(-visible.x, -visible.y);
    this.drawPart(surface.ctx, visible);
  }
}
