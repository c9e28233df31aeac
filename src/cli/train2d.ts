// `train2d`: trains the lecture's MLP R² → R² on a 2-D dataset (the lecture's disc,
// TensorFlow Playground's, or a CSV), prints how it ended, and writes the run as JSON and
// the lecture's grid of snapshots as a PNG.
import { type Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import {
  backendOption,
  type BackendChoice,
  checkOutputFolder,
  InputError,
  number,
  progressReporter,
  renderPng,
  startBackend,
  systemReason,
  writeOutput,
} from './support';
import { makeDataset } from '../core/mlp/dataset';
import type { Dataset, Snapshot, TrainRun } from '../core/mlp/run';
import { trainMlp } from '../core/mlp/trainer';
import {
  ACTIVATIONS,
  DATASET_NAMES,
  DEFAULT_TRAIN_CONFIG,
  LIMITS,
  resolveTrainConfig,
  type TrainConfig,
} from '../core/mlp/config';
import { OPTIMIZERS } from '../core/util/configChecks';
import { drawLectureGrid, lectureGridScenes, lectureGridSize } from '../render/lectureGrid';
import { LIGHT_THEME } from '../render/theme';
import { errorMessage } from '../core/util/errorMessage';
import { formatPercent } from '../core/util/format';

const PNG_WIDTH = 1200;

function range({ min, max }: { min: number; max: number }): string {
  return `${min} to ${max}`;
}

interface Train2dOptions {
  dataset: TrainConfig['dataset'];
  csv?: string;
  noise: number;
  hidden: number;
  iterations: number;
  batch: number;
  lr: number;
  optimizer: TrainConfig['optimizer'];
  activation: TrainConfig['activation'];
  seed: number;
  backend: BackendChoice;
  json?: string;
  png?: string;
}

export function addTrain2d(program: Command): void {
  const d = DEFAULT_TRAIN_CONFIG;
  program
    .command('train2d')
    .description("train the lecture's 2-D MLP (Linear(2, H), activation, Linear(H, 2)) and write its hidden-unit lines")
    .addOption(new Option('--dataset <name>', 'toy problem to learn').choices(DATASET_NAMES).default(d.dataset))
    .option('--csv <file>', 'learn the points of a CSV file of x,y,label rows (implies --dataset csv)')
    .option('--noise <n>', 'noise of the Playground datasets, in [0, 0.5]', number, d.noise)
    .option('--hidden <n>', `hidden units, ${range(LIMITS.hidden)}`, number, d.hidden)
    .option('--iterations <n>', `training iterations (mini-batches), ${range(LIMITS.iterations)}`, number, d.iterations)
    .option('--batch <n>', `mini-batch size, ${range(LIMITS.batchSize)}`, number, d.batchSize)
    .option('--lr <rate>', `learning rate, in (0, ${LIMITS.learningRate.max}]`, number, d.learningRate)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default(d.optimizer))
    .addOption(new Option('--activation <name>', 'hidden-layer activation').choices(ACTIVATIONS).default(d.activation))
    .option('--seed <n>', 'seed of the data, the initial weights and the batches', number, d.seed)
    .addOption(backendOption())
    .option('--json <file>', 'write the run as JSON: {backend, config, iterations, snapshots}')
    .option('--png <file>', `write the lecture's grid of snapshots as a ${PNG_WIDTH} px wide PNG`)
    .addHelpText('after', '\nExample:\n  weight-lens train2d --dataset disc --png grid.png --json run.json')
    .action(async (options: Train2dOptions, command: Command) => {
      if (options.csv && command.getOptionValueSource('dataset') === 'cli' && options.dataset !== 'csv') {
        throw new InputError(
          `--csv reads its points from ${options.csv}; it cannot be combined with --dataset ${options.dataset}`,
        );
      }
      await train2d(options);
    });
}

async function train2d(options: Train2dOptions): Promise<void> {
  const config = resolveTrainConfig({
    dataset: options.csv ? 'csv' : options.dataset,
    csvPath: options.csv,
    noise: options.noise,
    hidden: options.hidden,
    iterations: options.iterations,
    batchSize: options.batch,
    learningRate: options.lr,
    optimizer: options.optimizer,
    activation: options.activation,
    seed: options.seed,
  });
  const dataset = loadDataset(config);
  for (const file of [options.json, options.png]) if (file) checkOutputFolder(file);

  await startBackend(options.backend);
  const started = performance.now();
  const progress = progressReporter(config.iterations);
  let loss = NaN;
  const run = await trainMlp(config, dataset, {
    onSnapshot: (s) => {
      loss = s.loss;
    },
    onProgress: (iteration) =>
      progress.update(iteration, () => `iteration ${iteration}/${config.iterations} loss ${loss.toFixed(4)}`),
  });
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  console.log(summary(run, seconds));

  if (options.json) {
    const { backend: name, config: runConfig, iterations, snapshots } = run;
    writeOutput(options.json, JSON.stringify({ backend: name, config: runConfig, iterations, snapshots }));
  }
  if (options.png) writeOutput(options.png, await lectureGridPng(run, dataset));
}

function loadDataset(config: TrainConfig): Dataset {
  let csvText: string | undefined;
  if (config.csvPath) {
    try {
      csvText = readFileSync(config.csvPath, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read CSV file ${config.csvPath}: ${systemReason(error)}`);
    }
  }
  try {
    return makeDataset(config, csvText);
  } catch (error) {
    throw new InputError(errorMessage(error));
  }
}

function lectureGridPng(run: TrainRun, dataset: Dataset): Promise<Buffer> {
  const scenes = lectureGridScenes(run, dataset);
  const { width, height } = lectureGridSize(PNG_WIDTH, scenes.length);
  return renderPng(width, height, (ctx) => drawLectureGrid(ctx, { x: 0, y: 0, width, height }, scenes, LIGHT_THEME));
}

function summary(run: TrainRun, seconds: number): string {
  const last = run.snapshots.at(-1);
  const state = last ? `iteration ${last.iteration}: ${snapshotFigures(last)}` : 'no snapshot kept';
  return `${state} (backend ${run.backend}, ${seconds.toFixed(1)} s)`;
}

function snapshotFigures(s: Snapshot): string {
  return `loss ${s.loss.toFixed(4)}, train accuracy ${formatPercent(s.trainAccuracy)}, test accuracy ${formatPercent(s.testAccuracy)}`;
}
