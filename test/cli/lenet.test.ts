// `train-lenet`, run as a user would: a quick run on a few digits, then the file it writes
// read back by `inspect`, and the bad-input contract.
import { loadImage } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWeightFile } from '../../src/core/formats/openWeightFile';
import { LENET_SHAPES } from '../../src/core/lenet/network';
import { assertBadInput, buildCliIfStale, cli, PNG_SIGNATURE } from '../support/cli';

let work: string;

before(() => {
  buildCliIfStale();
  work = mkdtempSync(join(tmpdir(), 'weight-lens-lenet-'));
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('train-lenet', () => {
  it('trains, writes the weights under PyTorch’s names and conv1’s filters as PNG', async () => {
    const args = [
      '--epochs',
      '2',
      '--train-size',
      '192',
      '--seed',
      '3',
      '--threads',
      '2',
      '--out',
      'lenet.safetensors',
      '--png',
      'c.png',
    ];
    const { status, stdout, stderr } = cli(['train-lenet', ...args], work);
    assert.equal(status, 0, stderr);
    assert.match(
      stdout,
      /^epoch 2: loss \d\.\d{4}, train accuracy [\d.]+ %, test accuracy [\d.]+ % \(192 training digits, 2000 test digits, backend (tensorflow|wasm|cpu) on 2 thread\(s\), [\d.]+ s\)\n$/,
    );
    assert.match(stderr, /TensorFlow.js backend: (tensorflow|wasm|cpu)/);
    assert.match(stderr, /epoch 2\/2 batch 3\/3 loss \d/, 'progress on stderr');
    assert.match(stderr, /wrote lenet\.safetensors\nwrote c\.png\n$/);

    const inspect = cli(['inspect', 'lenet.safetensors', '--json'], work);
    assert.equal(inspect.status, 0, inspect.stderr);
    const { format, tensors } = JSON.parse(inspect.stdout);
    assert.equal(format, 'safetensors');
    assert.deepEqual(
      tensors.map((t: { name: string; dtype: string; shape: number[] }) => [t.name, t.dtype, t.shape]),
      Object.entries(LENET_SHAPES).map(([name, shape]) => [name, 'float32', shape]),
    );

    const file = await openWeightFile(join(work, 'lenet.safetensors'));
    await file.close();
    const { format: written, producer, epochs, seed } = file.metadata;
    assert.deepEqual(
      { written, producer, epochs, seed },
      { written: 'pt', producer: 'weight-lens', epochs: '2', seed: '3' },
    );
    const accuracy = (100 * Number(file.metadata.test_accuracy)).toFixed(1);
    assert.ok(stdout.includes(`test accuracy ${accuracy} %`), 'the metadata has the accuracy printed');

    const png = readFileSync(join(work, 'c.png'));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const same = cli(['filters', 'lenet.safetensors', '--tensor', 'conv1.weight', '--png', 'f.png'], work);
    assert.equal(same.status, 0, same.stderr);
    assert.deepEqual(readFileSync(join(work, 'f.png')), png, 'the PNG is the filters command’s for conv1.weight');
    const image = await loadImage(png);
    assert.ok(image.width > 8 * 40 && image.height > 4 * 40, `${image.width}×${image.height}: 32 tiles of 5×5 at 8 px`);
  });

  it('documents its options, the training-set limit included, in --help', () => {
    const { status, stdout } = cli(['train-lenet', '--help'], work);
    assert.equal(status, 0);
    for (const flag of [
      '--epochs',
      '--batch',
      '--optimizer',
      '--lr',
      '--seed',
      '--train-size',
      '--backend',
      '--out',
      '--png',
    ]) {
      assert.ok(stdout.includes(flag), flag);
    }
    assert.match(stdout, /default: 0\.002 for adam, 0\.1\s+for sgd/);
  });

  describe('reports bad input with exit status 2 and one error line', () => {
    const cases: [string, string[], RegExp][] = [
      ['no --out', [], /required option '--out <file>'/],
      ['zero epochs', ['--epochs', '0', '--out', 'x.safetensors'], /epochs must be an integer from 1 to 1000, got 0/],
      ['a negative learning rate', ['--lr', '-1', '--out', 'x.safetensors'], /learning rate must be a number in/],
      [
        'too many training digits',
        ['--train-size', '9000', '--out', 'x.safetensors'],
        /training set size .* 1 to 8000, got 9000/,
      ],
      ['no training digit', ['--train-size', '0', '--out', 'x.safetensors'], /--train-size/],
      ['zero threads', ['--threads', '0', '--out', 'x.safetensors'], /--threads/],
      ['an unknown optimizer', ['--optimizer', 'rmsprop', '--out', 'x.safetensors'], /rmsprop/],
      [
        'a missing output folder',
        ['--out', 'nowhere/x.safetensors'],
        /cannot write nowhere\/x\.safetensors: folder nowhere does not exist/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(what, () => assertBadInput(cli(['train-lenet', ...args], work), message));
    }
  });
});
