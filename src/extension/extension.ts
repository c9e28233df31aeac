// Activation: wires the training session to its views, commands, CodeLens and indicators,
// and registers the weights editor with its commands and the evolution views.
// The tfjs backend starts on the first training, not at activation, so opening a Python
// file or restoring a panel stays cheap.
import * as vscode from 'vscode';
import type { TrainRun } from '../core/mlp/run';
import { initBackend } from '../core/util/tfBackend';
import type { TrainConfig } from '../core/mlp/config';
import { COMMANDS, registerCommands } from './hyperplanesCommands';
import { readCsv } from './csvFile';
import { registerEvolutionCommand } from './evolutionCommands';
import { EVOLUTION_VIEW_TYPE, EvolutionPanels } from './evolutionPanel';
import { HYPERPLANES_VIEW_TYPE, HyperplanesPanel } from './hyperplanesPanel';
import { registerLenetCommand } from './lenetCommand';
import { registerSequentialCodeLens } from './sequentialCodeLens';
import { readTrainSettings, SETTINGS_SECTION } from './settings';
import { SIDE_VIEW_ID, HyperplanesSideViewProvider } from './hyperplanesSideView';
import { showTrainingIndicators } from './trainingIndicators';
import { TrainingSession, type RunState } from './trainingSession';
import { registerWeightsCommands } from './weightsCommands';
import { registerWeightsEditor } from './weightsEditor';

/** What `activate` returns: used by the extension-host tests (and any extension that wants it). */
export interface WeightLensApi {
  /** Trains with these settings over the user's; rejects with the reason on bad input. */
  trainRun(config?: Partial<TrainConfig>): Promise<TrainRun | undefined>;
  currentRun(): Readonly<RunState> | undefined;
}

export function activate(context: vscode.ExtensionContext): WeightLensApi {
  const log = vscode.window.createOutputChannel('Weight Lens', { log: true });
  const defaults = (): Partial<TrainConfig> => readTrainSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION));
  const startBackend = (): Promise<string> =>
    initBackend({ wasmDir: vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath, log: (m) => log.info(m) });
  const session = new TrainingSession({ log, defaults, readCsv, startBackend });
  const panel = new HyperplanesPanel(context.extensionUri, session);
  const evolution = new EvolutionPanels(context.extensionUri, log);
  context.subscriptions.push(
    log,
    session,
    showTrainingIndicators(session, COMMANDS.stop),
    vscode.window.registerWebviewPanelSerializer(HYPERPLANES_VIEW_TYPE, panel),
    vscode.window.registerWebviewViewProvider(
      SIDE_VIEW_ID,
      new HyperplanesSideViewProvider(context.extensionUri, session),
    ),
    registerSequentialCodeLens(),
    ...registerCommands(session, panel, defaults),
    registerWeightsEditor(context.extensionUri, log),
    ...registerWeightsCommands(),
    vscode.window.registerWebviewPanelSerializer(EVOLUTION_VIEW_TYPE, evolution),
    registerEvolutionCommand(evolution),
    registerLenetCommand({ extensionUri: context.extensionUri, log, evolution, startBackend }),
  );
  return {
    trainRun: (config = {}) => session.train(config),
    currentRun: () => session.current,
  };
}
