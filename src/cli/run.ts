// `run`: executes the user's model on one input (an image, an MNIST digit, or zeros) and
// prints the top classes and each layer's output shape: the model engine's front door on
// the command line.
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { type Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import {
  backendOption,
  type BackendChoice,
  checkInputFile,
  InputError,
  loadDigits,
  nonNegativeInteger,
  startBackend,
} from './support';
import type { Model, TensorData } from '../core/engine/model';
import { openModel } from '../core/engine/openModel';
import { type InputNormalization, NORMALIZATIONS, pixelsToInput } from '../core/engine/preprocess';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../core/lenet/mnist';
import { formatPercent } from '../core/util/format';

/** Classes listed by default. */
const TOP = 5;
/** The input side when the model leaves it free (PyTorch's state dicts): ImageNet's 224. */
const DEFAULT_SIDE = 224;

interface RunOptions {
  input?: string;
  mnist?: number;
  normalize: InputNormalization;
  top: number;
  json?: boolean;
  backend: BackendChoice;
}

export function addRun(program: Command): void {
  program
    .command('run')
    .description("run a model on one input: its top classes and each layer's output shape")
    .argument(
      '<model>',
      'ONNX, Keras (.h5, .keras), TF.js model.json or PyTorch file (state dict of a known architecture, or a pickled module)',
    )
    .option('--input <image>', 'a PNG or JPEG, resized (shorter side) and centre-cropped to the model input')
    .option(
      '--mnist <index>',
      'MNIST digit number INDEX of the 10,000 shipped (28×28, one channel)',
      nonNegativeInteger,
    )
    .addOption(
      new Option('--normalize <preset>', 'input scaling: 0–255, [0, 1], MNIST or ImageNet mean/std')
        .choices(NORMALIZATIONS)
        .default('unit'),
    )
    .option('--top <k>', 'how many classes to list', nonNegativeInteger, TOP)
    .option(
      '--json',
      'print JSON: {model, frontEnd, architecture, backend, input: {shape}, outputs, top, layers: [{name, op, shape}]}',
    )
    .addOption(backendOption())
    .addHelpText(
      'after',
      '\nExamples:\n  weight-lens run lenet.onnx --mnist 0\n  weight-lens run resnet18.onnx --input cat.png --normalize imagenet --json',
    )
    .action(async (file: string, options: RunOptions) => {
      checkInputFile(file);
      if (options.input !== undefined && options.mnist !== undefined)
        throw new InputError('give --input or --mnist, not both');
      // The backend is in the report: an error stays the only line on stderr.
      const backend = await startBackend(options.backend, false);
      const model = await openModel(file);
      try {
        const input = await modelInput(model, options);
        console.log(report(file, model, input, backend, options));
      } finally {
        model.dispose();
      }
    });
}

async function modelInput(model: Model, options: RunOptions): Promise<{ data: TensorData; label: string }> {
  const [, channels = 1, height, width] = model.inputShape;
  if (options.mnist !== undefined) {
    const digits = loadDigits();
    if (options.mnist >= digits.count)
      throw new InputError(`--mnist ${options.mnist}: there are ${digits.count} digits`);
    const pixels = digits.images.subarray(options.mnist * IMAGE_PIXELS, (options.mnist + 1) * IMAGE_PIXELS);
    const rgba = new Uint8ClampedArray(4 * IMAGE_PIXELS);
    pixels.forEach((v, p) => rgba.fill(Math.round(v * 255), 4 * p, 4 * p + 3));
    const data = pixelsToInput(rgba, IMAGE_SIDE, IMAGE_SIDE, channels === 3 ? 3 : 1, options.normalize);
    return { data, label: `MNIST digit ${options.mnist} (a ${digits.labels[options.mnist]})` };
  }
  if (options.input !== undefined) {
    if (channels !== 1 && channels !== 3) throw new InputError(`the model takes ${channels} channels, not an image`);
    const data = await imageInput(
      options.input,
      width ?? DEFAULT_SIDE,
      height ?? DEFAULT_SIDE,
      channels,
      options.normalize,
    );
    return { data, label: options.input };
  }
  // A free batch is 1; a free image size is ImageNet's, as for an image.
  const shape = model.inputShape.map((d, i) => d ?? (i < 2 ? 1 : DEFAULT_SIDE));
  return { data: { shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) }, label: 'zeros' };
}

/** Decoded by Skia (@napi-rs/canvas), its shorter side scaled to the model's, centre-cropped. */
async function imageInput(
  file: string,
  width: number,
  height: number,
  channels: 1 | 3,
  normalization: InputNormalization,
): Promise<TensorData> {
  checkInputFile(file);
  let image;
  try {
    image = await loadImage(readFileSync(file));
  } catch (error) {
    throw new InputError(`${file}: not an image Weight Lens can decode (${String(error)})`);
  }
  const scale = Math.max(width / image.width, height / image.height);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const [w, h] = [image.width * scale, image.height * scale];
  ctx.drawImage(image, (width - w) / 2, (height - h) / 2, w, h);
  return pixelsToInput(ctx.getImageData(0, 0, width, height).data, width, height, channels, normalization);
}

function report(
  file: string,
  model: Model,
  input: { data: TensorData; label: string },
  backend: string,
  options: RunOptions,
): string {
  const { output, layers: shapes } = model.run(input.data);
  const scores = Array.from(output.values.subarray(0, output.shape.at(-1)));
  const probabilities = softmax(scores);
  const top = probabilities
    .map((probability, index) => ({ class: index, score: scores[index], probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, options.top);
  const layers = shapes.map(({ name, op, shape }) => ({ name, op, shape }));
  if (options.json) {
    const { frontEnd, architecture } = model.graph;
    const summary = { model: file, frontEnd, architecture, backend, input: { shape: input.data.shape } };
    return JSON.stringify({ ...summary, outputs: scores, top, layers }, null, 2);
  }
  const width = Math.max(...layers.map((l) => l.name.length));
  return [
    `${file} (${[model.graph.frontEnd, model.graph.architecture].filter(Boolean).join(': ')}) on ${input.label} ` +
      `[${input.data.shape.join('×')}], backend ${backend}`,
    ...top.map((t) => `  class ${t.class}: ${formatPercent(t.probability)} (score ${t.score.toFixed(4)})`),
    'layers:',
    ...layers.map((l) => `  ${l.name.padEnd(width)}  ${l.op.padEnd(18)} ${l.shape.join('×')}`),
  ].join('\n');
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
