import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkpointCandidates,
  checkpointNumber,
  insertionIndex,
  layerOf,
  pointsFileOf,
  seriesTensors,
} from '../../../src/core/series/checkpointSeries';
import { FetchQueue } from '../../../src/core/series/fetchQueue';
import { Lru } from '../../../src/core/util/lru';

describe('checkpoint names', () => {
  it('take the number after a counter, the finest counter, else the last number', () => {
    const cases: [string, number | undefined][] = [
      ['iter_000100.pt', 100],
      ['epoch=3.ckpt', 3],
      ['step-20.safetensors', 20],
      ['model_5.pth', 5],
      ['epoch=3-step=1200.ckpt', 1200],
      ['lenet5_epoch_7.pt', 7],
      ['checkpoint-500.bin', 500],
      ['Iteration 12.npz', 12],
      ['global_step_40.pt', 40],
      ['weights.h5', undefined],
      ['final.safetensors', undefined],
      ['unit3.pt', 3],
    ];
    for (const [name, number] of cases) assert.equal(checkpointNumber(name), number, name);
  });

  it('order a folder by number, numberless after, ties by name; other files are not candidates', () => {
    const listing = [
      'points.csv',
      'final.pt',
      'iter_10.pt',
      'iter_9.pt',
      'README.md',
      'best.pt',
      'b_100.safetensors',
      'a_100.safetensors',
      'iter_000001.pt',
      'notes.pt.txt',
    ];
    assert.deepEqual(
      checkpointCandidates(listing).map((c) => c.name),
      ['iter_000001.pt', 'iter_9.pt', 'iter_10.pt', 'a_100.safetensors', 'b_100.safetensors', 'best.pt', 'final.pt'],
    );
  });

  it('insert a new checkpoint where the order puts it', () => {
    const series = checkpointCandidates(['s_1.pt', 's_5.pt', 's_9.pt', 'last.pt']);
    assert.equal(insertionIndex(series, { name: 's_7.pt', number: 7 }), 2);
    assert.equal(insertionIndex(series, { name: 's_0.pt', number: 0 }), 0);
    assert.equal(insertionIndex(series, { name: 's_10.pt', number: 10 }), 3);
    assert.equal(insertionIndex(series, { name: 'zz.pt' }), 4);
  });
});

describe('series tensors', () => {
  it('match by name across checkpoints, counting those with the first shape', () => {
    const conv = { name: 'conv1.weight', dtype: 'float32' as const, shape: [32, 1, 5, 5], layout: 'OIHW' as const };
    const bias = { name: 'conv1.bias', dtype: 'float32' as const, shape: [32] };
    const wider = { ...bias, shape: [64] };
    const extra = { name: 'fc.weight', dtype: 'float32' as const, shape: [10, 4] };
    assert.deepEqual(seriesTensors([[conv, bias], [conv, wider, extra], [conv]]), [
      { name: 'conv1.weight', shape: [32, 1, 5, 5], layout: 'OIHW', count: 3 },
      { name: 'conv1.bias', shape: [32], count: 1 },
      { name: 'fc.weight', shape: [10, 4], count: 1 },
    ]);
  });

  it('group a layer’s weight and bias', () => {
    assert.equal(layerOf('features.0.weight'), 'features.0');
    assert.equal(layerOf('0.bias'), '0');
    assert.equal(layerOf('scale'), 'scale');
  });
});

describe('Lru', () => {
  it('keeps the most recently used entries within the byte capacity and reports evictions', () => {
    const evicted: string[] = [];
    const lru = new Lru<Float32Array>({
      capacity: 40,
      weigh: (v) => v.byteLength,
      onEvict: (_, key) => evicted.push(key),
    });
    lru.set('a', new Float32Array(4));
    lru.set('b', new Float32Array(4));
    lru.get('a');
    lru.set('c', new Float32Array(4));
    assert.deepEqual(evicted, ['b']);
    assert.ok(lru.has('a') && lru.has('c'));
    assert.equal(lru.weight, 32);
    lru.set('huge', new Float32Array(100));
    assert.ok(!lru.has('huge'), 'a value heavier than the capacity is not kept');
    lru.deleteWhere((k) => k === 'a');
    assert.deepEqual([lru.size, lru.weight], [1, 16]);
  });
});

describe('FetchQueue', () => {
  it('serves the newest request first, moving repeated wants up and dropping the oldest', () => {
    const queue = new FetchQueue(4);
    const f = (checkpoint: string) => ({ checkpoint, tensor: 't' });
    queue.want([f('1'), f('2'), f('3')]);
    queue.want([f('5'), f('2'), f('5')]);
    queue.want([f('9'), f('8')]);
    const order: string[] = [];
    for (let next = queue.next(); next; next = queue.next()) order.push(next.checkpoint);
    assert.deepEqual(order, ['9', '8', '5', '2']);
  });
});

describe('the points beside a series', () => {
  it('are in points.csv, data.csv or dataset.csv, else the only CSV', () => {
    assert.equal(pointsFileOf(['iter_1.pt', 'Data.csv', 'x.csv']), 'Data.csv');
    assert.equal(pointsFileOf(['iter_1.pt', 'moons.csv']), 'moons.csv');
    assert.equal(pointsFileOf(['a.csv', 'b.csv']), undefined);
    assert.equal(pointsFileOf(['iter_1.pt']), undefined);
  });
});
