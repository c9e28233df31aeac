// The tensor list: a filter box, totals, and a listbox of every tensor with its shape,
// dtype, size and statistics (a placeholder until the host has computed them). Only the
// rows in view exist in the DOM, so files of thousands of tensors scroll smoothly; the
// arrow keys, Page Up/Down, Home and End move the selection.
import type { TensorStats, TensorSummary } from '../../src/protocol';
import { h } from '../shared/dom';
import { formatCount, formatNumber, formatShape } from '../shared/format';
import { onNextFrame } from '../shared/frame';
import { filterTensors, parameterCount } from './state';

/** Matches `.tensor-row` in weights.css. */
const ROW_HEIGHT = 22;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 8;

/** Header labels and the cell kinds their columns align by. */
const COLUMNS: [label: string, kind: string][] = [
  ['Name', 'name'],
  ['Shape', 'shape'],
  ['Type', 'dtype'],
  ...['Params', 'Min', 'Max', 'Mean', 'Std', 'NaN/Inf'].map((label): [string, string] => [label, 'number']),
];

export interface TensorListContent {
  tensors: TensorSummary[];
  /** Statistics that arrived after the list (by tensor name). */
  stats: ReadonlyMap<string, TensorStats>;
  filter: string;
  selected?: string;
}

export class TensorList {
  readonly element: HTMLElement;
  private readonly input = h('input', {
    type: 'search',
    class: 'tensor-filter',
    placeholder: 'Filter tensors by name',
    'aria-label': 'Filter tensors by name',
    spellcheck: 'false',
  });
  private readonly totals = h('div', { class: 'tensor-totals', 'aria-live': 'polite' });
  private readonly body = h('div', { class: 'tensor-rows' });
  private readonly scroller: HTMLElement;
  private readonly renderRows = onNextFrame(() => this.drawRows());
  private content: TensorListContent = { tensors: [], stats: new Map(), filter: '' };
  private shown: TensorSummary[] = [];

  /** `onSelect`'s `immediate` is false while the keyboard steps through the list. */
  constructor(
    private readonly onSelect: (name: string, immediate: boolean) => void,
    onFilter: (filter: string) => void,
  ) {
    const header = h(
      'div',
      { class: 'tensor-row tensor-header', 'aria-hidden': 'true' },
      ...COLUMNS.map(([label, kind]) => cell(label, kind)),
    );
    this.scroller = h(
      'div',
      { class: 'tensor-scroller', role: 'listbox', tabindex: 0, 'aria-label': 'Tensors' },
      header,
      this.body,
    );
    this.element = h(
      'div',
      { class: 'tensor-list' },
      h('div', { class: 'tensor-tools' }, this.input, this.totals),
      this.scroller,
    );
    this.input.addEventListener('input', () => onFilter(this.input.value));
    this.input.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowDown' || !this.shown.length) return;
      event.preventDefault();
      this.scroller.focus();
      if (this.selectedIndex() < 0) this.select(0, true);
    });
    this.scroller.addEventListener('scroll', this.renderRows);
    this.scroller.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.tensor-row');
      if (row?.dataset.index) this.select(Number(row.dataset.index), true);
    });
    new ResizeObserver(this.renderRows).observe(this.scroller);
  }

  show(content: TensorListContent): void {
    const previous = this.content;
    this.content = content;
    if (content.tensors !== previous.tensors || content.filter !== previous.filter) {
      this.shown = filterTensors(content.tensors, content.filter);
      this.showTotals();
    }
    if (this.input.value !== content.filter) this.input.value = content.filter;
    this.body.style.height = `${this.shown.length * ROW_HEIGHT}px`;
    this.drawRows();
  }

  private showTotals(): void {
    const { tensors, filter } = this.content;
    const params = (list: TensorSummary[]): number => list.reduce((sum, t) => sum + parameterCount(t.shape), 0);
    const all = `${formatCount(tensors.length)} tensors · ${formatCount(params(tensors))} parameters`;
    this.totals.textContent = filter.trim()
      ? `${formatCount(this.shown.length)} of ${all.replace(' · ', ` · ${formatCount(params(this.shown))} of `)}`
      : all;
  }

  private selectedIndex(): number {
    return this.shown.findIndex((t) => t.name === this.content.selected);
  }

  private select(index: number, immediate: boolean): void {
    const tensor = this.shown[index];
    if (!tensor) return;
    this.content = { ...this.content, selected: tensor.name };
    this.scrollIntoView(index);
    this.drawRows();
    this.onSelect(tensor.name, immediate);
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 2);
    const current = this.selectedIndex();
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current < 0 ? 0 : current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: this.shown.length - 1,
    };
    if (!(event.key in moves) || !this.shown.length) return;
    event.preventDefault();
    this.select(Math.min(this.shown.length - 1, Math.max(0, moves[event.key])), false);
  }

  private scrollIntoView(index: number): void {
    // The sticky header covers the first row's height at the top of the scroller.
    const top = index * ROW_HEIGHT;
    const { scrollTop, clientHeight } = this.scroller;
    if (top < scrollTop) this.scroller.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > scrollTop + clientHeight)
      this.scroller.scrollTop = top + 2 * ROW_HEIGHT - clientHeight;
  }

  /** The rows in view (and a few around them), placed at their offsets in the full-height body. */
  private drawRows(): void {
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.ceil(this.scroller.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const selected = this.selectedIndex();
    const rows = this.shown.slice(first, first + count).map((t, i) => this.row(t, first + i, first + i === selected));
    this.body.replaceChildren(...rows);
    if (selected >= 0) this.scroller.setAttribute('aria-activedescendant', `tensor-${selected}`);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private row(tensor: TensorSummary, index: number, selected: boolean): HTMLElement {
    const stats = this.content.stats.get(tensor.name) ?? tensor.stats;
    const figure = (pick: (s: TensorStats) => number) =>
      stats ? cell(formatNumber(pick(stats)), 'number') : cell('…', 'number pending');
    const bad = stats ? stats.nan + stats.inf : 0;
    const row = h(
      'div',
      {
        class: selected ? 'tensor-row selected' : 'tensor-row',
        id: `tensor-${index}`,
        role: 'option',
        'aria-selected': String(selected),
        'aria-setsize': this.shown.length,
        'aria-posinset': index + 1,
        'data-index': index,
        title: tensor.name,
      },
      cell(tensor.name, 'name'),
      cell(formatShape(tensor.shape), 'shape'),
      cell(tensor.dtype, 'dtype'),
      cell(formatCount(parameterCount(tensor.shape)), 'number'),
      figure((s) => s.min),
      figure((s) => s.max),
      figure((s) => s.mean),
      figure((s) => s.std),
      !stats
        ? cell('…', 'number pending')
        : bad
          ? cell(`${formatCount(stats.nan)} / ${formatCount(stats.inf)}`, 'number warning')
          : cell('—', 'number muted'),
    );
    row.style.top = `${index * ROW_HEIGHT}px`;
    return row;
  }
}

function cell(text: string, kind: string): HTMLElement {
  return h('span', { class: `cell ${kind}` }, text);
}
