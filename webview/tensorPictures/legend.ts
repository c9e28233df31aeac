// The colour scale under a picture: the colour map as a bar between the values at its
// ends (or "min" and "max" when each filter has its own), and the NaN/Inf marker colour
// when the tensor has such values.
import { type Normalization } from '../../src/core/tensor/kernel';
import { colorMap, NON_FINITE_RGB } from '../../src/render/color';
import { type ValueRange } from '../../src/core/tensor/range';
import { h } from '../shared/dom';
import { formatNumber } from '../shared/format';

/** Colour-map levels sampled for the CSS gradient (enough for the diverging map's bends). */
const STOPS = 16;

export interface LegendContent {
  normalization: Normalization;
  /** The range shared by every tile or cell; undefined when each filter has its own. */
  range?: ValueRange;
  nonFinite: boolean;
}

export class ColorLegend {
  readonly element = h('div', { class: 'color-legend' });

  show({ normalization, range, nonFinite }: LegendContent): void {
    const bar = h('span', { class: 'legend-bar', 'aria-hidden': 'true' });
    bar.style.backgroundImage = gradient(colorMap(normalization));
    const [low, high] =
      range && range.high >= range.low ? [formatNumber(range.low), formatNumber(range.high)] : ['min', 'max'];
    const scale = range ? [] : [h('span', { class: 'legend-note' }, 'each filter:')];
    const marker = nonFinite ? [nonFiniteSwatch()] : [];
    this.element.replaceChildren(...scale, h('span', {}, low), bar, h('span', {}, high), ...marker);
    this.element.setAttribute(
      'aria-label',
      `Colour scale from ${low} to ${high}${nonFinite ? ', NaN and Inf marked' : ''}`,
    );
  }
}

function gradient(map: Uint8ClampedArray): string {
  const stops = Array.from({ length: STOPS + 1 }, (_, i) => {
    const level = Math.round((i * 255) / STOPS);
    return `rgb(${map[level * 3]}, ${map[level * 3 + 1]}, ${map[level * 3 + 2]}) ${(i * 100) / STOPS}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function nonFiniteSwatch(): HTMLElement {
  const swatch = h('span', { class: 'legend-swatch', 'aria-hidden': 'true' });
  swatch.style.backgroundColor = `rgb(${NON_FINITE_RGB.join(', ')})`;
  return h('span', { class: 'legend-item' }, swatch, 'NaN / ±Inf');
}
