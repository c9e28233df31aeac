// The commands. Train takes an optional config so the CodeLens, the side view's title
// button and tests can run it without questions; from the palette it asks.
import * as vscode from 'vscode';
import type { TrainConfig } from '../core/mlp/config';
import type { TrainRun } from '../core/mlp/run';
import type { HyperplanesPanel } from './hyperplanesPanel';
import { pickTrainConfig } from './trainPicker';
import type { TrainingSession } from './trainingSession';

export const COMMANDS = {
  train: 'weightLens.trainHyperplanes',
  stop: 'weightLens.stopTraining',
  /** Internal (not in the palette): the "cannot train this" CodeLens's explanation. */
  explainUntrainable: 'weightLens.explainUntrainable',
} as const;

export function registerCommands(
  session: TrainingSession,
  panel: HyperplanesPanel,
  defaults: () => Partial<TrainConfig>,
): vscode.Disposable[] {
  const train = async (config?: unknown): Promise<TrainRun | undefined> => {
    const chosen = isConfig(config) ? config : await pickTrainConfig(defaults());
    if (!chosen) return undefined;
    panel.show();
    return session.start(chosen);
  };
  return [
    vscode.commands.registerCommand(COMMANDS.train, train),
    vscode.commands.registerCommand(COMMANDS.stop, () => session.stop()),
    vscode.commands.registerCommand(COMMANDS.explainUntrainable, (reason: string) =>
      vscode.window.showInformationMessage(
        `Weight Lens trains only nn.Sequential(nn.Linear(2, H), nn.ReLU() | nn.Tanh() | nn.Sigmoid(), nn.Linear(H, 2)). Here: ${reason}.`,
      ),
    ),
  ];
}

/** A config object, not what menus pass (nothing, or a URI from an editor menu). */
function isConfig(value: unknown): value is Partial<TrainConfig> {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.Uri);
}
