// What the series is and how it is going: its folder, how many checkpoints, whether new
// ones join (a watched folder, a run in progress), the reading of the first ones, the
// files being written, and those that cannot be read (each with the reason).
import type { SeriesState } from '../../src/protocol';
import { h } from '../shared/dom';
import { formatCount } from '../shared/format';

export class SeriesHeader {
  readonly element = h('header', { class: 'series-header', 'aria-live': 'polite' });
  private shown?: { status?: SeriesState['status']; count: number };

  show(series: SeriesState | undefined): void {
    // Rebuilt only when something changed: during playback this runs every frame.
    const count = series?.checkpoints.length ?? -1;
    if (this.shown && this.shown.status === series?.status && this.shown.count === count) return;
    this.shown = { status: series?.status, count };
    if (!series) {
      this.element.replaceChildren(h('p', { class: 'empty' }, 'Reading the checkpoints…'));
      return;
    }
    const { status } = series;
    const name = series.folder ? series.folder.split(/[\\/]/).filter(Boolean).pop() : series.title;
    const facts = [
      fact('checkpoints', formatCount(series.checkpoints.length)),
      ...(status.scanned < status.total ? [fact('reading', `${status.scanned} / ${status.total}`)] : []),
      ...(status.waiting.length
        ? [fact('being written', status.waiting.join(', '), 'waiting', 'Retried until they can be read')]
        : []),
    ];
    const badge = series.live
      ? [h('span', { class: 'badge running', title: 'New checkpoints join as they are written' }, 'Watching')]
      : [];
    const problems = status.problems.length
      ? [
          h(
            'details',
            { class: 'series-problems' },
            h('summary', {}, `${status.problems.length} file${status.problems.length > 1 ? 's' : ''} cannot be read`),
            h('ul', {}, ...status.problems.map((p) => h('li', {}, h('strong', {}, p.name), ` ${p.message}`))),
          ),
        ]
      : [];
    this.element.replaceChildren(
      h(
        'div',
        { class: 'status-line' },
        ...badge,
        h('h1', { class: 'series-title', title: series.folder ?? series.title }, name ?? series.title),
        ...facts,
      ),
      ...problems,
    );
  }
}

function fact(name: string, value: string, kind = '', title = ''): HTMLElement {
  return h(
    'span',
    { class: `fact ${kind}`.trim(), title: title || undefined },
    h('span', { class: 'fact-name' }, name),
    ' ',
    h('span', { class: 'fact-value' }, value),
  );
}
