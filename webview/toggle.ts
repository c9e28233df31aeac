// A labelled checkbox that reports its changes (the live view's display options).
import { h } from './dom';

export class Toggle {
  readonly element: HTMLElement;
  private readonly input = h('input', { type: 'checkbox' });

  constructor(label: string, onChange: (checked: boolean) => void) {
    this.element = h('label', { class: 'toggle' }, this.input, h('span', {}, label));
    this.input.addEventListener('change', () => onChange(this.input.checked));
  }

  show(checked: boolean): void {
    this.input.checked = checked;
  }
}
