// The weight-file commands of the built command-line tool, against the values the real
// libraries recorded in test/fixtures/expected.json: `inspect` (table and --json) and
// `filters` (PNG size and pixels), and the bad-input contract for each.
import { loadImage, createCanvas } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWeightFile } from '../../src/core/formats/openWeightFile';
import { filterRanges, kernelView } from '../../src/core/tensor/kernel';
import { colorLevel } from '../../src/render/color';
import { type ValueRange } from '../../src/core/tensor/range';
import { filterGridLayout, tileRect, type FilterGridOptions } from '../../src/render/filterGrid';
import { assertBadInput, buildCliIfStale, cli, PNG_SIGNATURE, ROOT } from '../support/cli';

const FIXTURES = join(ROOT, 'test', 'fixtures');
const SCALE = 8; // the CLI's default --scale

interface ExpectedTensor {
  name: string;
  dtype: string;
  shape: number[];
  stats: { min: number; max: number; mean: number; std: number } | null;
  first: (number | string)[];
}
const expected: { files: Record<string, { format: string; tensors: ExpectedTensor[] }> } = JSON.parse(
  readFileSync(join(FIXTURES, 'expected.json'), 'utf8'),
);

function expectedTensor(file: string, name: string): ExpectedTensor {
  const tensor = expected.files[file].tensors.find((t) => t.name === name);
  assert.ok(tensor, `${file} has no ${name} in expected.json`);
  return tensor;
}

let work: string;

before(() => {
  buildCliIfStale();
  work = mkdtempSync(join(tmpdir(), 'weight-lens-weights-'));
  // Bytes of no format at all: detection must say so, not guess.
  writeFileSync(join(work, 'random.safetensors'), Buffer.from([7, 1, 200, 13, 0, 255, 42, 99, 5, 17, 3, 250]));
});

after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI from test/fixtures, so paths in messages are the fixtures' relative paths. */
const run = (...args: string[]) => cli(args, FIXTURES);

describe('inspect', () => {
  for (const file of ['lenet.pt', 'lenet.safetensors', 'lenet.onnx', 'lenet_keras.h5', 'tfjs/model.json']) {
    it(`lists ${file}'s tensors as a table: name, dtype, shape, parameters`, () => {
      const { status, stdout, stderr } = run('inspect', file);
      assert.equal(status, 0, stderr);
      const [title, header, ...rows] = stdout.trimEnd().split('\n');
      const { format, tensors } = expected.files[file];
      const total = tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
      assert.equal(title, `${file}: ${format}, ${tensors.length} tensors, ${total.toLocaleString('en-US')} parameters`);
      assert.deepEqual(header.split(/\s+/), ['name', 'dtype', 'shape', 'params']);
      assert.equal(rows.length, tensors.length);
      for (const t of tensors) {
        const params = t.shape.reduce((a, b) => a * b, 1).toLocaleString('en-US');
        const cells = [t.name, t.dtype, `[${t.shape.join(', ')}]`, params];
        assert.ok(
          rows.some((row) => row.split(/ {2,}/).join('|') === cells.join('|')),
          `no row ${cells.join(' ')}`,
        );
      }
    });
  }

  it('adds min, max, mean and std with --stats, and NaN/Inf counts when there are any', () => {
    const { status, stdout, stderr } = run('inspect', 'dtypes.pt', '--stats');
    assert.equal(status, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.deepEqual(lines[1].split(/\s+/), [
      'name',
      'dtype',
      'shape',
      'params',
      'min',
      'max',
      'mean',
      'std',
      'NaN/Inf',
    ]);
    // Cells are two spaces apart at least; a shape has single spaces.
    const row = (name: string) => lines.find((line) => line.startsWith(`${name} `))?.split(/ {2,}/);
    assert.deepEqual(row('nonfinite')?.slice(4), ['-2', '1', '-0.1667', '1.312', '1/2']);
    assert.deepEqual(row('int8')?.slice(4, 6), ['-128', '127']);
    assert.deepEqual(row('empty')?.slice(4), ['-', '-', '-', '-', '0/0'], 'no finite value: no figures');
  });

  const jsonFiles = [
    'lenet.pt',
    'legacy.pt',
    'dtypes.pt',
    'proto_names.pt',
    'lenet.safetensors',
    'sharded/model.safetensors.index.json',
    'conv1.npy',
    'lenet.npz',
    'lenet.onnx',
    'lenet_keras.h5',
    'lenet.keras',
    'tfjs/model.json',
  ];
  for (const file of jsonFiles) {
    it(`prints ${file} as JSON with the recorded names, dtypes, shapes and statistics`, () => {
      const { status, stdout, stderr } = run('inspect', file, '--json', '--stats');
      assert.equal(status, 0, stderr);
      const output = JSON.parse(stdout);
      assert.deepEqual(Object.keys(output), ['format', 'tensors']);
      assert.equal(output.format, expected.files[file].format);
      const byName = new Map(expected.files[file].tensors.map((t) => [t.name, t]));
      assert.deepEqual(output.tensors.map((t: { name: string }) => t.name).sort(), [...byName.keys()].sort());
      for (const tensor of output.tensors) {
        const want = byName.get(tensor.name)!;
        assert.deepEqual(Object.keys(tensor), ['name', 'dtype', 'shape', 'stats']);
        assert.equal(tensor.dtype, want.dtype, tensor.name);
        assert.deepEqual(tensor.shape, want.shape, tensor.name);
        assert.deepEqual(Object.keys(tensor.stats), ['min', 'max', 'mean', 'std']);
        for (const key of ['min', 'max', 'mean', 'std'] as const) {
          const [got, recorded] = [tensor.stats[key], want.stats?.[key] ?? null];
          if (recorded === null) assert.equal(got, null, `${tensor.name} ${key}`);
          else assertClose(got, recorded, `${tensor.name} ${key}`);
        }
      }
    });
  }
});

describe('weight-lens inspect --json without --stats', () => {
  it('lists names, dtypes and shapes only, as the table does', () => {
    const { status, stdout, stderr } = run('inspect', 'lenet.pt', '--json');
    assert.equal(status, 0, stderr);
    const { tensors } = JSON.parse(stdout);
    const recorded = expected.files['lenet.pt'].tensors;
    assert.deepEqual(
      tensors,
      recorded.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    );
  });
});

function assertClose(actual: number, wanted: number, what: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(wanted));
  assert.ok(Math.abs(actual - wanted) <= tolerance, `${what}: ${actual}, recorded ${wanted}`);
}

describe('filters', () => {
  type Rgb = [number, number, number];

  async function drawn(args: string[], out: string) {
    const { status, stderr } = run('filters', ...args, '--png', join(work, out));
    assert.equal(status, 0, stderr);
    const png = readFileSync(join(work, out));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const image = await loadImage(png);
    const ctx = createCanvas(image.width, image.height).getContext('2d');
    ctx.drawImage(image, 0, 0);
    const pixel = (x: number, y: number): Rgb => {
      const [r, g, b] = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
      return [r, g, b];
    };
    return { width: image.width, height: image.height, pixel };
  }

  /** The PNG's size as the webview's layout gives it for this kernel and options. */
  function expectedSize(shape: number[], options: Omit<FilterGridOptions, 'scale'>) {
    const [filters, channels, height, width] = shape;
    const layout = filterGridLayout({ filters, channels, height, width }, { ...options, scale: SCALE });
    return { layout, width: Math.ceil(layout.width), height: Math.ceil(layout.height) };
  }

  /** The centre of kernel pixel (y, x) in a filter's tile. */
  function centre(layout: ReturnType<typeof filterGridLayout>, filter: number, y: number, x: number, channel = 0) {
    const tile = tileRect(layout, filter, channel);
    return [tile.x + (x + 0.5) * SCALE, tile.y + (y + 0.5) * SCALE] as const;
  }

  const grey = (value: number, range: ValueRange): Rgb => {
    const level = colorLevel(value, range);
    return [level, level, level];
  };

  it("draws LeNet's first layer: 32 filters of 5×5, grey from the layer's min to its max", async () => {
    const conv1 = expectedTensor('lenet.pt', 'conv1.weight');
    const { layout, width, height } = expectedSize(conv1.shape, { filters: 32, channels: 1, rgb: false });
    const image = await drawn(['lenet.pt', '--tensor', 'conv1.weight'], 'lenet-conv1.png');
    assert.deepEqual([image.width, image.height], [width, height]);
    assert.deepEqual(image.pixel(1, 1), [255, 255, 255], 'light theme background');
    const range = { low: conv1.stats!.min, high: conv1.stats!.max };
    // The first five recorded values are filter 0's top row.
    for (let x = 0; x < 5; x++) {
      assert.deepEqual(image.pixel(...centre(layout, 0, 0, x)), grey(conv1.first[x] as number, range), `x ${x}`);
    }
  });

  it("draws AlexNet's first layer as 20 RGB images, channels as red, green and blue", async () => {
    const conv1 = expectedTensor('alexnet_features.pt', 'features.0.weight');
    const { layout, width, height } = expectedSize(conv1.shape, { filters: 20, channels: 3, rgb: true });
    const args = ['alexnet_features.pt', '--tensor', 'features.0.weight', '--rgb', '--filters', '20'];
    const image = await drawn(args, 'alexnet-conv1.png');
    assert.deepEqual([image.width, image.height], [width, height]);
    assert.equal(layout.grid.arrangement, 'wrapped');
    // Colours span the 20 filters drawn, not the whole layer: the range comes from the reader's values.
    const weights = await openWeightFile(join(FIXTURES, 'alexnet_features.pt'));
    const kernel = kernelView(await weights.read('features.0.weight'), conv1.shape, 'OIHW');
    await weights.close();
    const [range] = filterRanges(kernel, { filters: 20, channels: 3, rgb: true }, 'global');
    for (const [filter, y, x] of [
      [0, 0, 0],
      [0, 5, 7],
      [19, 10, 10],
    ]) {
      const rgb = [0, 1, 2].map((c) => colorLevel(kernel.at(filter, c, y, x), range));
      assert.deepEqual(image.pixel(...centre(layout, filter, y, x)), rgb, `filter ${filter} (${y}, ${x})`);
    }
    // The recorded red channel of filter 0's top row agrees with the reader's.
    for (let x = 0; x < 8; x++) {
      assert.equal(image.pixel(...centre(layout, 0, 0, x))[0], colorLevel(conv1.first[x] as number, range));
    }
  });

  it("draws AlexNet's second layer as rows of channels, symmetric colours about zero", async () => {
    const conv2 = expectedTensor('alexnet_features.pt', 'features.3.weight');
    const { layout, width, height } = expectedSize(conv2.shape, { filters: 20, channels: 15, rgb: false });
    const args = ['alexnet_features.pt', '--tensor', 'features.3.weight', '--filters', '20', '--channels', '15'];
    const image = await drawn([...args, '--normalize', 'symmetric'], 'alexnet-conv2.png');
    assert.deepEqual([image.width, image.height], [width, height]);
    assert.equal(layout.grid.arrangement, 'rows');
    const [r, , b] = image.pixel(...centre(layout, 0, 0, 0));
    const value = conv2.first[0] as number;
    assert.ok(value > 0 ? r > b : b > r, `value ${value} drawn as ${r}, ${b}`);
  });

  const badInputs: [string, string[], RegExp][] = [
    ['a missing file', ['inspect', 'missing.pt'], /missing\.pt: no such file/],
    ['a folder', ['inspect', 'WORK'], /weight-lens-weights-\w+: is a folder/],
    ['a corrupt zip (the example)', ['inspect', '../../examples/corrupt.pt'], /examples\/corrupt\.pt: .*zip/],
    ['a truncated checkpoint', ['inspect', 'bad/truncated.pt'], /bad\/truncated\.pt: /],
    ['random bytes', ['inspect', 'RANDOM'], /random\.safetensors: is not a weight file/],
    ['a pickle that calls os.system', ['inspect', 'bad/os_system.pt', '--json'], /bad\/os_system\.pt: .*os\.system/],
    ['an object-dtype .npy', ['inspect', 'bad/object.npy'], /bad\/object\.npy: object dtype/],
    [
      'an unknown tensor (listing close names)',
      ['filters', 'lenet.pt', '--tensor', 'conv1.wieght', '--png', 'OUT'],
      /lenet\.pt: no tensor named "conv1\.wieght"; closest: "conv1\.weight", "conv2\.weight"/,
    ],
    [
      'a tensor that is not 4-D',
      ['filters', 'lenet.pt', '--tensor', 'fc1.weight', '--png', 'OUT'],
      /lenet\.pt: tensor "fc1\.weight" is 2-D \[200, 256\], not a 4-D convolution kernel/,
    ],
    [
      '--rgb on a kernel without 3 input channels',
      ['filters', 'lenet.pt', '--tensor', 'conv1.weight', '--rgb', '--png', 'OUT'],
      /lenet\.pt: --rgb needs 3 input channels, and tensor "conv1\.weight" has 1/,
    ],
    [
      'a corrupt file for filters',
      ['filters', 'bad/truncated.safetensors', '--tensor', 'conv1.weight', '--png', 'OUT'],
      /bad\/truncated\.safetensors: /,
    ],
    [
      'a grid too large to draw',
      ['filters', 'lenet.pt', '--tensor', 'conv2.weight', '--scale', '5000', '--png', 'OUT'],
      /lenet\.pt: the grid of "conv2\.weight" would be \d+×\d+ pixels/,
    ],
    [
      'an output in a missing folder',
      ['filters', 'lenet.pt', '--tensor', 'conv1.weight', '--png', 'nowhere/x.png'],
      /cannot write nowhere\/x\.png/,
    ],
    [
      'an unknown normalization',
      ['filters', 'lenet.pt', '--tensor', 'conv1.weight', '--normalize', 'max', '--png', 'OUT'],
      /--normalize.*max/,
    ],
    [
      'zero filters',
      ['filters', 'lenet.pt', '--tensor', 'conv1.weight', '--filters', '0', '--png', 'OUT'],
      /--filters/,
    ],
  ];
  for (const [what, args, message] of badInputs) {
    it(`exits 2 with one error line for ${what}`, () => {
      // The scratch folder exists once `before` has run: its paths go in now.
      const scratch: Record<string, string> = {
        WORK: work,
        OUT: join(work, 'never.png'),
        RANDOM: join(work, 'random.safetensors'),
      };
      assertBadInput(run(...args.map((arg) => scratch[arg] ?? arg)), message);
    });
  }
});
