// The Live / Lecture tabs (WAI-ARIA tabs: arrow keys move between them).
import type { PersistedViewState } from '../src/protocol';
import { h } from './dom';

export type TabName = PersistedViewState['tab'];

const TABS: { name: TabName; label: string }[] = [
  { name: 'live', label: 'Live' },
  { name: 'lecture', label: 'Lecture' },
];

export class Tabs {
  readonly element = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  private readonly buttons: Map<TabName, HTMLButtonElement>;

  constructor(
    private readonly panels: Record<TabName, HTMLElement>,
    private readonly onSelect: (tab: TabName) => void,
  ) {
    this.buttons = new Map(
      TABS.map(({ name, label }) => [
        name,
        h(
          'button',
          { type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`, class: 'tab' },
          label,
        ),
      ]),
    );
    for (const { name } of TABS) {
      const panel = panels[name];
      panel.id = `panel-${name}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', `tab-${name}`);
    }
    for (const [name, button] of this.buttons) {
      button.addEventListener('click', () => this.onSelect(name));
      button.addEventListener('keydown', (event) => this.moveFocus(event, name));
    }
    this.element.append(...this.buttons.values());
  }

  show(selected: TabName): void {
    for (const [name, button] of this.buttons) {
      button.setAttribute('aria-selected', String(name === selected));
      button.tabIndex = name === selected ? 0 : -1;
      this.panels[name].hidden = name !== selected;
    }
  }

  private moveFocus(event: KeyboardEvent, from: TabName): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const index = TABS.findIndex((t) => t.name === from);
    const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length].name;
    this.onSelect(next);
    this.buttons.get(next)?.focus();
  }
}
