// Where each part goes. The editor panel: status, tabs, then the plot with its controls
// beside the charts and the training form. The side panel (narrow): one column, plot
// first, no tabs and no form.
import type { ViewPlacement } from '../../src/protocol';
import { h } from '../shared/dom';

export interface Parts {
  status: HTMLElement;
  /** Shown instead of the plot, scrubber and charts until the first snapshot. */
  empty: HTMLElement;
  plot: HTMLElement;
  scrubber: HTMLElement;
  options: HTMLElement;
  units: HTMLElement;
  charts: HTMLElement;
  form: HTMLElement;
}

export function livePanel(placement: ViewPlacement, p: Parts): HTMLElement {
  if (placement === 'sidebar') {
    return h('section', { class: 'live' }, p.empty, p.plot, p.scrubber, p.options, p.units, p.status, p.form, p.charts);
  }
  const viewer = h(
    'div',
    { class: 'viewer' },
    p.empty,
    p.plot,
    p.scrubber,
    h('div', { class: 'plot-options' }, p.options, p.units),
  );
  const side = h(
    'div',
    { class: 'side' },
    p.charts,
    h('section', { class: 'run-settings' }, h('h2', {}, 'New run'), p.form),
  );
  return h('section', { class: 'live' }, viewer, side);
}
