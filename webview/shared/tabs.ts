// Tabs over a view's panels (WAI-ARIA tabs: arrow keys move between them).
import { h } from './dom';

export interface TabSpec<Name extends string> {
  name: Name;
  label: string;
}

export class Tabs<Name extends string> {
  readonly element = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  private readonly buttons: Map<Name, HTMLButtonElement>;
  private shown: readonly Name[];

  constructor(
    private readonly tabs: readonly TabSpec<Name>[],
    private readonly panels: Record<Name, HTMLElement>,
    private readonly onSelect: (tab: Name) => void,
  ) {
    this.shown = tabs.map((t) => t.name);
    this.buttons = new Map(
      tabs.map(({ name, label }) => [
        name,
        h(
          'button',
          { type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`, class: 'tab' },
          label,
        ),
      ]),
    );
    for (const { name } of tabs) {
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

  /** Selects a tab; `shown` leaves out the tabs that do not apply (all apply by default). */
  show(selected: Name, shown: readonly Name[] = this.tabs.map((t) => t.name)): void {
    this.shown = shown;
    for (const [name, button] of this.buttons) {
      button.hidden = !shown.includes(name);
      button.setAttribute('aria-selected', String(name === selected));
      button.tabIndex = name === selected ? 0 : -1;
      this.panels[name].hidden = name !== selected;
    }
  }

  private moveFocus(event: KeyboardEvent, from: Name): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const index = this.shown.indexOf(from);
    const next = this.shown[(index + (event.key === 'ArrowRight' ? 1 : this.shown.length - 1)) % this.shown.length];
    this.onSelect(next);
    this.buttons.get(next)?.focus();
  }
}
