// The selected tensor's histogram of finite values (chart.js bars on a value axis);
// the caption says how many NaN and ±Inf values it leaves out. The evolution view gives
// it counts over edges of its own (shared by a series). Only the chart.js parts used are
// registered, which keeps the bundle small.
import { BarController, BarElement, Chart, LinearScale, Tooltip, type ChartOptions } from 'chart.js';
import { histogram, type TensorStats } from '../../src/core/tensor/statistics';
import { chartFont, tooltipStyle } from '../shared/chartStyle';
import { h } from '../shared/dom';
import { formatCount, formatNumber } from '../shared/format';
import { cssVariable, type ViewTheme } from '../shared/theme';

Chart.register(BarController, BarElement, LinearScale, Tooltip);

const BINS = 64;

type Bar = { x: number; y: number };

/** Bars over edges; in an evolution, the same edges at every checkpoint. */
export interface Bins {
  edges: number[];
  counts: number[];
  /** Another set of counts over the same edges, outlined over the bars (the first checkpoint's). */
  reference?: number[];
  /** A fixed top of the count axis, so bars can be compared from one set to the next. */
  countMax?: number;
}

export class Histogram {
  readonly element: HTMLElement;
  private readonly chart: Chart<'bar', Bar[]>;
  private readonly note = h('span', { class: 'chart-legend' });
  private edges: number[] = [];
  private shown?: { values: Float32Array; theme: ViewTheme };
  /** What the axes were last set up for: they change only with the edges, the count axis or the theme. */
  private axes?: { edges: number[]; countMax?: number; theme: ViewTheme };

  constructor() {
    const canvas = h('canvas', { role: 'img', 'aria-label': 'Histogram of the values' });
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { datasets: [{ data: [] }, { data: [], grouped: false, borderWidth: 1 }] },
      options: { scales: { x: { type: 'linear' }, y: { type: 'linear' } } },
    });
    this.element = h(
      'figure',
      { class: 'chart histogram' },
      h('figcaption', {}, h('span', { class: 'chart-title' }, 'Histogram'), this.note),
      h('div', { class: 'chart-box' }, canvas),
    );
  }

  show(values: Float32Array, stats: TensorStats, theme: ViewTheme): void {
    if (this.shown?.values === values && this.shown.theme === theme) return;
    this.shown = { values, theme };
    const { edges, counts } = histogram(values, BINS);
    const left = stats.nan + stats.inf;
    const note = [
      edges.length ? `${BINS} bins` : 'no finite values',
      left ? `${formatCount(stats.nan)} NaN and ${formatCount(stats.inf)} ±Inf not shown` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    this.showBins({ edges, counts }, note, theme);
  }

  showBins(bins: Bins, note: string, theme: ViewTheme): void {
    this.note.textContent = note;
    this.edges = bins.edges;
    const [bars, reference] = this.chart.data.datasets;
    const points = (counts: number[]): Bar[] =>
      counts.map((y, i) => ({ x: (bins.edges[i] + bins.edges[i + 1]) / 2, y }));
    bars.data = points(bins.counts);
    bars.backgroundColor = cssVariable('--vscode-charts-blue', theme.render.foreground);
    reference.data = points(bins.reference ?? []);
    reference.backgroundColor = 'transparent';
    reference.borderColor = theme.render.mutedForeground;
    const axes = this.axes;
    if (axes?.edges !== bins.edges || axes.countMax !== bins.countMax || axes.theme !== theme) {
      this.axes = { edges: bins.edges, countMax: bins.countMax, theme };
      this.chart.options = this.options(theme, bins.countMax);
    }
    this.chart.update('none');
  }

  private options({ render }: ViewTheme, countMax?: number): ChartOptions<'bar'> {
    const font = chartFont(render);
    const ticks = { color: render.mutedForeground, font, maxTicksLimit: 7 };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      datasets: { bar: { barPercentage: 1, categoryPercentage: 1, borderWidth: 0 } },
      layout: { padding: { right: 8 } },
      scales: {
        x: {
          type: 'linear',
          // The bars' outer edges, not their centres, bound the axis.
          min: this.edges[0],
          max: this.edges[this.edges.length - 1],
          offset: false,
          ticks: { ...ticks, callback: (v) => formatNumber(Number(v)) },
          grid: { display: false },
          border: { color: render.gridLine },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          max: countMax,
          ticks: { ...ticks, maxTicksLimit: 5, callback: (v) => formatCount(Number(v)) },
          grid: { color: render.gridLine },
          border: { display: false },
        },
      },
      plugins: {
        tooltip: {
          ...tooltipStyle(render),
          callbacks: {
            title: ([item]) => {
              const i = item?.dataIndex ?? 0;
              return `${formatNumber(this.edges[i])} to ${formatNumber(this.edges[i + 1])}`;
            },
            label: (item) => `${formatCount(item.parsed.y ?? 0)} values`,
          },
        },
      },
    };
  }
}
