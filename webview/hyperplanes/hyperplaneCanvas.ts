// The live hyperplane plot: draws the scene with the shared renderer, names the unit
// under the pointer in a tooltip and highlights it (or the unit picked in the legend).
import { drawHyperplaneScene, unitAtPoint, type HyperplaneScene, type Rect } from '../../src/render/hyperplanes';
import type { Theme } from '../../src/render/theme';
import { h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { onNextFrame } from '../shared/frame';
import { HiDpiCanvas } from '../shared/hidpiCanvas';
import { Tooltip } from '../shared/tooltip';

export class HyperplaneCanvas {
  readonly element: HTMLElement;
  private readonly canvas: HiDpiCanvas;
  private readonly tooltip = new Tooltip();
  private readonly redraw = onNextFrame(() => this.draw());
  private content?: { scene: HyperplaneScene; theme: Theme };
  private lastRect?: Rect;
  private hovered?: number;
  private picked?: number;

  /** `onHover` hears of the unit under the pointer (to mark it in the legend). */
  constructor(
    private readonly compact: boolean,
    private readonly onHover: (unit: number | undefined) => void,
  ) {
    this.canvas = new HiDpiCanvas('hyperplane-canvas', this.redraw);
    this.canvas.element.setAttribute('role', 'img');
    this.element = h('div', { class: 'plot' }, this.canvas.element, this.tooltip.element);
    this.canvas.element.addEventListener('pointermove', (event) => this.hover(event));
    this.canvas.element.addEventListener('pointerleave', () => this.hover(undefined));
  }

  show(scene: HyperplaneScene, theme: Theme): void {
    this.content = { scene, theme };
    const { snapshot } = scene;
    this.canvas.element.setAttribute(
      'aria-label',
      `Hidden-unit lines of ${snapshot.w.length} units at iteration ${snapshot.iteration}`,
    );
    this.draw();
  }

  /** The unit picked outside the plot (the legend), highlighted while nothing is hovered. */
  pick(unit: number | undefined): void {
    this.picked = unit;
    this.redraw();
  }

  private draw(): void {
    const surface = this.canvas.begin();
    if (!surface || !this.content) return;
    const { scene, theme } = this.content;
    this.lastRect = surface.rect;
    drawHyperplaneScene(surface.ctx, surface.rect, { ...scene, highlightUnit: this.hovered ?? this.picked }, theme, {
      compact: this.compact,
    });
    this.updateTooltip();
  }

  private hover(event: PointerEvent | undefined): void {
    const unit =
      event && this.content && this.lastRect
        ? unitAtPoint(this.lastRect, this.content.scene, event.offsetX, event.offsetY)
        : undefined;
    const { clientWidth, clientHeight } = this.canvas.element;
    if (event) this.tooltip.place(event.offsetX, event.offsetY, clientWidth, clientHeight);
    if (unit === this.hovered) return;
    this.hovered = unit;
    this.onHover(unit);
    this.redraw();
  }

  /** Describes the hovered unit (its parameters change as the scrubber moves). */
  private updateTooltip(): void {
    const unit = this.hovered;
    if (unit === undefined || !this.content) {
      this.tooltip.hide();
      return;
    }
    const { snapshot, deadUnits } = this.content.scene;
    const [w1, w2] = snapshot.w[unit];
    this.tooltip.show(
      h('strong', {}, `Unit ${unit}`),
      h('div', {}, `w = (${formatNumber(w1)}, ${formatNumber(w2)})`),
      h('div', {}, `b = ${formatNumber(snapshot.b[unit])}`),
      ...(deadUnits?.[unit] ? [h('div', { class: 'dead' }, 'dead: inactive on every point')] : []),
    );
  }
}
