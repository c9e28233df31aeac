// The user's `weightLens.*` settings as training defaults. Only a type import of vscode,
// so the mapping is checked against package.json in plain Node (test/extension/manifest).
import type * as vscode from 'vscode';
import type { TrainConfig } from '../core/mlp/config';

export const SETTINGS_SECTION = 'weightLens';

/** Setting name under `weightLens.` → the TrainConfig field it sets. */
export const TRAIN_SETTINGS = {
  dataset: 'dataset',
  csvPath: 'csvPath',
  hiddenWidth: 'hidden',
  activation: 'activation',
  optimizer: 'optimizer',
  learningRate: 'learningRate',
  batchSize: 'batchSize',
  iterations: 'iterations',
  seed: 'seed',
  noise: 'noise',
  trainFraction: 'trainFraction',
} as const satisfies Record<string, keyof TrainConfig>;

/** Whether the "Train & show hyperplanes" CodeLens is shown over Python code. */
export const CODELENS_SETTING = 'codeLens';

/**
 * The settings as a partial config. Values are passed through unchecked: resolveTrainConfig
 * validates them and names any bad one (e.g. a hand-edited settings.json). An empty
 * csvPath means "none".
 */
export function readTrainSettings(configuration: Pick<vscode.WorkspaceConfiguration, 'get'>): Partial<TrainConfig> {
  const entries = Object.entries(TRAIN_SETTINGS).map(([setting, field]) => {
    const value = configuration.get(setting);
    return [field, value === '' ? undefined : value];
  });
  return Object.fromEntries(entries) as Partial<TrainConfig>;
}
