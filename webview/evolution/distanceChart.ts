// How far each layer moved from the first checkpoint, against the checkpoints' numbers:
// one line per layer, relative (‖W − W₀‖ / ‖W₀‖) or absolute, the frame shown marked.
// Clicking the chart moves the scrubber to the nearest checkpoint (see SeriesLineChart).
import type { PersistedEvolutionState, SeriesState } from '../../src/protocol';
import { unitColor } from '../../src/render/theme';
import { h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { formatPercent } from '../../src/core/util/format';
import type { ViewTheme } from '../shared/theme';
import { positions, SeriesLineChart } from './seriesChart';

/** Layers named in the legend; the others are in the tooltip. */
const LEGEND_LAYERS = 12;

type Mode = PersistedEvolutionState['distance'];

export interface DistanceContent {
  series: SeriesState;
  frame: number;
  mode: Mode;
  theme: ViewTheme;
}

export class DistanceChart {
  readonly element: HTMLElement;
  private readonly chart: SeriesLineChart;
  private readonly legend = h('span', { class: 'chart-legend' });
  private readonly mode = h(
    'select',
    { class: 'distance-mode', 'aria-label': 'Distance' },
    h('option', { value: 'relative' }, '‖W − W₀‖ / ‖W₀‖'),
    h('option', { value: 'absolute' }, '‖W − W₀‖'),
  );
  private content?: DistanceContent;

  constructor(onFrame: (index: number) => void, onMode: (mode: Mode) => void) {
    this.chart = new SeriesLineChart('Distance of each layer from the first checkpoint', onFrame);
    this.mode.addEventListener('change', () => onMode(this.mode.value as Mode));
    this.element = h(
      'figure',
      { class: 'chart distance-chart' },
      h('figcaption', {}, h('span', { class: 'chart-title' }, 'Distance from the first checkpoint'), this.mode),
      this.chart.element,
      this.legend,
    );
  }

  show(content: DistanceContent): void {
    const previous = this.content;
    this.content = content;
    this.mode.value = content.mode;
    const { series, mode, theme, frame } = content;
    if (series.checkpoints === previous?.series.checkpoints && mode === previous.mode && theme === previous.theme) {
      this.chart.showFrame(frame);
      return;
    }
    const xs = positions(series.checkpoints);
    const value = (v: number): string => (mode === 'relative' ? formatPercent(v) : formatNumber(v));
    this.chart.show({
      xs,
      frame,
      theme,
      datasets: series.layers.map((layer, l) => ({
        label: layer,
        data: series.checkpoints.map((c, i) => ({
          x: xs[i],
          y: (mode === 'relative' ? c.relative : c.distance)[l],
        })),
        borderColor: unitColor(l),
        backgroundColor: unitColor(l),
      })),
      y: { beginAtZero: true, tick: value },
      title: (i) => series.checkpoints[i]?.name ?? '',
      label: (layer, v) => `${layer}: ${value(v)}`,
    });
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
}
