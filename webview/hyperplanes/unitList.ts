// The legend of hidden units: each unit's colour and number, dead units marked.
// Pointing at (or focusing) a unit highlights its line on the plot, and the unit
// hovered on the plot is marked here.
import { unitColor } from '../../src/render/theme';
import { h } from '../shared/dom';

export class UnitList {
  readonly element = h('ul', { class: 'units', 'aria-label': 'Hidden units' });
  private shown = '';

  constructor(private readonly onPick: (unit: number | undefined) => void) {}

  show(dead: boolean[]): void {
    // Rebuilt only when something changed: during playback this runs every frame.
    const key = dead.map(Number).join('');
    if (key === this.shown) return;
    this.shown = key;
    this.element.replaceChildren(...dead.map((isDead, unit) => this.item(unit, isDead)));
  }

  mark(unit: number | undefined): void {
    [...this.element.children].forEach((item, k) => item.classList.toggle('active', k === unit));
  }

  private item(unit: number, dead: boolean): HTMLElement {
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.backgroundColor = unitColor(unit);
    const label = dead ? `Unit ${unit}, dead (inactive on every point)` : `Unit ${unit}`;
    const item = h(
      'li',
      { class: dead ? 'unit dead' : 'unit', tabindex: 0, title: label, 'aria-label': label },
      swatch,
      String(unit),
    );
    const pick = (): void => this.onPick(unit);
    const unpick = (): void => this.onPick(undefined);
    item.addEventListener('pointerenter', pick);
    item.addEventListener('focus', pick);
    item.addEventListener('pointerleave', unpick);
    item.addEventListener('blur', unpick);
    return item;
  }
}
