// The hidden units' lines at the frame shown, over the points found beside the
// checkpoints, with the decision regions of the layer after them: the live hyperplane
// view's canvas and unit legend, fed from checkpoints. The hidden activation is not in
// the weights: the user says which it is (ReLU, as in the lecture, by default).
import { deadUnits } from '../../src/core/mlp/hyperplane';
import { scoreSnapshot } from '../../src/core/series/hyperplanes';
import { ACTIVATIONS, type Activation } from '../../src/core/mlp/config';
import type { Dataset } from '../../src/core/mlp/run';
import type { SeriesSnapshot } from '../../src/protocol';
import { h } from '../shared/dom';
import { shallowEqual } from '../shared/shallowEqual';
import { formatNumber } from '../shared/format';
import { formatPercent } from '../../src/core/util/format';
import { HyperplaneCanvas } from '../hyperplanes/hyperplaneCanvas';
import type { ViewTheme } from '../shared/theme';
import { Toggle } from '../shared/toggle';
import { UnitList } from '../hyperplanes/unitList';

export interface HyperplaneContent {
  snapshot?: SeriesSnapshot;
  dataset: Dataset;
  /** The series has a layer after the hidden one. */
  regions: boolean;
  showRegions: boolean;
  activation: Activation;
  theme: ViewTheme;
}

export class HyperplanePane {
  readonly element: HTMLElement;
  private readonly units = new UnitList((unit) => this.plot.pick(unit));
  private readonly plot = new HyperplaneCanvas(false, (unit) => this.units.mark(unit));
  private readonly regions: Toggle;
  private readonly activation = h(
    'select',
    { class: 'activation', 'aria-label': 'Hidden activation' },
    ...ACTIVATIONS.map((a) => h('option', { value: a }, a === 'relu' ? 'ReLU' : a)),
  );
  private readonly score = h('span', { class: 'score' });
  private readonly missing = h('p', { class: 'empty' }, 'This checkpoint has no such hidden layer.');
  private shown?: HyperplaneContent;

  constructor(onChange: (patch: { showRegions?: boolean; activation?: Activation }) => void) {
    this.regions = new Toggle('Decision regions', (showRegions) => onChange({ showRegions }));
    this.activation.addEventListener('change', () => onChange({ activation: this.activation.value as Activation }));
    this.element = h(
      'section',
      { class: 'hyperplane-pane' },
      this.missing,
      this.plot.element,
      h(
        'div',
        { class: 'plot-options' },
        h(
          'div',
          { class: 'toggles' },
          this.regions.element,
          h('label', { class: 'field-inline' }, 'Hidden activation ', this.activation),
          this.score,
        ),
        this.units.element,
      ),
    );
  }

  show(content: HyperplaneContent): void {
    if (this.shown && shallowEqual(content, this.shown)) return;
    this.shown = content;
    const { snapshot, dataset, regions, showRegions, activation, theme } = content;
    this.missing.hidden = snapshot !== undefined;
    this.plot.element.hidden = snapshot === undefined;
    this.regions.show(showRegions && regions);
    this.regions.enable(regions, 'No layer after the hidden one in these checkpoints');
    this.activation.value = activation;
    if (!snapshot) return;
    const points = dataset.train;
    const scored = scoreSnapshot(snapshot, activation, points, regions);
    const dead = deadUnits(scored, activation, points);
    this.score.textContent = Number.isFinite(scored.loss)
      ? `on ${dataset.name}: loss ${formatNumber(scored.loss)} · accuracy ${formatPercent(scored.trainAccuracy)}`
      : points.length
        ? ''
        : 'No points.csv beside the checkpoints';
    this.plot.show(
      { dataset, snapshot: scored, activation, showRegions: showRegions && regions, showTest: false, deadUnits: dead },
      theme.render,
    );
    this.units.show(dead);
  }
}
