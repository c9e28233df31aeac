// A labelled checkbox that reports its changes (display options of the views).
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

  /** Greys the option out where it does not apply, saying why on hover. */
  enable(enabled: boolean, reason: string): void {
    this.input.disabled = !enabled;
    this.element.classList.toggle('disabled', !enabled);
    this.element.title = enabled ? '' : reason;
  }
}
