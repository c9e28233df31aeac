// The selected tensor: its name, dtype, shape and statistics, its histogram, and a
// picture fitting its rank (4-D: the filter grid; 2-D: a heat map; 1-D: bars). While
// its values load it says so; if they cannot be read it says why.
import { tensorStats, type TensorStats } from '../../src/core/tensor/statistics';
import type { TensorSummary } from '../../src/protocol';
import { h } from '../shared/dom';
import { formatCount, formatNumber, formatShape } from '../shared/format';
import { shallowEqual } from '../shared/shallowEqual';
import type { ViewTheme } from '../shared/theme';
import { FilterGridView, type GridSettings } from '../tensorPictures/filterGridView';
import { Histogram } from '../tensorPictures/histogram';
import { MatrixView } from '../tensorPictures/matrixView';
import { parameterCount } from './state';

/** Flat, so that an unchanged content is seen at a glance (and nothing is redrawn). */
export interface DetailContent extends GridSettings {
  summary: TensorSummary;
  /** The host's statistics, once computed. */
  stats?: TensorStats;
  values?: Float32Array;
  error?: string;
  theme: ViewTheme;
}

export class TensorDetail {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'tensor-title' });
  private readonly facts = h('div', { class: 'tensor-facts' });
  private readonly statsLine = h('div', { class: 'tensor-stats' });
  private readonly message = h('p', { class: 'detail-message' });
  private readonly histogram = new Histogram();
  private readonly grid: FilterGridView;
  private readonly matrix = new MatrixView();
  private readonly note = h('p', { class: 'detail-note' });
  private content?: DetailContent;
  /** Statistics computed here from the values when the host's have not arrived. */
  private localStats?: { values: Float32Array; stats: TensorStats };

  constructor(onGrid: (settings: Partial<GridSettings>) => void, onExport: (png: Uint8Array, name: string) => void) {
    this.grid = new FilterGridView(onGrid, onExport);
    this.element = h(
      'section',
      { class: 'tensor-detail', 'aria-live': 'polite' },
      h('header', { class: 'detail-header' }, this.title, this.facts, this.statsLine),
      this.message,
      this.histogram.element,
      this.grid.element,
      this.matrix.element,
      this.note,
    );
  }

  show(content: DetailContent | undefined): void {
    if (content && this.content && shallowEqual(content, this.content)) return;
    this.content = content;
    this.element.classList.toggle('empty-detail', !content);
    if (!content) {
      this.title.textContent = 'No tensor selected';
      this.facts.textContent = 'Pick one in the list to see its values.';
      for (const part of [
        this.statsLine,
        this.message,
        this.histogram.element,
        this.grid.element,
        this.matrix.element,
        this.note,
      ])
        part.hidden = true;
      return;
    }
    const { summary, values, error, theme } = content;
    this.title.textContent = summary.name;
    this.facts.replaceChildren(...facts(summary));
    const stats = content.stats ?? (values && this.statsOf(values));
    this.statsLine.replaceChildren(...statFacts(stats));
    this.statsLine.hidden = false;
    this.message.hidden = values !== undefined;
    this.message.className = error ? 'detail-message error' : 'detail-message';
    this.message.setAttribute('role', error ? 'alert' : 'status');
    this.message.textContent = error ?? `Reading ${summary.name}…`;
    this.showPicture(content, stats);
    this.histogram.element.hidden = !values || !stats;
    if (values && stats) this.histogram.show(values, stats, theme);
  }

  exported(path: string): void {
    this.grid.exported(path);
  }

  private showPicture(content: DetailContent, stats: TensorStats | undefined): void {
    const { summary, values, theme } = content;
    const rank = summary.shape.length;
    const nonFinite = stats ? stats.nan + stats.inf > 0 : false;
    this.grid.element.hidden = !values || rank !== 4;
    this.matrix.element.hidden = !values || (rank !== 1 && rank !== 2);
    this.note.hidden = !values || [1, 2, 4].includes(rank);
    this.note.textContent = `No picture for a ${rank === 0 ? 'scalar' : `${rank}-D tensor`}: its histogram shows its values.`;
    if (!values) return;
    const { name, shape } = summary;
    if (rank === 4) {
      const { filters, channels, rgb, normalization, zoom } = content;
      const settings = { filters, channels, rgb, normalization, zoom };
      this.grid.show({ name, values, shape, layout: summary.layout ?? 'OIHW', settings, theme, nonFinite });
    } else if (rank === 1 || rank === 2) {
      this.matrix.show({ name, shape, values, theme, nonFinite });
    }
  }

  private statsOf(values: Float32Array): TensorStats {
    if (this.localStats?.values !== values) this.localStats = { values, stats: tensorStats(values) };
    return this.localStats.stats;
  }
}

function fact(name: string, value: string, kind = ''): HTMLElement {
  return h(
    'span',
    { class: `fact ${kind}`.trim() },
    h('span', { class: 'fact-name' }, name),
    ' ',
    h('span', { class: 'fact-value' }, value),
  );
}

function facts({ dtype, shape, layout }: TensorSummary): HTMLElement[] {
  return [
    fact('shape', formatShape(shape)),
    fact('dtype', dtype),
    ...(layout && shape.length === 4 ? [fact('layout', layout)] : []),
    fact('parameters', formatCount(parameterCount(shape))),
  ];
}

function statFacts(stats: TensorStats | undefined): HTMLElement[] {
  const value = (v: number | undefined) => (v === undefined ? '…' : formatNumber(v));
  const count = (n: number | undefined) => (n === undefined ? '…' : formatCount(n));
  return [
    fact('min', value(stats?.min)),
    fact('max', value(stats?.max)),
    fact('mean', value(stats?.mean)),
    fact('std', value(stats?.std)),
    fact('NaN', count(stats?.nan), stats?.nan ? 'warning' : ''),
    fact('Inf', count(stats?.inf), stats?.inf ? 'warning' : ''),
  ];
}
