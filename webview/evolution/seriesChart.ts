// What the evolution view's line charts share: a chart.js line chart against the
// checkpoints' numbers (a log axis when they span decades, as the lecture's iterations
// do), styled by the theme, the frame shown marked, and a click moving the scrubber to
// the nearest checkpoint. The distance chart and the loss and accuracy charts are these.
// The frame's marker is a line over the canvas, not drawn in it: scrubbing moves the line
// and leaves the chart as it is, rather than drawing thousands of points again each frame.
import { Chart, type ChartDataset, type ChartOptions } from 'chart.js';
import type { CheckpointSummary } from '../../src/protocol';
import { chartFont, lineChartOptions, nearestIndex } from '../shared/chartStyle';
import { h } from '../shared/dom';
import { formatCount } from '../shared/format';
import type { ViewTheme } from '../shared/theme';

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
  /** The chart's box: its canvas, and the frame's marker over it. */
  readonly element: HTMLElement;
  private readonly marker = h('div', { class: 'frame-marker', 'aria-hidden': 'true', hidden: true });
  private readonly chart: Chart<'line', LinePoint[]>;
  private content?: LineChartContent;

  constructor(
    label: string,
    private readonly onFrame: (index: number) => void,
  ) {
    const canvas = h('canvas', { role: 'img', 'aria-label': label });
    this.element = h('div', { class: 'chart-box' }, canvas, this.marker);
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: { scales: { x: { type: 'linear' }, y: { type: 'linear' } } },
      // After every drawing (new data, a new size): the marker follows the axes.
      plugins: [{ id: 'frame', afterDraw: () => this.placeMarker() }],
    });
  }

  /** New data, axes or theme: laid out again. */
  show(content: LineChartContent): void {
    this.content = content;
    this.marker.style.background = content.theme.render.foreground;
    this.chart.data.datasets = content.datasets;
    this.chart.options = this.options(content);
    this.chart.update('none');
  }

  /** Only the frame shown moved: the marker moves, the chart stays as drawn. */
  showFrame(frame: number): void {
    if (!this.content || this.content.frame === frame) return;
    this.content = { ...this.content, frame };
    this.placeMarker();
  }

  private options(content: LineChartContent): ChartOptions<'line'> {
    const { theme, y, title, label } = content;
    const { mutedForeground, gridLine } = theme.render;
    const log = isLogAxis([...content.xs, ...content.datasets.flatMap((d) => d.data.map((p) => p.x))]);
    return lineChartOptions(theme.render, {
      x: {
        type: log ? 'logarithmic' : 'linear',
        ticks: {
          color: mutedForeground,
          font: chartFont(theme.render),
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
      y: { ...y, beginAtZero: y.beginAtZero ?? false },
      tooltip: {
        title: (items) => {
          const item = items[0];
          return item ? title(item.dataIndex, item.parsed.x ?? 0) : '';
        },
        label: (item) => label(item.dataset.label ?? '', item.parsed.y ?? 0),
      },
      // The checkpoint nearest a clicked position (on the log axis, by ratio).
      onClickX: (x) => {
        if (x !== undefined && content.xs.length) this.onFrame(nearestIndex(content.xs, x, log));
      },
    });
  }

  /** The marker at the frame's x, across the chart area; hidden when the frame is off the axis. */
  private placeMarker(): void {
    const { content, chart, marker } = this;
    const x = content?.xs[content.frame];
    // No chart area before chart.js first lays the chart out.
    const area = chart.chartArea;
    const pixel = x === undefined || !area ? undefined : Math.round(chart.scales.x.getPixelForValue(x));
    marker.hidden = pixel === undefined || pixel < area.left - 1 || pixel > area.right + 1;
    if (pixel === undefined || marker.hidden) return;
    marker.style.top = `${area.top}px`;
    marker.style.height = `${area.bottom - area.top}px`;
    marker.style.transform = `translateX(${pixel}px)`;
  }
}
