// Loss and accuracy against iteration (log axis) with chart.js, the frame shown by the
// scrubber marked by a vertical line. Clicking a chart moves the scrubber there.
import { Chart, type ChartOptions, type Plugin } from 'chart.js';
import type { Snapshot } from '../../src/core/mlp/run';
import { chartFont, drawFrameLine, lineChartOptions, lineLegendItems, nearestIndex } from '../shared/chartStyle';
import { h } from '../shared/dom';
import { formatIteration, formatNumber } from '../shared/format';
import { formatPercent } from '../../src/core/util/format';
import type { ChartPalette, ViewTheme } from '../shared/theme';

interface Series {
  label: string;
  color: (palette: ChartPalette) => string;
  value: (snapshot: Snapshot) => number;
  /** Test curves are dashed, so train and test differ by more than colour. */
  dashed: boolean;
}

interface ChartSpec {
  title: string;
  series: Series[];
  y: { min?: number; max?: number; suggestedMin?: number };
  /** Values in tooltips, and the shorter form of the axis ticks. */
  format: (value: number) => string;
  tick: (value: number) => string;
}

const TRAIN = { label: 'train', color: (p: ChartPalette) => p.train, dashed: false };
const TEST = { label: 'test', color: (p: ChartPalette) => p.test, dashed: true };

const SPECS: ChartSpec[] = [
  {
    title: 'Loss',
    series: [{ ...TRAIN, value: (s) => s.loss }],
    y: { min: 0 },
    format: formatNumber,
    tick: (v) => String(Number(v.toPrecision(2))),
  },
  {
    title: 'Accuracy',
    series: [
      { ...TRAIN, value: (s) => s.trainAccuracy },
      { ...TEST, value: (s) => s.testAccuracy },
    ],
    y: { suggestedMin: 0.5, max: 1 },
    format: formatPercent,
    tick: (v) => `${Math.round(v * 100)} %`,
  },
];

/** What the charts show: the run's snapshots, the frame at the scrubber, the run's length. */
export interface CurvesContent {
  snapshots: Snapshot[];
  frame: number;
  total: number;
  theme: ViewTheme;
}

const isPowerOfTen = (value: number): boolean => Number.isInteger(Math.log10(value));

export class Curves {
  readonly element: HTMLElement;
  private readonly charts: { spec: ChartSpec; chart: Chart<'line', { x: number; y: number }[]>; legend: HTMLElement }[];
  private content?: CurvesContent;

  constructor(private readonly onFrame: (index: number) => void) {
    this.charts = SPECS.map((spec) => {
      const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title} against iteration` });
      const chart = new Chart(canvas, {
        type: 'line',
        data: { datasets: spec.series.map((s) => ({ label: s.label, data: [] })) },
        // The full options need the theme and the run (see show); the axis types are needed now.
        options: { scales: { x: { type: 'logarithmic' }, y: { type: 'linear' } } },
        plugins: [this.currentIterationPlugin(spec)],
      });
      const legend = h('span', { class: 'chart-legend' });
      return { spec, chart, legend };
    });
    this.element = h(
      'div',
      { class: 'charts' },
      ...this.charts.map(({ spec, chart, legend }) =>
        h(
          'figure',
          { class: 'chart' },
          h('figcaption', {}, h('span', { class: 'chart-title' }, spec.title), legend),
          h('div', { class: 'chart-box' }, chart.canvas),
        ),
      ),
    );
  }

  show(content: CurvesContent): void {
    const previous = this.content;
    this.content = content;
    for (const { spec, chart, legend } of this.charts) {
      if (content.theme !== previous?.theme || content.total !== previous.total) {
        chart.options = this.options(spec, content);
        this.showLegend(legend, spec, content.theme.charts);
      }
      if (content.snapshots !== previous?.snapshots || content.theme !== previous.theme) {
        chart.data.datasets.forEach((dataset, i) => {
          const series = spec.series[i];
          dataset.data = content.snapshots.map((s) => ({ x: s.iteration, y: series.value(s) }));
          dataset.borderColor = series.color(content.theme.charts);
          dataset.borderDash = series.dashed ? [4, 3] : [];
        });
        chart.update('none');
      } else {
        // Only the marker moved: redraw without recomputing the layout.
        chart.draw();
      }
    }
  }

  private showLegend(legend: HTMLElement, spec: ChartSpec, palette: ChartPalette): void {
    legend.replaceChildren(
      ...lineLegendItems(spec.series.map((s) => ({ label: s.label, color: s.color(palette), dashed: s.dashed }))),
    );
  }

  private options(spec: ChartSpec, { theme, total }: CurvesContent): ChartOptions<'line'> {
    const { mutedForeground, gridLine } = theme.render;
    const options = lineChartOptions(theme.render, {
      x: {
        type: 'logarithmic',
        min: 1,
        max: Math.max(10, total),
        ticks: {
          color: mutedForeground,
          font: chartFont(theme.render),
          autoSkip: false,
          maxRotation: 0,
          callback: (v) => (isPowerOfTen(Number(v)) ? formatIteration(Number(v)) : ''),
        },
        grid: { color: (c) => (isPowerOfTen(c.tick.value) ? gridLine : 'transparent') },
        border: { color: gridLine },
      },
      y: { ...spec.y, tick: spec.tick },
      tooltip: {
        title: (items) => `Iteration ${formatIteration(items[0]?.parsed.x ?? 0)}`,
        label: (item) => `${item.dataset.label}: ${spec.format(item.parsed.y ?? 0)}`,
      },
      onClickX: (iteration) => this.scrubTo(iteration),
    });
    // The snapshots come sorted by iteration, one each.
    return { ...options, normalized: true };
  }

  /** The frame whose iteration is nearest (on the log axis) to a clicked iteration. */
  private scrubTo(iteration: number | undefined): void {
    const snapshots = this.content?.snapshots;
    if (!snapshots?.length || iteration === undefined || !(iteration > 0)) return;
    this.onFrame(
      nearestIndex(
        snapshots.map((s) => s.iteration),
        iteration,
        true,
      ),
    );
  }

  /** Draws the scrubber's iteration as a vertical line, with a dot on each curve. */
  private currentIterationPlugin(spec: ChartSpec): Plugin<'line'> {
    return {
      id: 'currentIteration',
      afterDatasetsDraw: (chart) => {
        const snapshot = this.content?.snapshots[this.content.frame];
        if (!snapshot || !this.content) return;
        const { ctx, chartArea, scales } = chart;
        const x = scales.x.getPixelForValue(snapshot.iteration);
        if (x < chartArea.left - 1 || x > chartArea.right + 1) return;
        const { render, charts: palette } = this.content.theme;
        drawFrameLine(ctx, chartArea, x, render);
        ctx.save();
        for (const series of spec.series) {
          ctx.fillStyle = series.color(palette);
          ctx.beginPath();
          ctx.arc(x, scales.y.getPixelForValue(series.value(snapshot)), 3, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.restore();
      },
    };
  }
}
