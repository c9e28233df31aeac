// The built command-line tool, run as a user would: node dist/cli.js ...
import { loadImage } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBadInput, buildCliIfStale, cli, PNG_SIGNATURE } from '../support/cli';

let work: string;

before(() => {
  buildCliIfStale();
  work = mkdtempSync(join(tmpdir(), 'weight-lens-cli-'));
  writeFileSync(join(work, 'one-class.csv'), 'x,y,label\n0,0,1\n1,1,1\n0.5,0.2,1\n');
  writeFileSync(join(work, 'malformed.csv'), 'x,y,label\n0,0,1\n1,oops,0\n');
  writeFileSync(join(work, 'good.csv'), 'x,y,label\n0,0,0\n1,1,1\n0.1,0.2,0\n0.9,0.8,1\n0.2,0.1,0\n0.8,0.9,1\n');
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('train2d', () => {
  it('writes the run as JSON and the lecture grid as PNG', async () => {
    const { status, stdout, stderr } = cli(
      ['train2d', '--iterations', '300', '--hidden', '8', '--json', 'run.json', '--png', 'grid.png'],
      work,
    );
    assert.equal(status, 0, stderr);
    assert.match(stdout, /iteration 300: loss \d+\.\d+, train accuracy [\d.]+ %/);
    assert.match(stderr, /TensorFlow.js backend: (tensorflow|wasm|cpu)/);
    assert.match(stderr, /iteration \d+\/300 loss/, 'progress on stderr');

    const run = JSON.parse(readFileSync(join(work, 'run.json'), 'utf8'));
    assert.deepEqual(Object.keys(run).sort(), ['backend', 'config', 'iterations', 'snapshots']);
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(run.backend));
    assert.equal(run.config.iterations, 300);
    assert.equal(run.config.hidden, 8);
    assert.equal(run.iterations[0], 1);
    assert.equal(run.iterations.at(-1), 300);
    assert.deepEqual(
      run.snapshots.map((s: { iteration: number }) => s.iteration),
      run.iterations,
    );
    for (const s of run.snapshots) {
      assert.equal(s.w.length, 8);
      assert.equal(s.b.length, 8);
      assert.ok(s.w.every((pair: number[]) => pair.length === 2 && pair.every(Number.isFinite)));
      for (const field of ['loss', 'trainAccuracy', 'testAccuracy']) assert.equal(typeof s[field], 'number', field);
    }

    const png = readFileSync(join(work, 'grid.png'));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const image = await loadImage(png);
    assert.equal(image.width, 1200);
    assert.ok(image.height > 600 && image.height < 1100, `height ${image.height}`);
  });

  it('trains on a CSV file', () => {
    const { status, stderr } = cli(['train2d', '--csv', 'good.csv', '--iterations', '20', '--batch', '4'], work);
    assert.equal(status, 0, stderr);
  });

  it('trains on the backend asked for (the pure-JS CPU fallback is in the bundle)', () => {
    const { status, stderr } = cli(['train2d', '--backend', 'cpu', '--iterations', '30', '--json', 'cpu.json'], work);
    assert.equal(status, 0, stderr);
    assert.equal(JSON.parse(readFileSync(join(work, 'cpu.json'), 'utf8')).backend, 'cpu');
  });

  const badInputs: [string, string[], RegExp][] = [
    ['hidden width 0', ['--hidden', '0'], /hidden width.*got 0/],
    ['hidden width 10,000,000', ['--hidden', '10000000'], /hidden width.*got 10000000/],
    ['a negative learning rate', ['--lr', '-0.1'], /learning rate.*got -0\.1/],
    ['a NaN learning rate', ['--lr', 'NaN'], /--lr.*NaN/],
    ['a learning rate that is not a number', ['--lr', 'fast'], /--lr.*fast/],
    ['an unknown dataset', ['--dataset', 'moons'], /--dataset.*moons/],
    ['an unknown activation', ['--activation', 'gelu'], /--activation.*gelu/],
    ['a missing CSV file', ['--csv', 'missing.csv'], /missing\.csv: no such file/],
    ['a malformed CSV', ['--csv', 'malformed.csv'], /malformed\.csv:3:.*1,oops,0/],
    ['a CSV with one class', ['--csv', 'one-class.csv'], /one-class\.csv: .*two classes/],
    ['--csv with another dataset', ['--csv', 'good.csv', '--dataset', 'xor'], /--csv.*--dataset xor/],
    ['an output in a missing folder', ['--json', 'nowhere/run.json'], /cannot write nowhere\/run\.json/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`exits 2 with one error line for ${what}`, () => {
      assertBadInput(cli(['train2d', '--iterations', '5', ...args], work), message);
    });
  }

  it('documents every flag with its default in --help', () => {
    const { status, stdout } = cli(['train2d', '--help'], work);
    assert.equal(status, 0);
    const flags = [
      'dataset',
      'csv',
      'noise',
      'hidden',
      'iterations',
      'batch',
      'lr',
      'optimizer',
      'activation',
      'seed',
      'backend',
      'json',
      'png',
    ];
    for (const flag of flags) assert.match(stdout, new RegExp(`--${flag} <`), flag);
    for (const fallback of ['"disc"', '20', '10000', '100', '0.1', '"sgd"', '"relu"'])
      assert.ok(stdout.includes(`default: ${fallback})`), `default ${fallback}`);
  });
});

describe('weight-lens', () => {
  it('exits 2 on an unknown command', () => {
    const { status, stderr } = cli(['train3d'], work);
    assert.equal(status, 2);
    assert.match(stderr, /^error: unknown command 'train3d'/);
  });
});
