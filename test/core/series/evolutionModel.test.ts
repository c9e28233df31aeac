// The series model over real checkpoints (examples/runs, written by PyTorch) and over a
// folder being written: what the evolution view's folder watcher drives. Files appear,
// grow, are rewritten and deleted in a temporary folder; the model is told of each change
// as the FileSystemWatcher would tell it.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { folderStore, MemoryStore } from '../../../src/core/series/checkpointStore';
import { EvolutionModel, type SeriesEvent } from '../../../src/core/series/evolutionModel';
import type { RetryPolicy } from '../../../src/core/series/halfWritten';
import { parseCsvPoints } from '../../../src/core/mlp/dataset';
import { scoreSnapshot } from '../../../src/core/series/hyperplanes';
import { HistogramFeed, type HistogramRows } from '../../../src/core/series/histograms';

const RUNS = join(import.meta.dirname, '../../../examples/runs');
const FAST: RetryPolicy = { firstDelayMs: 20, maxDelayMs: 80, stableMs: 300 };
const folders: string[] = [];

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'weight-lens-series-'));
  folders.push(folder);
  return folder;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the model's events satisfy `done` (at most 5 s). */
async function until(model: EvolutionModel, done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 5000) throw new Error('timed out');
    await sleep(10);
  }
  void model;
}

after(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

describe('a series of real PyTorch checkpoints', () => {
  it('the lecture MLP: ordered by iteration, hyperplanes at every checkpoint, which classify the points', async () => {
    const folder = join(RUNS, 'disc_mlp');
    const model = new EvolutionModel(folderStore(folder));
    await model.start();
    const names = model.checkpoints.map((c) => c.name);
    assert.equal(names.length, 16);
    assert.deepEqual(
      model.checkpoints.map((c) => c.number),
      [1, 4, 7, 10, 16, 34, 77, 100, 272, 556, 703, 1407, 2222, 2789, 4999, 9999],
    );
    assert.deepEqual(model.seriesLayers, ['0', '2']);
    assert.deepEqual(model.hyperplanes, {
      hidden: { weight: '0.weight', bias: '0.bias', units: 20 },
      output: { weight: '2.weight', bias: '2.bias', classes: 2 },
    });
    const points = parseCsvPoints(readFileSync(join(folder, 'points.csv'), 'utf8'), 'points.csv');
    const [first, last] = [model.checkpoints[0], model.checkpoints[15]];
    assert.ok(first.snapshot && last.snapshot);
    // The snapshot is the file's tensors: unit k's line is 0.weight[k] · x + 0.bias[k] = 0.
    const weight = await model.read(last.name, '0.weight');
    assert.deepEqual(last.snapshot.w[3], [weight[6], weight[7]]);
    assert.equal(last.snapshot.iteration, 9999);
    const early = scoreSnapshot(first.snapshot, 'relu', points, true);
    const trained = scoreSnapshot(last.snapshot, 'relu', points, true);
    assert.ok(early.trainAccuracy < 0.8, `iteration 1 accuracy ${early.trainAccuracy}`);
    assert.ok(trained.trainAccuracy > 0.95, `iteration 9999 accuracy ${trained.trainAccuracy}`);
    assert.ok(trained.loss < 0.15 && trained.loss < early.loss, `loss ${early.loss} → ${trained.loss}`);
    assert.deepEqual(first.distance, [0, 0]);
    assert.ok(last.relative[0]! > first.relative[0]!);
    model.dispose();
  });

  it('LeNet on MNIST: conv filters move most early, relative to where they started', async () => {
    const model = new EvolutionModel(folderStore(join(RUNS, 'lenet')));
    await model.start();
    assert.equal(model.checkpoints.length, 10);
    assert.deepEqual(model.seriesLayers, ['conv1', 'conv2', 'fc1', 'fc2']);
    assert.equal(model.hyperplanes, undefined);
    assert.deepEqual(
      model.tensors.map((t) => [t.name, t.shape.join('×'), t.count]),
      [
        ['conv1.weight', '32×1×5×5', 10],
        ['conv1.bias', '32', 10],
        ['conv2.weight', '64×32×5×5', 10],
        ['conv2.bias', '64', 10],
        ['fc1.weight', '200×256', 10],
        ['fc1.bias', '200', 10],
        ['fc2.weight', '10×200', 10],
        ['fc2.bias', '10', 10],
      ],
    );
    const conv1 = model.checkpoints.map((c) => c.relative[0]!);
    for (let i = 1; i < conv1.length; i++) assert.ok(conv1[i] >= conv1[i - 1] * 0.95, `conv1 distance ${conv1}`);
    assert.ok(conv1[9] > 0.3, `conv1 moved ${conv1[9]} of its initial norm`);
    const rows: HistogramRows[] = [];
    const feed = new HistogramFeed(model, 'conv2.weight', (r) => rows.push(r), 16);
    await feed.restart();
    const counts = rows.flatMap((r) => r.rows);
    assert.equal(counts.length, 10);
    assert.ok(counts.every((r) => r.counts.reduce((a, b) => a + b) === 64 * 32 * 25));
    assert.ok(rows.every((r) => r.edges === rows[0].edges) && rows[0].replace);
    model.dispose();
  });
});

describe('a folder while a run writes it', () => {
  it('new checkpoints join; a half-written one waits, then joins once complete; none is reported', async () => {
    const folder = tempFolder();
    const source = join(RUNS, 'lenet');
    const files = readdirSync(source).sort();
    copyFileSync(join(source, files[0]), join(folder, files[0]));
    const model = new EvolutionModel(folderStore(folder), { policy: FAST });
    const events: SeriesEvent[] = [];
    model.onEvent((e) => events.push(e));
    await model.start();
    assert.deepEqual(model.status(), { scanned: 1, total: 1, waiting: [], problems: [] });

    // The writer has written half of the next checkpoint.
    const bytes = readFileSync(join(source, files[1]));
    writeFileSync(join(folder, files[1]), bytes.subarray(0, bytes.length >> 1));
    await model.notice(files[1]);
    assert.deepEqual(model.status().waiting, [files[1]]);
    assert.equal(model.checkpoints.length, 1);
    await sleep(60);
    assert.deepEqual(model.status().problems, [], 'a file still being written is not reported');

    writeFileSync(join(folder, files[1]), bytes);
    await model.notice(files[1]);
    assert.deepEqual(
      model.checkpoints.map((c) => c.name),
      files.slice(0, 2),
    );
    assert.deepEqual(model.status(), { scanned: 1, total: 1, waiting: [], problems: [] });
    assert.ok(events.some((e) => e.type === 'added' && e.checkpoint.name === files[1]));
    model.dispose();
  });

  it('a half-written file is retried without being told, and reported once it stops changing', async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'step_000001.pt'), readFileSync(join(RUNS, 'lenet', 'step_000005.pt')).subarray(0, 999));
    const model = new EvolutionModel(folderStore(folder), { policy: FAST });
    await model.start();
    assert.deepEqual(model.status().waiting, ['step_000001.pt']);
    await until(model, () => model.status().problems.length > 0);
    const [problem] = model.status().problems;
    assert.equal(problem.name, 'step_000001.pt');
    assert.match(problem.message, /step_000001\.pt/);
    assert.deepEqual(model.status().waiting, []);
    model.dispose();
  });

  it('a file damaged long ago is reported at once; deleting it clears the report', async () => {
    const folder = tempFolder();
    copyFileSync(join(import.meta.dirname, '../../../examples/corrupt.pt'), join(folder, 'iter_3.pt'));
    utimesSync(join(folder, 'iter_3.pt'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const model = new EvolutionModel(folderStore(folder), { policy: FAST });
    await model.start();
    assert.equal(model.status().problems.length, 1);
    rmSync(join(folder, 'iter_3.pt'));
    model.forget('iter_3.pt');
    assert.deepEqual(model.status().problems, []);
    model.dispose();
  });

  it('an earlier checkpoint arriving late becomes the first: distances start over from it', async () => {
    const folder = tempFolder();
    const source = join(RUNS, 'disc_mlp');
    for (const f of ['iter_000100.pt', 'iter_009999.pt']) copyFileSync(join(source, f), join(folder, f));
    const model = new EvolutionModel(folderStore(folder), { policy: FAST });
    const events: SeriesEvent['type'][] = [];
    model.onEvent((e) => events.push(e.type));
    await model.start();
    const before = model.checkpoints[1].distance[0]!;
    copyFileSync(join(source, 'iter_000001.pt'), join(folder, 'iter_000001.pt'));
    await model.notice('iter_000001.pt');
    assert.ok(events.includes('reset'));
    assert.deepEqual(
      model.checkpoints.map((c) => c.name),
      ['iter_000001.pt', 'iter_000100.pt', 'iter_009999.pt'],
    );
    const after = model.checkpoints[2].distance[0]!;
    assert.ok(after > before, `from iteration 1 the last moved more (${after}) than from 100 (${before})`);
    model.dispose();
  });
});

describe('a series in memory (a run training in the extension)', () => {
  it('joins snapshot by snapshot, in step order, with distances and histograms', async () => {
    const store = new MemoryStore('LeNet training');
    const model = new EvolutionModel(store);
    await model.start();
    const conv = (scale: number) => [
      { name: 'conv1.weight', shape: [2, 1, 1, 2], values: Float32Array.from([1, 0, 0, 1].map((v) => v * scale)) },
    ];
    await model.notice(store.add(0, conv(1)));
    await model.notice(store.add(20, conv(3)));
    await model.notice(store.add(10, conv(2)));
    assert.deepEqual(
      model.checkpoints.map((c) => [c.name, c.number, c.distance[0], c.relative[0]]),
      [
        ['step_000000', 0, 0, 0],
        ['step_000010', 10, Math.SQRT2, 1],
        ['step_000020', 20, 2 * Math.SQRT2, 2],
      ],
    );
    await assert.rejects(model.read('step_000099', 'conv1.weight'), /not a checkpoint of LeNet training/);
    const rows: HistogramRows[] = [];
    const feed = new HistogramFeed(model, 'conv1.weight', (r) => rows.push(r), 3);
    await feed.restart();
    assert.deepEqual(rows[0].edges, [0, 1, 2, 3]);
    await model.notice(store.add(30, conv(2.5)));
    await feed.added('step_000030');
    assert.deepEqual(rows.at(-1), {
      tensor: 'conv1.weight',
      edges: [0, 1, 2, 3],
      rows: [{ checkpoint: 'step_000030', counts: [2, 0, 2] }],
      replace: false,
    });
    await model.notice(store.add(40, conv(6)));
    await feed.added('step_000040');
    assert.deepEqual(
      [rows.at(-1)!.replace, rows.at(-1)!.edges, rows.at(-1)!.rows.length],
      [true, [0, 2, 4, 6], 5],
      'wider values: all rows again over wider edges',
    );
    model.dispose();
  });
});
