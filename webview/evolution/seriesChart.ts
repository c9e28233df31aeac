// What the evolution view's line charts share: a chart.js line chart against the
// checkpoints' numbers (a log axis when they span decades, as the lecture's iterations
// do), styled by the theme, the frame shown marked, and a click moving the scrubber to
// the nearest checkpoint. The distance chart and the loss and accuracy charts are these.
import {
  Chart,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import type { CheckpointSummary } from '../../src/protocol';
import { chartFont, drawFrameLine, tooltipStyle } from '../chartStyle';
import { h } from '../dom';
import { formatCount } from '../format';
import type { ViewTheme } from '../theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

export type LinePoint = { x: number; y: number | null };

export interface LineChartContent {
  /** Each checkpoint's position on the x axis (see `positions`). */
  xs: number[];
  /** The checkpoint shown. */
  frame: number;
  theme: ViewTheme;
  datasets: ChartDataset<'line', LinePoint[]>[];
  y: { min?: number; max?: number; beginAtZero?: boolean; tick: (value: number) => string };
  /** The tooltip's title for a point of a dataset, and its line for a value. */
  title: (dataIndex: number, x: number) => string;
  label: (dataset: string, value: number) => string;
}

/** Checkpoints' numbers when all have one; else their positions. */
export function positions(checkpoints: readonly CheckpointSummary[]): number[] {
  const numbered = checkpoints.every((c) => c.number !== undefined);
  return checkpoints.map((c, i) => (numbered ? c.number! : i));
}

/** Decades apart and all positive: a log axis, as the lecture's iterations 1…9999 need. */
function isLogAxis(xs: readonly number[]): boolean {
  if (!xs.length || xs.some((x) => x < 1)) return false;
  return Math.max(...xs) / Math.min(...xs) >= 100;
}

export class SeriesLineChart {
  readonly canvas: HTMLCanvasElement;
  private readonly chart: Chart<'line', LinePoint[]>;
  private content?: LineChartContent;

  constructor(
    label: string,
    private readonly onFrame: (index: number) => void,
  ) {
    this.canvas = h('canvas', { role: 'img', 'aria-label': label });
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: { scales: { x: { type: 'linear' }, y: { type: 'linear' } } },
      plugins: [this.framePlugin()],
    });
  }

  /** New data, axes or theme: laid out again. */
  show(content: LineChartContent): void {
    this.content = content;
    this.chart.data.datasets = content.datasets;
    this.chart.options = this.options(content);
    this.chart.update('none');
  }

  /** Only the frame shown moved: the marker is drawn again, the layout kept. */
  showFrame(frame: number): void {
    if (!this.content || this.content.frame === frame) return;
    this.content = { ...this.content, frame };
    this.chart.draw();
  }

  private options(content: LineChartContent): ChartOptions<'line'> {
    const { theme, y, title, label } = content;
    const { foreground, mutedForeground, gridLine } = theme.render;
    const font = chartFont(theme.render);
    const log = isLogAxis([...content.xs, ...content.datasets.flatMap((d) => d.data.map((p) => p.x))]);
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
          ...(y.min !== undefined ? { min: y.min } : {}),
          ...(y.max !== undefined ? { max: y.max } : {}),
          beginAtZero: y.beginAtZero ?? false,
          ticks: { color: mutedForeground, font, maxTicksLimit: 5, callback: (v) => y.tick(Number(v)) },
          grid: { color: gridLine },
          border: { display: false },
        },
      },
      plugins: {
        tooltip: {
          ...tooltipStyle(theme.render),
          callbacks: {
            title: (items) => {
              const item = items[0];
              return item ? title(item.dataIndex, item.parsed.x ?? 0) : '';
            },
            label: (item) => label(item.dataset.label ?? '', item.parsed.y ?? 0),
          },
        },
      },
    };
  }

  /** The checkpoint nearest a clicked position (on the log axis, by ratio). */
  private scrubTo(x: number | undefined, log: boolean): void {
    const xs = this.content?.xs;
    if (x === undefined || !xs?.length) return;
    const distance = (v: number): number => (log ? Math.abs(Math.log(v) - Math.log(x)) : Math.abs(v - x));
    let best = 0;
    xs.forEach((v, i) => {
      if (distance(v) < distance(xs[best])) best = i;
    });
    this.onFrame(best);
  }

  private framePlugin(): Plugin<'line'> {
    return {
      id: 'frame',
      afterDatasetsDraw: (chart) => {
        const content = this.content;
        const x = content?.xs[content.frame];
        if (x === undefined || !content) return;
        const pixel = chart.scales.x.getPixelForValue(x);
        if (pixel >= chart.chartArea.left - 1 && pixel <= chart.chartArea.right + 1)
          drawFrameLine(chart.ctx, chart.chartArea, pixel, content.theme.render);
      },
    };
  }
}
