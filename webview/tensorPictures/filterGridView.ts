// A convolution kernel as a grid of filter tiles, with its controls: first N filters,
// first C channels, RGB (3-channel kernels), normalization, zoom and Export PNG. Hovering
// a tile names its filter, channel, pixel and value; Ctrl/⌘ + wheel zooms about the
// pointer. Every draw is timed under the `filter-grid-draw` performance measure.
import type { KernelLayout } from '../../src/core/formats/weightFile';
import { filterRanges, kernelView, shownTiles, type KernelView } from '../../src/core/tensor/kernel';
import { type TileHit } from '../../src/render/tileGrid';
import { type ValueRange } from '../../src/core/tensor/range';
import type { PersistedWeightsState } from '../../src/protocol';
import { drawFilterGrid, filterGridLayout, tileAt, tileRect, type FilterGridLayout } from '../../src/render/filterGrid';
import type { Rect } from '../../src/render/hyperplanes';
import { offscreenCanvas, ScratchCanvases } from '../../src/render/pixels';
import { h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { shallowEqual } from '../shared/shallowEqual';
import type { ViewTheme } from '../shared/theme';
import { Toggle } from '../shared/toggle';
import { Tooltip } from '../shared/tooltip';
import { ColorLegend } from './legend';
import { ScrollCanvas } from './scrollCanvas';
import { NORMALIZATIONS, ZOOMS } from './pictureOptions';

export const DRAW_MEASURE = 'filter-grid-draw';

export interface FilterGridContent {
  name: string;
  values: Float32Array;
  shape: number[];
  layout: KernelLayout;
  settings: GridSettings;
  theme: ViewTheme;
  /** The tensor has NaN or ±Inf values (the legend shows their marker). */
  nonFinite: boolean;
  /** The range the shared colour scale spans, when not the shown values' (a series' whole range). */
  range?: ValueRange;
}

export type GridSettings = Pick<PersistedWeightsState, 'filters' | 'channels' | 'rgb' | 'normalization' | 'zoom'>;

/** The pointer's tile and place when zooming with the wheel, kept under the pointer after. */
interface ZoomAnchor {
  hit: TileHit;
  offsetX: number;
  offsetY: number;
}

export class FilterGridView {
  readonly element: HTMLElement;
  private readonly filters = numberInput('grid-filters');
  private readonly channels = numberInput('grid-channels');
  private readonly filtersOf = h('span', { class: 'field-suffix' });
  private readonly channelsOf = h('span', { class: 'field-suffix' });
  private readonly rgb: Toggle;
  private readonly normalization = h(
    'select',
    { id: 'grid-normalization' },
    ...NORMALIZATIONS.map((n) => h('option', { value: n.value }, n.label)),
  );
  private readonly zoom = h('select', { id: 'grid-zoom' }, ...ZOOMS.map((z) => h('option', { value: z }, `${z}×`)));
  private readonly exportButton = h(
    'button',
    { type: 'button', class: 'button secondary export-button' },
    'Export PNG',
  );
  private readonly exportStatus = h('span', { class: 'export-status', role: 'status' });
  private readonly legend = new ColorLegend();
  private readonly scroll: ScrollCanvas;
  private readonly tooltip = new Tooltip();
  /** Drawn again at every frame while scrubbing a series: the same scratch canvases each time. */
  private readonly scratch = new ScratchCanvases();
  private content?: FilterGridContent;
  private kernel?: KernelView;
  private layout?: FilterGridLayout;
  private anchor?: ZoomAnchor;

  /** Without `onExport` there is no Export button. */
  constructor(
    private readonly onChange: (settings: Partial<GridSettings>) => void,
    private readonly onExport?: (png: Uint8Array, suggestedName: string) => void,
  ) {
    this.exportButton.hidden = !onExport;
    this.rgb = new Toggle('RGB', (rgb) => onChange({ rgb }));
    this.scroll = new ScrollCanvas('filter-grid', (ctx, visible) => this.draw(ctx, visible));
    this.scroll.element.tabIndex = 0;
    this.scroll.element.setAttribute('aria-label', 'Filter grid (scrolls; + and − zoom)');
    const toolbar = h(
      'div',
      { class: 'grid-toolbar' },
      field('Filters', this.filters, this.filtersOf),
      field('Channels', this.channels, this.channelsOf),
      h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'Colour'), this.rgb.element),
      field('Normalization', this.normalization),
      field('Zoom', this.zoom),
    );
    this.element = h(
      'section',
      { class: 'filter-grid-view', 'aria-label': 'Filters' },
      toolbar,
      h(
        'div',
        { class: 'grid-bar' },
        this.legend.element,
        h('div', { class: 'export' }, this.exportStatus, this.exportButton),
      ),
      h('div', { class: 'grid-frame' }, this.scroll.element, this.tooltip.element),
    );
    this.listen();
  }

  show(content: FilterGridContent): void {
    const previous = this.content;
    this.content = content;
    if (content.values !== previous?.values) {
      this.kernel = kernelView(content.values, content.shape, content.layout);
      this.exportStatus.textContent = '';
    }
    // Another frame of the same kernel (scrubbing a series) keeps the layout: only the colours change.
    if (!previous || !sameGrid(previous, content)) this.relayout();
    this.showControls();
    this.scroll.draw();
  }

  /** The host saved the exported PNG. */
  exported(path: string): void {
    this.exportStatus.textContent = `Saved ${path}`;
    this.exportStatus.title = path;
  }

  private listen(): void {
    const count = (input: HTMLInputElement, key: 'filters' | 'channels') =>
      input.addEventListener('input', () => {
        const n = Number(input.value);
        if (Number.isInteger(n) && n >= 1) this.onChange({ [key]: n });
      });
    count(this.filters, 'filters');
    count(this.channels, 'channels');
    this.normalization.addEventListener('change', () =>
      this.onChange({ normalization: this.normalization.value as GridSettings['normalization'] }),
    );
    this.zoom.addEventListener('change', () => this.onChange({ zoom: Number(this.zoom.value) }));
    this.exportButton.addEventListener('click', () => void this.exportPng());
    const canvas = this.scroll.canvas;
    canvas.addEventListener('pointermove', (event) => this.hover(event));
    canvas.addEventListener('pointerleave', () => this.tooltip.hide());
    canvas.addEventListener('wheel', (event) => this.wheel(event), { passive: false });
    this.scroll.element.addEventListener('keydown', (event) => {
      const step = { '+': 1, '=': 1, '-': -1 }[event.key];
      if (step) this.zoomBy(step);
    });
    // A wrapped grid fills the width it has: a new width may move its images.
    new ResizeObserver(() => this.relayout()).observe(this.scroll.element);
  }

  private showControls(): void {
    const { kernel, content } = this;
    if (!kernel || !content) return;
    const shown = shownTiles(kernel, content.settings);
    setNumber(this.filters, shown.filters, kernel.filters);
    setNumber(this.channels, shown.channels, kernel.channels);
    this.channels.disabled = shown.rgb;
    this.filtersOf.textContent = `of ${kernel.filters}`;
    this.channelsOf.textContent = `of ${kernel.channels}`;
    this.rgb.show(shown.rgb);
    this.rgb.enable(kernel.channels === 3, 'RGB needs a kernel of exactly 3 input channels');
    this.normalization.value = content.settings.normalization;
    this.zoom.value = String(content.settings.zoom);
    const { normalization } = content.settings;
    const [range] = filterRanges(kernel, shown, normalization, content.range);
    this.legend.show({
      normalization,
      range: normalization === 'filter' ? undefined : range,
      nonFinite: content.nonFinite,
    });
  }

  private relayout(): void {
    const { kernel, content } = this;
    if (!kernel || !content) return;
    const { filters, channels, rgb, zoom } = content.settings;
    const maxWidth = this.scroll.element.clientWidth || undefined;
    this.layout = filterGridLayout(kernel, { filters, channels, rgb, scale: zoom, maxWidth });
    this.scroll.setSize(this.layout.width, this.layout.height);
    this.scroll.canvas.setAttribute('aria-label', describe(content.name, this.layout));
    this.keepAnchor();
    this.scroll.redraw();
  }

  private draw(ctx: CanvasRenderingContext2D, visible: Rect): void {
    const { kernel, content, layout } = this;
    if (!kernel || !content || !layout) return;
    const start = performance.now();
    const { range } = content;
    const createCanvas = this.scratch.forDrawing();
    const options = { normalization: content.settings.normalization, createCanvas, visible, range };
    drawFilterGrid(ctx, layout, kernel, options, content.theme.render);
    performance.measure(DRAW_MEASURE, { start });
  }

  private hover(event: PointerEvent): void {
    const { kernel, layout } = this;
    const hit = layout && this.tileUnder(layout, event);
    if (!kernel || !hit) {
      this.tooltip.hide();
      return;
    }
    const { filter, channel, y, x } = hit;
    const at = `(${y}, ${x})`;
    if (channel === undefined) {
      const [r, g, b] = [0, 1, 2].map((c) => formatNumber(kernel.at(filter, c, y, x)));
      this.tooltip.show(h('strong', {}, `Filter ${filter} · RGB`), h('div', {}, `${at}  R ${r}  G ${g}  B ${b}`));
    } else {
      this.tooltip.show(
        h('strong', {}, `Filter ${filter} · channel ${channel}`),
        h('div', {}, `${at}  ${formatNumber(kernel.at(filter, channel, y, x))}`),
      );
    }
    const frame = this.scroll.element;
    this.tooltip.place(event.offsetX, event.offsetY, frame.clientWidth, frame.clientHeight);
  }

  private tileUnder(layout: FilterGridLayout, event: MouseEvent): TileHit | undefined {
    const point = this.scroll.toDrawing(event.offsetX, event.offsetY);
    return tileAt(layout, point.x, point.y, this.scroll.visible());
  }

  private wheel(event: WheelEvent): void {
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    const hit = this.layout && this.tileUnder(this.layout, event);
    this.anchor = hit && { hit, offsetX: event.offsetX, offsetY: event.offsetY };
    this.zoomBy(event.deltaY < 0 ? 1 : -1);
  }

  private zoomBy(step: number): void {
    const current = ZOOMS.indexOf(this.content?.settings.zoom ?? ZOOMS[0]);
    const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, current + step))];
    if (next !== this.content?.settings.zoom) this.onChange({ zoom: next });
  }

  /** After a wheel zoom, scrolls the tile pixel that was under the pointer back under it. */
  private keepAnchor(): void {
    const { anchor, layout } = this;
    if (!anchor || !layout || layout.grid.scale !== this.content?.settings.zoom) return;
    this.anchor = undefined;
    const tile = tileRect(layout, anchor.hit.filter, anchor.hit.channel ?? 0);
    const scale = layout.grid.scale;
    const [x, y] = [tile.x + (anchor.hit.x + 0.5) * scale, tile.y + (anchor.hit.y + 0.5) * scale];
    this.scroll.scrollToPoint(x, y, anchor.offsetX, anchor.offsetY);
  }

  /** Draws the whole grid at one CSS pixel per layout pixel and hands the PNG's bytes on. */
  private async exportPng(): Promise<void> {
    const { kernel, content, layout } = this;
    if (!kernel || !content || !layout) return;
    const canvas = h('canvas', { width: layout.width, height: layout.height });
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const { range } = content;
    const options = { normalization: content.settings.normalization, createCanvas: offscreenCanvas, range };
    drawFilterGrid(ctx, layout, kernel, options, content.theme.render);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return;
    this.exportStatus.textContent = 'Saving…';
    this.onExport?.(new Uint8Array(await blob.arrayBuffer()), `${content.name.replace(/[^\w.-]+/g, '_')}.png`);
  }
}

/** Whether two contents lay the grid out alike (their values may differ). */
function sameGrid(a: FilterGridContent, b: FilterGridContent): boolean {
  return (
    a.name === b.name &&
    a.layout === b.layout &&
    a.theme === b.theme &&
    a.shape.join() === b.shape.join() &&
    shallowEqual(a.settings, b.settings)
  );
}

function describe(name: string, layout: FilterGridLayout): string {
  const { grid } = layout;
  const what = grid.rgb ? 'RGB images' : grid.channels === 1 ? 'single-channel tiles' : `× ${grid.channels} channels`;
  return `${name}: ${grid.filters} filters ${what}`;
}

function numberInput(id: string): HTMLInputElement {
  return h('input', { id, type: 'number', min: 1, step: 1, required: true });
}

/** Shows a count unless the user is typing in the field (the value may be mid-edit). */
function setNumber(input: HTMLInputElement, value: number, max: number): void {
  input.max = String(max);
  if (document.activeElement !== input) input.value = String(value);
}

function field(label: string, control: HTMLElement, ...after: HTMLElement[]): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { class: 'field-label', for: control.id }, label),
    h('div', { class: 'field-control' }, control, ...after),
  );
}
