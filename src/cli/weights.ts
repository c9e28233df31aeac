// The weight-file commands of the command-line tool: `inspect` lists a file's tensors
// (with statistics), `filters` draws a convolution layer's filter grid to PNG with the
// webview's own drawing code.
import { type Command, Option } from 'commander';
import { checkInputFile, checkOutputFolder, InputError, positiveInteger, renderPng, writeOutput } from './support';
import { openWeightFile } from '../core/formats/openWeightFile';
import type { TensorInfo, WeightFile } from '../core/formats/weightFile';
import { type KernelView, kernelView, type Normalization, type TileSelection } from '../core/tensor/kernel';
import { type TensorStats, tensorStats } from '../core/tensor/statistics';
import { drawFilterGrid, filterGridLayout } from '../render/filterGrid';
import { LIGHT_THEME } from '../render/theme';

const NORMALIZATIONS = ['global', 'filter', 'symmetric'] as const satisfies readonly Normalization[];
/** Pixels per kernel value: a 5×5 tile is 40 pixels wide, an 11×11 one 88. */
const DEFAULT_SCALE = 8;
/** Skia's largest canvas side, and a pixel budget (about 400 MB of RGBA) to stay well under memory limits. */
const MAX_PNG_SIDE = 32_767;
const MAX_PNG_PIXELS = 100_000_000;
/** How many similar names an unknown tensor's error suggests. */
const SUGGESTIONS = 3;

interface InspectOptions {
  json?: boolean;
  stats?: boolean;
}

export function addInspect(program: Command): void {
  program
    .command('inspect')
    .description("list a weight file's tensors: name, dtype, shape, parameter count (and statistics)")
    .argument('<file>', 'PyTorch, safetensors, NumPy, ONNX, Keras HDF5 or TF.js model.json file')
    .option('--json', 'print JSON: {format, tensors: [{name, dtype, shape}]}')
    .option(
      '--stats',
      'read every tensor for its min, max, mean and std over finite values (a column, or JSON `stats`)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  weight-lens inspect lenet.pt --stats\n  weight-lens inspect model.safetensors --json --stats',
    )
    .action((file: string, options: InspectOptions) => withWeightFile(file, (weights) => inspect(weights, options)));
}

interface FiltersOptions {
  tensor: string;
  rgb?: boolean;
  filters?: number;
  channels?: number;
  normalize: Normalization;
  scale: number;
  png: string;
}

export function addFilters(program: Command): void {
  program
    .command('filters')
    .description("draw a convolution kernel's filters as images (O filters × I input channels) to a PNG")
    .argument('<file>', 'weight file holding the kernel')
    .requiredOption('--tensor <name>', '4-D convolution kernel to draw, named as `inspect` lists it')
    .option('--rgb', 'one colour image per filter, its 3 input channels as red, green, blue')
    .option('--filters <n>', 'the first N filters (default: all)', positiveInteger)
    .option('--channels <c>', 'the first C input channels of each filter (default: all)', positiveInteger)
    .addOption(
      new Option(
        '--normalize <mode>',
        'grey levels from the min-max of all tiles, of each filter, or ±max|v| (diverging)',
      )
        .choices(NORMALIZATIONS)
        .default('global'),
    )
    .option('--scale <k>', 'pixels per kernel value', positiveInteger, DEFAULT_SCALE)
    .requiredOption('--png <file>', 'the PNG to write')
    .addHelpText(
      'after',
      "\nExample (the lecture's AlexNet first layer as RGB images):\n" +
        '  weight-lens filters alexnet.pt --tensor features.0.weight --rgb --filters 20 --png conv1.png',
    )
    .action((file: string, options: FiltersOptions) => {
      checkOutputFolder(options.png);
      return withWeightFile(file, (weights) => filters(weights, options));
    });
}

/** Opens the file (failing with "FILE: problem"), runs `use`, and closes it. */
async function withWeightFile(file: string, use: (weights: WeightFile) => Promise<void>): Promise<void> {
  checkInputFile(file);
  const weights = await openWeightFile(file);
  try {
    await use(weights);
  } finally {
    await weights.close();
  }
}

async function filters(weights: WeightFile, options: FiltersOptions): Promise<void> {
  const tensor = findTensor(weights, options.tensor);
  if (tensor.shape.length !== 4) {
    throw new InputError(
      `${weights.path}: tensor "${tensor.name}" is ${tensor.shape.length}-D [${tensor.shape.join(', ')}], not a 4-D convolution kernel`,
    );
  }
  const kernel = kernelView(await weights.read(tensor.name), tensor.shape, tensor.layout ?? 'OIHW');
  if (options.rgb && kernel.channels !== 3) {
    throw new InputError(
      `${weights.path}: --rgb needs 3 input channels, and tensor "${tensor.name}" has ${kernel.channels}`,
    );
  }
  const png = await filterGridPng(kernel, `${weights.path}: the grid of "${tensor.name}"`, {
    filters: options.filters ?? kernel.filters,
    channels: options.channels ?? kernel.channels,
    rgb: options.rgb ?? false,
    scale: options.scale,
    normalization: options.normalize,
  });
  writeOutput(options.png, png);
}

/** A kernel's filter grid as a PNG, drawn by the webview's own code; `what` names it in errors. */
export async function filterGridPng(
  kernel: KernelView,
  what: string,
  options: TileSelection & { scale: number; normalization: Normalization },
): Promise<Buffer> {
  const layout = filterGridLayout(kernel, options);
  // Label columns make the layout's size fractional; the PNG holds all of it.
  const [width, height] = [Math.ceil(layout.width), Math.ceil(layout.height)];
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || width * height > MAX_PNG_PIXELS) {
    throw new InputError(
      `${what} would be ${width}×${height} pixels, too large; lower --scale or draw fewer --filters/--channels`,
    );
  }
  return renderPng(width, height, (ctx, scratch) =>
    drawFilterGrid(ctx, layout, kernel, { normalization: options.normalization, createCanvas: scratch }, LIGHT_THEME),
  );
}

/** The tensor of that exact name, or an error suggesting the closest names the file has. */
function findTensor(weights: WeightFile, name: string): TensorInfo {
  const found = weights.tensors.find((t) => t.name === name);
  if (found) return found;
  const names = weights.tensors.map((t) => t.name);
  const closest = closestNames(name, names).map((n) => `"${n}"`);
  const suggestion = names.length === 0 ? 'the file has no tensors' : `closest: ${closest.join(', ')}`;
  throw new InputError(`${weights.path}: no tensor named "${name}"; ${suggestion}`);
}

function closestNames(name: string, names: string[]): string[] {
  const distance = new Map(names.map((n) => [n, editDistance(name, n)]));
  return [...names].sort((a, b) => distance.get(a)! - distance.get(b)!).slice(0, SUGGESTIONS);
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

async function inspect(weights: WeightFile, options: InspectOptions): Promise<void> {
  // Without --stats the listing reads headers only, whatever the file's size. Stats read
  // every tensor: one at a time, so memory holds one tensor's values at most.
  const stats: TensorStats[] = [];
  if (options.stats) {
    for (const { name } of weights.tensors) stats.push(tensorStats(await weights.read(name)));
  }
  console.log(options.json ? inspectJson(weights, stats) : inspectTable(weights, stats));
}

/** `stats` is empty (no statistics) or one per tensor. */
function inspectJson(weights: WeightFile, stats: TensorStats[]): string {
  const tensors = weights.tensors.map(({ name, dtype, shape }, i) => {
    if (!stats.length) return { name, dtype, shape };
    const { min, max, mean, std } = stats[i];
    // JSON has no NaN: a tensor without finite values gets nulls.
    return { name, dtype, shape, stats: { min, max, mean, std } };
  });
  return JSON.stringify({ format: weights.format, tensors }, null, 2);
}

/** Columns aligned; numbers right-aligned. `stats` is empty (no statistics) or one per tensor. */
function inspectTable(weights: WeightFile, stats: TensorStats[]): string {
  const withNonFinite = stats.some((s) => s.nan + s.inf > 0);
  const header = ['name', 'dtype', 'shape', 'params'];
  if (stats.length > 0) header.push('min', 'max', 'mean', 'std');
  if (withNonFinite) header.push('NaN/Inf');
  const rows = weights.tensors.map((tensor, i) => {
    const row = [tensor.name, tensor.dtype, `[${tensor.shape.join(', ')}]`, formatCount(paramCount(tensor))];
    const s = stats.at(i);
    if (s) row.push(...[s.min, s.max, s.mean, s.std].map(formatStat));
    if (s && withNonFinite) row.push(`${s.nan}/${s.inf}`);
    return row;
  });
  const total = weights.tensors.reduce((sum, t) => sum + paramCount(t), 0);
  const title = `${weights.path}: ${weights.format}, ${weights.tensors.length} tensors, ${formatCount(total)} parameters`;
  return [title, ...alignColumns([header, ...rows], new Set([0, 1, 2]))].join('\n');
}

function paramCount(tensor: TensorInfo): number {
  return tensor.shape.reduce((product, d) => product * d, 1);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Four significant digits, exponents for very large or small magnitudes, small whole
 * numbers as they are (integer tensors); "-" when undefined (no finite value).
 */
function formatStat(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < 1e5) return String(value);
  return magnitude >= 1e5 || magnitude < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}

/** Pads each column to its widest cell; the columns in `leftAligned` are padded on the right. */
function alignColumns(rows: string[][], leftAligned: Set<number>): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (leftAligned.has(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}
