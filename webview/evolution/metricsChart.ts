// The loss and the train and test accuracy a run measured (LeNet training in memory),
// against its steps, the frame shown marked; points join as the run goes. Shown only for
// a series that has them. Clicking a chart moves the scrubber to the nearest checkpoint.
import type { SeriesState, TrainingPoint } from '../../src/protocol';
import { lineLegendItems } from '../shared/chartStyle';
import { h } from '../shared/dom';
import { formatCount, formatNumber } from '../shared/format';
import { formatPercent } from '../../src/core/util/format';
import type { ChartPalette, ViewTheme } from '../shared/theme';
import { positions, SeriesLineChart, type LineChartContent } from './seriesChart';

interface Line {
  label: string;
  value: (point: TrainingPoint) => number | undefined;
  color: (palette: ChartPalette) => string;
  /** Test lines are dashed, and their few points (one an epoch) drawn. */
  test: boolean;
}

interface Spec {
  title: string;
  lines: Line[];
  y: LineChartContent['y'];
  format: (value: number) => string;
}

const SPECS: Spec[] = [
  {
    title: 'Loss',
    lines: [{ label: 'train', value: (p) => p.loss, color: (c) => c.train, test: false }],
    y: { beginAtZero: true, tick: (v) => String(Number(v.toPrecision(2))) },
    format: formatNumber,
  },
  {
    title: 'Accuracy',
    lines: [
      { label: 'train', value: (p) => p.trainAccuracy, color: (c) => c.train, test: false },
      { label: 'test', value: (p) => p.testAccuracy, color: (c) => c.test, test: true },
    ],
    y: { min: 0, max: 1, tick: (v) => `${Math.round(v * 100)} %` },
    format: formatPercent,
  },
];

export interface MetricsContent {
  series: SeriesState;
  frame: number;
  theme: ViewTheme;
}

export class MetricsChart {
  readonly element: HTMLElement;
  private readonly charts: { spec: Spec; chart: SeriesLineChart; legend: HTMLElement }[];
  private content?: MetricsContent;

  constructor(onFrame: (index: number) => void) {
    this.charts = SPECS.map((spec) => ({
      spec,
      chart: new SeriesLineChart(`${spec.title} against step`, onFrame),
      legend: h('span', { class: 'chart-legend' }),
    }));
    this.element = h(
      'div',
      { class: 'metrics-charts' },
      ...this.charts.map(({ spec, chart, legend }) =>
        h(
          'figure',
          { class: `chart metrics-chart metrics-${spec.title.toLowerCase()}` },
          h('figcaption', {}, h('span', { class: 'chart-title' }, spec.title), legend),
          chart.element,
        ),
      ),
    );
    this.element.hidden = true;
  }

  show(content: MetricsContent): void {
    const previous = this.content;
    this.content = content;
    const { series, frame, theme } = content;
    const metrics = series.metrics ?? [];
    this.element.hidden = metrics.length === 0;
    if (!metrics.length) return;
    const same =
      previous !== undefined &&
      series.metrics === previous.series.metrics &&
      series.checkpoints === previous.series.checkpoints &&
      theme === previous.theme;
    const xs = positions(series.checkpoints);
    for (const { spec, chart, legend } of this.charts) {
      if (same) {
        chart.showFrame(frame);
        continue;
      }
      const lines = spec.lines.map((line) => ({
        line,
        points: metrics.filter((p) => line.value(p) !== undefined),
      }));
      chart.show({
        xs,
        frame,
        theme,
        datasets: lines.map(({ line, points }) => ({
          label: line.label,
          data: points.map((p) => ({ x: p.step, y: line.value(p)! })),
          borderColor: line.color(theme.charts),
          backgroundColor: line.color(theme.charts),
          borderDash: line.test ? [4, 3] : [],
          pointRadius: line.test ? 2.5 : 0,
        })),
        y: spec.y,
        title: (_, x) => `Step ${formatCount(x)}`,
        label: (label, v) => `${label}: ${spec.format(v)}`,
      });
      legend.replaceChildren(
        ...lineLegendItems(spec.lines.map((l) => ({ label: l.label, color: l.color(theme.charts), dashed: l.test }))),
      );
    }
  }
}
