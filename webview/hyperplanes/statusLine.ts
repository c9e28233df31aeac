// One line on the run: its status, the backend, the iteration shown out of the total,
// and the network's loss and accuracies there; under it, the run's settings.
import type { RunStatus } from '../../src/protocol';
import { describeConfig } from '../../src/core/mlp/config';
import { h } from '../shared/dom';
import { formatIteration, formatNumber } from '../shared/format';
import { formatPercent } from '../../src/core/util/format';
import type { RunState } from './state';

const STATUS_TEXT: Record<RunStatus, string> = {
  running: 'Training',
  done: 'Done',
  cancelled: 'Stopped',
  error: 'Error',
};

export class StatusLine {
  readonly element = h('header', { class: 'status', 'aria-live': 'polite' });

  show(run: RunState | undefined, frame: number): void {
    // Without a run the view's empty message says what to do.
    this.element.hidden = !run;
    if (!run) return;
    const snapshot = run.snapshots[frame];
    const badge = h('span', { class: `badge ${run.status}` }, STATUS_TEXT[run.status]);
    const items: [string, string][] = [['backend', run.backend]];
    if (snapshot) {
      items.push(
        ['iteration', `${formatIteration(snapshot.iteration)} / ${formatIteration(run.config.iterations)}`],
        ['loss', formatNumber(snapshot.loss)],
        ['train', formatPercent(snapshot.trainAccuracy)],
        ['test', formatPercent(snapshot.testAccuracy)],
      );
    }
    const facts = items.map(([name, value]) =>
      h(
        'span',
        { class: 'fact' },
        h('span', { class: 'fact-name' }, name),
        ' ',
        h('span', { class: 'fact-value' }, value),
      ),
    );
    const message = run.message ? [h('span', { class: 'status-message' }, run.message)] : [];
    this.element.replaceChildren(
      h('div', { class: 'status-line' }, badge, ...facts, ...message),
      h('div', { class: 'status-config' }, describeConfig(run.config)),
    );
  }
}
