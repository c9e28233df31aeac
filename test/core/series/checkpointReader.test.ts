import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointReader } from '../../../src/core/series/checkpointReader';
import { folderStore, MemoryStore } from '../../../src/core/series/checkpointStore';

/** A store that counts what is opened, read and closed. */
function countingStore(checkpoints: number) {
  const store = new MemoryStore('counted');
  const counts = { opened: 0, read: 0, closed: 0 };
  const names = Array.from({ length: checkpoints }, (_, i) =>
    store.add(i, [{ name: 't', shape: [256], values: new Float32Array(256).fill(i) }]),
  );
  const open = store.open.bind(store);
  store.open = async (name) => {
    counts.opened++;
    const file = await open(name);
    return {
      ...file,
      read: (tensor) => (counts.read++, file.read(tensor)),
      close: async () => void counts.closed++,
    };
  };
  return { store, counts, names };
}

describe('CheckpointReader', () => {
  it('reads a tensor once for concurrent requests, then from its cache', async () => {
    const { store, counts, names } = countingStore(1);
    const reader = new CheckpointReader(store, { cacheBytes: 1 << 20, openFiles: 2 });
    const [a, b] = await Promise.all([reader.read(names[0], 't'), reader.read(names[0], 't')]);
    assert.equal(a, b);
    await reader.read(names[0], 't');
    assert.deepEqual(counts, { opened: 1, read: 1, closed: 0 });
  });

  it('keeps tensors within its byte bound and files within its count, closing evicted files', async () => {
    const { store, counts, names } = countingStore(6);
    const reader = new CheckpointReader(store, { cacheBytes: 3 * 1024, openFiles: 2 });
    for (const name of names) await reader.read(name, 't');
    assert.deepEqual(counts, { opened: 6, read: 6, closed: 4 });
    assert.ok(!reader.has(names[2], 't') && reader.has(names[3], 't') && reader.has(names[5], 't'));
  });

  it('forgets a changed checkpoint, even a read that was under way', async () => {
    const { store, counts, names } = countingStore(1);
    const reader = new CheckpointReader(store, { cacheBytes: 1 << 20, openFiles: 2 });
    const underWay = reader.read(names[0], 't');
    reader.forget(names[0]);
    await underWay;
    assert.ok(!reader.has(names[0], 't'), 'values read before the change are not kept');
    await reader.read(names[0], 't');
    assert.equal(counts.read, 2);
  });
});

describe('folderStore', () => {
  it('opens files directly in its folder only', async () => {
    const store = folderStore(join(import.meta.dirname, '../../../examples/runs/lenet'));
    await assert.rejects(store.open('../lenet.pt'), /is not a file of/);
    await assert.rejects(store.readText('../../package.json'), /is not a file of/);
    assert.equal(await store.stat('..'), undefined);
    assert.equal((await store.list()).length, 10);
  });
});
