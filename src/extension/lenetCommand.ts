// "Weight Lens: Train LeNet on MNIST": trains the course's LeNet with the default settings,
// shows conv1 and conv2 changing live in an evolution view over the run's in-memory
// checkpoints, reports progress in a cancellable notification, and saves the trained
// weights as safetensors in the workspace (a cancelled run saves nothing).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { MemoryStore } from '../core/series/checkpointStore';
import { LENET_SHAPES } from '../core/lenet/network';
import { type LenetConfig, resolveLenetConfig } from '../core/lenet/config';
import { type LenetRun, type LenetSnapshot, lenetSafetensors, trainLenet } from '../core/lenet/trainer';
import { MNIST_FILE, type MnistSplit, readMnist, splitMnist } from '../core/lenet/mnist';
import type { TrainingPoint } from '../core/series/trainingCurve';
import type { SeriesChange } from './evolutionHost';
import type { EvolutionPanels } from './evolutionPanel';
import { reportErrors } from './reportErrors';
import { WEIGHTS_VIEW_TYPE } from './weightsEditor';
import { formatPercent } from '../core/util/format';

export const LENET_COMMAND = 'weightLens.trainLenet';
const FILE_STEM = 'lenet-mnist';
const FILE_EXTENSION = '.safetensors';

export interface LenetCommandDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  evolution: EvolutionPanels;
  /** Starts the tfjs backend (once); resolves with its name. */
  startBackend(): Promise<string>;
}

export function registerLenetCommand(deps: LenetCommandDeps): vscode.Disposable {
  let training = false;
  return vscode.commands.registerCommand(LENET_COMMAND, async () => {
    if (training) {
      void vscode.window.showInformationMessage('Weight Lens: LeNet is already training.');
      return;
    }
    training = true;
    try {
      await reportErrors(deps.log, () => trainAndSave(deps));
    } finally {
      training = false;
    }
  });
}

/** Trains with the default settings, shows the run live, and saves what a completed run learned. */
async function trainAndSave(deps: LenetCommandDeps): Promise<void> {
  const { log } = deps;
  const config = resolveLenetConfig({});
  const mnistFile = vscode.Uri.joinPath(deps.extensionUri, 'dist', MNIST_FILE).fsPath;
  const data = splitMnist(readMnist(mnistFile));
  const backend = await deps.startBackend();
  log.info(
    `LeNet on MNIST: ${data.train.count} training digits, ${data.test.count} test digits, ${config.epochs} epochs, ` +
      `batch ${config.batchSize}, ${config.optimizer} at ${config.learningRate}, seed ${config.seed}, backend ${backend}`,
  );
  const run = await trainWithProgress(data, config, showLiveSeries(deps, config));
  logEpochs(log, run);
  if (run.aborted) log.info(`LeNet training cancelled after ${run.steps} steps; no weights saved.`);
  else await saveWeights(log, run);
}

/**
 * Opens an evolution view over the run's in-memory checkpoints; the returned function adds
 * each snapshot (conv1 and conv2) to it, with the loss and accuracies the run measured.
 */
function showLiveSeries(deps: LenetCommandDeps, config: LenetConfig): (s: LenetSnapshot) => void {
  const store = new MemoryStore('LeNet on MNIST');
  const changes = new vscode.EventEmitter<SeriesChange>();
  const metrics = new vscode.EventEmitter<TrainingPoint[]>();
  deps.evolution.showSeries(`lenet:${randomUUID()}`, 'Evolution: LeNet training', () => ({
    source: { store, live: true },
    changes: changes.event,
    metrics: metrics.event,
    dispose: () => [changes, metrics].forEach((e) => e.dispose()),
  }));
  return (s) => {
    const name = store.add(s.step, [
      { name: 'conv1.weight', shape: [...LENET_SHAPES['conv1.weight']], values: s.conv1 },
      { name: 'conv2.weight', shape: [...LENET_SHAPES['conv2.weight']], values: s.conv2 },
    ]);
    changes.fire({ deleted: false, name });
    const { step, loss, trainAccuracy, testAccuracy } = s;
    if (loss !== undefined || trainAccuracy !== undefined || testAccuracy !== undefined) {
      metrics.fire([{ step, loss, trainAccuracy, testAccuracy }]);
    }
    if (testAccuracy !== undefined) {
      const recent = loss === undefined ? '' : `, loss ${loss.toFixed(4)} (recent steps)`;
      deps.log.info(`LeNet epoch ${s.epoch}/${config.epochs}: test accuracy ${formatPercent(testAccuracy)}${recent}`);
    }
  };
}

/** Trains in a cancellable notification showing the epoch, the loss and the last test accuracy. */
function trainWithProgress(
  data: MnistSplit,
  config: LenetConfig,
  onSnapshot: (s: LenetSnapshot) => void,
): Thenable<LenetRun> {
  const options = { location: vscode.ProgressLocation.Notification, title: 'Weight Lens: training LeNet on MNIST' };
  return vscode.window.withProgress({ ...options, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    let reported = 0;
    let testAccuracy = '–';
    try {
      return await trainLenet(data, config, {
        signal: abort.signal,
        onSnapshot: (s) => {
          if (s.testAccuracy !== undefined) testAccuracy = formatPercent(s.testAccuracy);
          onSnapshot(s);
        },
        onProgress: (p) => {
          const now = (100 * p.step) / p.steps;
          progress.report({
            increment: now - reported,
            message: `epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(3)}, test acc ${testAccuracy}`,
          });
          reported = now;
        },
      });
    } finally {
      cancelled.dispose();
    }
  });
}

function logEpochs(log: vscode.LogOutputChannel, run: LenetRun): void {
  log.info(`LeNet gradients computed by ${run.threads} worker thread(s), backend ${run.backend}`);
  for (const e of run.epochs) {
    log.info(
      `LeNet epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, train accuracy ${formatPercent(e.trainAccuracy)}, ` +
        `test accuracy ${formatPercent(e.testAccuracy)}, ${e.seconds.toFixed(1)} s`,
    );
  }
}

/** Writes the weights where saveTarget says, and offers to open them in the weights view. */
async function saveWeights(log: vscode.LogOutputChannel, run: LenetRun): Promise<void> {
  const target = await saveTarget();
  if (!target) {
    log.info('LeNet weights not saved: no file chosen.');
    return;
  }
  await vscode.workspace.fs.writeFile(target, lenetSafetensors(run));
  const accuracy = formatPercent(run.testAccuracy);
  log.info(`LeNet weights saved to ${target.toString(true)} (test accuracy ${accuracy})`);
  const shown = vscode.workspace.asRelativePath(target);
  void vscode.window
    .showInformationMessage(`Weight Lens: saved ${shown}, test accuracy ${accuracy}`, 'Open')
    .then((choice) =>
      choice === 'Open'
        ? reportErrors(log, () =>
            Promise.resolve(vscode.commands.executeCommand('vscode.openWith', target, WEIGHTS_VIEW_TYPE)),
          )
        : undefined,
    );
}

/** `lenet-mnist.safetensors` in the first workspace folder (-1, -2… if taken), or a save dialog without a folder. */
async function saveTarget(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    return vscode.window.showSaveDialog({
      title: 'Weight Lens: save the trained LeNet weights',
      filters: { Safetensors: ['safetensors'] },
      saveLabel: 'Save Weights',
    });
  }
  for (let n = 0; ; n++) {
    const uri = vscode.Uri.joinPath(folder.uri, `${FILE_STEM}${n === 0 ? '' : `-${n}`}${FILE_EXTENSION}`);
    if (!(await exists(uri))) return uri;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return false;
    throw error;
  }
}
