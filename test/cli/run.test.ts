// `weight-lens run`, as a user runs it: a model of each front-end on an MNIST digit, an image
// file, and the errors of bad input.
import { createCanvas } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBadInput, buildCliIfStale, cli } from '../support/cli';
import { ENGINE_FIXTURES } from '../support/engineFixtures';
import { relativeError } from '../support/numbers';

interface RunJson {
  model: string;
  frontEnd: string;
  architecture?: string;
  input: { shape: number[] };
  outputs: number[];
  top: { class: number; score: number; probability: number }[];
  layers: { name: string; op: string; shape: number[] }[];
}

let work: string;
const run = (...args: string[]) => cli(['run', ...args], ENGINE_FIXTURES);
const json = (...args: string[]): RunJson => {
  const { status, stdout, stderr } = run(...args, '--json');
  assert.equal(status, 0, stderr);
  return JSON.parse(stdout) as RunJson;
};

before(() => {
  buildCliIfStale();
  work = mkdtempSync(join(tmpdir(), 'weight-lens-run-'));
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('weight-lens run', () => {
  it('runs an ONNX LeNet on an MNIST digit: top classes and every layer shape', () => {
    const result = json('lenet.onnx', '--mnist', '7');
    assert.equal(result.frontEnd, 'ONNX');
    assert.deepEqual(result.input.shape, [1, 1, 28, 28]);
    assert.equal(result.outputs.length, 10);
    assert.equal(result.top.length, 5);
    const probabilities = result.top.map((t) => t.probability);
    assert.deepEqual(
      probabilities,
      [...probabilities].sort((a, b) => b - a),
      'most probable first',
    );
    const shapes = result.layers.map((l) => `${l.op} ${l.shape.join('×')}`);
    assert.deepEqual(shapes.slice(0, 2), ['Conv 1×32×24×24', 'MaxPool 1×32×8×8']);
    assert.equal(shapes.at(-1), 'Gemm 1×10');
  });

  it('gives the ONNX export scores from the state dict and from the pickled module', () => {
    const onnx = json('lenet.onnx', '--mnist', '3').outputs;
    for (const [file, frontEnd] of [
      ['lenet.pt', 'PyTorch'],
      ['lenet.module.pt', 'PyTorch'],
    ] as const) {
      const result = json(file, '--mnist', '3');
      assert.equal(result.frontEnd, frontEnd);
      assert.match(result.architecture ?? '', /^lenet/);
      assert.ok(relativeError(result.outputs, onnx) < 1e-5, file);
    }
  });

  it('reads an image, grey for a one-channel model, and prints a table', () => {
    const canvas = createCanvas(40, 30);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'black';
    ctx.fillRect(0, 0, 40, 30);
    ctx.fillStyle = 'white';
    ctx.fillRect(17, 5, 6, 20);
    writeFileSync(join(work, 'one.png'), canvas.toBuffer('image/png'));
    const { status, stdout, stderr } = run('lenet.onnx', '--input', join(work, 'one.png'), '--top', '3');
    assert.equal(status, 0, stderr);
    assert.match(
      stdout,
      /^lenet\.onnx \(ONNX\) on .*one\.png \[1×1×28×28\], backend (wasm|cpu|tensorflow)\n( {2}class \d: [\d.]+ % \(score -?\d+\.\d{4}\)\n){3}layers:\n/,
    );
  });

  it('refuses bad input with one error line naming the file', () => {
    writeFileSync(join(work, 'notes.txt'), 'not a model');
    assertBadInput(run(join(work, 'notes.txt')), /notes\.txt: .*(not a model|not a weight file)/);
    assertBadInput(run('lenet.onnx', '--mnist', '1', '--input', 'x.png'), /give --input or --mnist, not both/);
    assertBadInput(run('lenet.onnx', '--mnist', '10000'), /--mnist 10000: there are 10000 digits/);
    assertBadInput(run('lenet.onnx', '--input', join(work, 'notes.txt')), /notes\.txt: not an image/);
  });
});
