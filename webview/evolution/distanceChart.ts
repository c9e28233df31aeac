// How far each layer moved from the first checkpoint, against the checkpoints' numbers
// (a log axis when they span decades, as the lecture's iterations do): one line per
// layer, relative (‖W − W₀‖ / ‖W₀‖) or absolute, the frame shown marked. Clicking the
// chart moves the scrubber to the nearest checkpoint.
import {
  Chart,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import type { CheckpointSummary, PersistedEvolutionState, SeriesState } from '../../src/protocol';
import { unitColor } from '../../src/render/theme';
import { chartFont, drawFrameLine, tooltipStyle } from '../chartStyle';
import { h } from '../dom';
import { formatCount, formatNumber, formatPercent } from '../format';
import type { ViewTheme } from '../theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

/** Layers named in the legend; the others are in the tooltip. */
const LEGEND_LAYERS = 12;

type Mode = PersistedEvolutionState['distance'];
type Point = { x: number; y: number | null };

export interface DistanceContent {
  series: SeriesState;
  frame: number;
  mode: Mode;
  theme: ViewTheme;
}

/** Checkpoints' numbers when all have one; else their positions. */
function positions(checkpoints: readonly CheckpointSummary[]): number[] {
  const numbered = checkpoints.every((c) => c.number !== undefined);
  return checkpoints.map((c, i) => (numbered ? c.number! : i));
}

/** Decades apart and all positive: a log axis, as the lecture's iterations 1…9999 need. */
function isLogAxis(xs: readonly number[]): boolean {
  if (!xs.length || xs.some((x) => x < 1)) return false;
  return Math.max(...xs) / Math.min(...xs) >= 100;
}

export class DistanceChart {
  readonly element: HTMLElement;
  private readonly chart: Chart<'line', Point[]>;
  private readonly legend = h('span', { class: 'chart-legend' });
  private readonly mode = h(
    'select',
    { class: 'distance-mode', 'aria-label': 'Distance' },
    h('option', { value: 'relative' }, '‖W − W₀‖ / ‖W₀‖'),
    h('option', { value: 'absolute' }, '‖W − W₀‖'),
  );
  private content?: DistanceContent;
  private xs: number[] = [];

  constructor(
    private readonly onFrame: (index: number) => void,
    onMode: (mode: Mode) => void,
  ) {
    const canvas = h('canvas', { role: 'img', 'aria-label': 'Distance of each layer from the first checkpoint' });
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: { scales: { x: { type: 'linear' }, y: { type: 'linear' } } },
      plugins: [this.framePlugin()],
    });
    this.mode.addEventListener('change', () => onMode(this.mode.value as Mode));
    this.element = h(
      'figure',
      { class: 'chart distance-chart' },
      h('figcaption', {}, h('span', { class: 'chart-title' }, 'Distance from the first checkpoint'), this.mode),
      h('div', { class: 'chart-box' }, canvas),
      this.legend,
    );
  }

  show(content: DistanceContent): void {
    const previous = this.content;
    this.content = content;
    this.mode.value = content.mode;
    const { series, mode, theme } = content;
    if (series.checkpoints === previous?.series.checkpoints && mode === previous.mode && theme === previous.theme) {
      // Only the marker moved, if anything.
      if (content.frame !== previous.frame) this.chart.draw();
      return;
    }
    this.xs = positions(series.checkpoints);
    this.chart.data.datasets = series.layers.map((layer, l) => ({
      label: layer,
      data: series.checkpoints.map((c, i) => ({
        x: this.xs[i],
        y: (mode === 'relative' ? c.relative : c.distance)[l],
      })),
      borderColor: unitColor(l),
      backgroundColor: unitColor(l),
    }));
    this.chart.options = this.options(content);
    this.chart.update('none');
    this.showLegend(series.layers);
  }

  private showLegend(layers: readonly string[]): void {
    const named = layers.slice(0, LEGEND_LAYERS).map((layer, l) => {
      const swatch = h('span', { class: 'line-swatch', 'aria-hidden': 'true' });
      swatch.style.borderTopColor = unitColor(l);
      return h('span', { class: 'legend-item' }, swatch, layer);
    });
    const more = layers.length - named.length;
    this.legend.replaceChildren(...named, ...(more > 0 ? [h('span', { class: 'legend-item' }, `+${more} more`)] : []));
  }

  private options({ series, mode, theme }: DistanceContent): ChartOptions<'line'> {
    const { foreground, mutedForeground, gridLine } = theme.render;
    const font = chartFont(theme.render);
    const log = isLogAxis(this.xs);
    const value = (v: number): string => (mode === 'relative' ? formatPercent(v) : formatNumber(v));
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      color: foreground,
      font,
      elements: { line: { borderWidth: 1.5, tension: 0 }, point: { radius: 0, hoverRadius: 3, hitRadius: 4 } },
      layout: { padding: { right: 8 } },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      onClick: (event, _elements, chart) => {
        if (event.x !== null) this.scrubTo(chart.scales.x.getValueForPixel(event.x), log);
      },
      scales: {
        x: {
          type: log ? 'logarithmic' : 'linear',
          ticks: {
            color: mutedForeground,
            font,
            maxRotation: 0,
            autoSkip: true,
            callback: (v) => {
              const x = Number(v);
              return !log || Number.isInteger(Math.log10(x)) ? formatCount(x) : '';
            },
          },
          grid: { color: gridLine },
          border: { color: gridLine },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          ticks: { color: mutedForeground, font, maxTicksLimit: 5, callback: (v) => value(Number(v)) },
          grid: { color: gridLine },
          border: { display: false },
        },
      },
      plugins: {
        tooltip: {
          ...tooltipStyle(theme.render),
          callbacks: {
            title: (items) => {
              const checkpoint = series.checkpoints[items[0]?.dataIndex ?? 0];
              return checkpoint ? checkpoint.name : '';
            },
            label: (item) => `${item.dataset.label}: ${value(item.parsed.y ?? 0)}`,
          },
        },
      },
    };
  }

  /** The checkpoint nearest a clicked position (on the log axis, by ratio). */
  private scrubTo(x: number | undefined, log: boolean): void {
    if (x === undefined || !this.xs.length) return;
    const distance = (v: number): number => (log ? Math.abs(Math.log(v) - Math.log(x)) : Math.abs(v - x));
    let best = 0;
    this.xs.forEach((v, i) => {
      if (distance(v) < distance(this.xs[best])) best = i;
    });
    this.onFrame(best);
  }

  private framePlugin(): Plugin<'line'> {
    return {
      id: 'frame',
      afterDatasetsDraw: (chart) => {
        const content = this.content;
        const x = content && this.xs[content.frame];
        if (x === undefined || !content) return;
        const pixel = chart.scales.x.getPixelForValue(x);
        if (pixel >= chart.chartArea.left - 1 && pixel <= chart.chartArea.right + 1)
          drawFrameLine(chart.ctx, chart.chartArea, pixel, content.theme.render);
      },
    };
  }
}
