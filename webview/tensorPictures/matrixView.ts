// A 2-D tensor (a Linear layer's weights) as a heat map, a 1-D one (a bias) as bars about
// zero, both on the diverging colour map; hovering names the row and column (or the
// block of them a cell stands for) and the value.
import type { ValueRange } from '../../src/core/tensor/range';
import {
  drawHeatmap,
  heatmapCellAt,
  heatmapLayout,
  type HeatmapCell,
  type HeatmapLayout,
} from '../../src/render/heatmap';
import { ScratchCanvases } from '../../src/render/pixels';
import { h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { onNextFrame } from '../shared/frame';
import { HiDpiCanvas } from '../shared/hidpiCanvas';
import type { ViewTheme } from '../shared/theme';
import { Tooltip } from '../shared/tooltip';
import { ColorLegend } from './legend';

/** Heights the pictures may take, in CSS pixels: a large matrix is shown in blocks within them. */
const HEATMAP_HEIGHT = 520;
const BARS_HEIGHT = 120;

export interface MatrixContent {
  name: string;
  shape: number[];
  values: Float32Array;
  theme: ViewTheme;
  nonFinite: boolean;
}

export class MatrixView {
  readonly element: HTMLElement;
  private readonly canvas: HiDpiCanvas;
  private readonly tooltip = new Tooltip();
  /** Drawn again at every frame while scrubbing a series: the same scratch canvas each time. */
  private readonly scratch = new ScratchCanvases();
  private readonly legend = new ColorLegend();
  private readonly frame: HTMLElement;
  private content?: MatrixContent;
  private layout?: HeatmapLayout;
  private range?: ValueRange;

  constructor() {
    this.canvas = new HiDpiCanvas(
      'matrix-canvas',
      onNextFrame(() => this.draw()),
    );
    this.canvas.element.setAttribute('role', 'img');
    this.frame = h('div', { class: 'matrix-frame' }, this.canvas.element, this.tooltip.element);
    this.element = h('section', { class: 'matrix-view' }, this.legend.element, this.frame);
    this.canvas.element.addEventListener('pointermove', (event) => this.hover(event));
    this.canvas.element.addEventListener('pointerleave', () => this.tooltip.hide());
    new ResizeObserver(onNextFrame(() => this.draw())).observe(this.element);
  }

  show(content: MatrixContent): void {
    this.content = content;
    this.draw();
  }

  private draw(): void {
    const { content } = this;
    if (!content) return;
    const bars = content.shape.length === 1;
    const room = { width: this.element.clientWidth, height: bars ? BARS_HEIGHT : HEATMAP_HEIGHT };
    if (room.width === 0) return;
    const layout = heatmapLayout(content.shape, room);
    this.layout = layout;
    const { style } = this.canvas.element;
    [style.width, style.height] = [`${layout.width}px`, `${layout.height}px`];
    const surface = this.canvas.begin();
    if (!surface) return;
    this.range = drawHeatmap(surface.ctx, layout, content.values, this.scratch.forDrawing(), content.theme.render);
    this.legend.show({ normalization: 'symmetric', range: this.range, nonFinite: content.nonFinite });
    const blocks = layout.block > 1 ? ` in blocks of ${layout.block}` : '';
    this.canvas.element.setAttribute(
      'aria-label',
      bars ? `${content.name}: ${layout.columns} values as bars${blocks}` : `${content.name}: heat map${blocks}`,
    );
  }

  private hover(event: PointerEvent): void {
    const cell =
      this.content && this.layout && heatmapCellAt(this.layout, this.content.values, event.offsetX, event.offsetY);
    if (!cell || !this.layout) {
      this.tooltip.hide();
      return;
    }
    this.tooltip.show(h('strong', {}, where(cell, this.layout)), h('div', {}, valueText(cell, this.layout)));
    this.tooltip.place(event.offsetX, event.offsetY, this.frame.clientWidth, this.frame.clientHeight);
  }
}

function span(start: number, end: number): string {
  return end - start > 1 ? `${start}–${end - 1}` : String(start);
}

function where(cell: HeatmapCell, layout: HeatmapLayout): string {
  if (layout.kind === 'bars') return `${layout.block > 1 ? 'Indices' : 'Index'} ${span(cell.column, cell.columnEnd)}`;
  const rows = `${layout.block > 1 ? 'Rows' : 'Row'} ${span(cell.row, cell.rowEnd)}`;
  return `${rows}, ${layout.block > 1 ? 'columns' : 'column'} ${span(cell.column, cell.columnEnd)}`;
}

function valueText(cell: HeatmapCell, layout: HeatmapLayout): string {
  return layout.block > 1 ? `mean ${formatNumber(cell.value)}` : formatNumber(cell.value);
}
