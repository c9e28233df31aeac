// The run controls: a small form of training settings (defaults from the run shown),
// Train, Stop and Snapshot now. The compact side-panel layout has no form, only Train
// (which asks for the user's settings: an empty config) and Stop.
import type { HyperplanesWebviewMessage } from '../../src/protocol';
import {
  ACTIVATIONS,
  DATASET_NAMES,
  DEFAULT_TRAIN_CONFIG,
  LIMITS,
  resolveTrainConfig,
  type TrainConfig,
} from '../../src/core/mlp/config';
import { ConfigError, OPTIMIZERS } from '../../src/core/util/configChecks';
import { h } from '../shared/dom';
import { icon, type IconName } from '../shared/icons';

type NumberField = 'hidden' | 'learningRate' | 'iterations' | 'seed';
type ChoiceField = 'dataset' | 'activation' | 'optimizer';

const NUMBER_FIELDS: { key: NumberField; label: string; min: number; max: number; step: string }[] = [
  { key: 'hidden', label: 'Hidden units', ...LIMITS.hidden, step: '1' },
  { key: 'learningRate', label: 'Learning rate', min: 0, max: LIMITS.learningRate.max, step: 'any' },
  { key: 'iterations', label: 'Iterations', ...LIMITS.iterations, step: '1' },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 32 - 1, step: '1' },
];

const CHOICE_FIELDS: { key: ChoiceField; label: string; options: readonly string[] }[] = [
  // A CSV needs a file path, which the form cannot pick: offered only to rerun a CSV run.
  { key: 'dataset', label: 'Dataset', options: DATASET_NAMES.filter((d) => d !== 'csv') },
  { key: 'activation', label: 'Activation', options: ACTIVATIONS },
  { key: 'optimizer', label: 'Optimizer', options: OPTIMIZERS },
];

export class TrainForm {
  readonly element: HTMLElement;
  private readonly form = h('form', { class: 'train-form', 'aria-label': 'Training settings', novalidate: true });
  private readonly error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  private readonly inputs = new Map<NumberField | ChoiceField, HTMLInputElement | HTMLSelectElement>();
  private readonly stopButton = button('stop', 'Stop', 'secondary');
  private readonly snapshotButton = button('camera', 'Snapshot now', 'secondary');
  private defaults: TrainConfig = DEFAULT_TRAIN_CONFIG;

  constructor(
    private readonly post: (message: HyperplanesWebviewMessage) => void,
    private readonly compact: boolean,
  ) {
    const trainButton = button('play', 'Train', 'primary');
    trainButton.type = 'submit';
    const buttons = h('div', { class: 'run-buttons' }, trainButton, this.stopButton);
    if (!compact) {
      const fields = [...CHOICE_FIELDS.map((f) => this.choice(f)), ...NUMBER_FIELDS.map((f) => this.number(f))];
      this.form.append(h('div', { class: 'fields' }, ...fields), this.error);
      buttons.append(this.snapshotButton);
      this.fill(DEFAULT_TRAIN_CONFIG);
    }
    this.form.append(buttons);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.stopButton.addEventListener('click', () => post({ type: 'stop' }));
    this.snapshotButton.addEventListener('click', () => post({ type: 'snapshotNow' }));
    this.element = this.form;
  }

  /** Fills the fields from the run shown (unless the user is editing) and enables the buttons. */
  show(config: TrainConfig | undefined, running: boolean): void {
    this.stopButton.disabled = !running;
    this.snapshotButton.disabled = !running;
    const next = config ?? DEFAULT_TRAIN_CONFIG;
    if (next !== this.defaults && !this.form.contains(document.activeElement)) this.fill(next);
  }

  private fill(config: TrainConfig): void {
    this.defaults = config;
    this.setDatasetOptions(config);
    for (const [key, input] of this.inputs) input.value = String(config[key]);
  }

  private submit(): void {
    if (this.compact) {
      this.post({ type: 'train', config: {} });
      return;
    }
    const config = this.readConfig();
    try {
      // The host validates too; checking here keeps the message next to the field.
      resolveTrainConfig({ ...this.defaults, ...config });
      this.error.hidden = true;
      this.post({ type: 'train', config });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.error.textContent = error.message;
      this.error.hidden = false;
    }
  }

  private readConfig(): Partial<TrainConfig> {
    const value = (key: NumberField | ChoiceField): string => this.inputs.get(key)?.value ?? '';
    const config: Partial<TrainConfig> = {
      dataset: value('dataset') as TrainConfig['dataset'],
      activation: value('activation') as TrainConfig['activation'],
      optimizer: value('optimizer') as TrainConfig['optimizer'],
    };
    for (const { key } of NUMBER_FIELDS) config[key] = Number(value(key));
    if (config.dataset === 'csv') config.csvPath = this.defaults.csvPath;
    return config;
  }

  private setDatasetOptions(config: TrainConfig): void {
    const select = this.inputs.get('dataset');
    if (!(select instanceof HTMLSelectElement)) return;
    const names = CHOICE_FIELDS[0].options.concat(config.dataset === 'csv' ? ['csv'] : []);
    select.replaceChildren(...names.map((name) => h('option', { value: name }, name)));
  }

  private choice({ key, label, options }: (typeof CHOICE_FIELDS)[number]): HTMLElement {
    const select = h('select', { id: `field-${key}`, name: key }, ...options.map((o) => h('option', { value: o }, o)));
    this.inputs.set(key, select);
    return field(key, label, select);
  }

  private number({ key, label, min, max, step }: (typeof NUMBER_FIELDS)[number]): HTMLElement {
    const input = h('input', { id: `field-${key}`, name: key, type: 'number', min, max, step, required: true });
    this.inputs.set(key, input);
    return field(key, label, input);
  }
}

function field(key: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: `field-${key}` }, label), control);
}

function button(iconName: IconName, label: string, kind: 'primary' | 'secondary'): HTMLButtonElement {
  return h('button', { type: 'button', class: `button ${kind}` }, icon(iconName), h('span', {}, label));
}
