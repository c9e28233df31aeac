import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openWeightFile } from '../../../src/core/formats/openWeightFile';
import {
  assertBadFile,
  assertNoPollution,
  copyFixture,
  itReadsEveryFixture,
  fixtureBytes,
  storedZip,
  tempFolder,
  writeFile,
} from '../../support/weightFiles';

type H5File = InstanceType<(typeof import('h5wasm'))['File']>;

/** An HDF5 file written by h5wasm in its in-memory file system, as bytes. */
async function hdf5(build: (file: H5File) => void): Promise<Uint8Array> {
  const h5 = await import('h5wasm');
  const { FS } = await h5.ready;
  const name = `/test-${Math.random().toString(36).slice(2)}.h5`;
  const file = new h5.File(name, 'w');
  build(file);
  file.close();
  const bytes = FS.readFile(name);
  FS.unlink(name);
  return bytes;
}

describe('Keras HDF5', () => {
  itReadsEveryFixture('keras');

  it('knows .h5, .weights.h5 and .keras by their bytes, whatever the name; metadata from the file', async (t) => {
    const folder = tempFolder(t);
    const metadata: Record<string, Record<string, string>> = {
      'lenet_keras.h5': { keras_version: '2.12.0', backend: 'tensorflow' },
      'lenet.weights.h5': {},
      'lenet.keras': { keras_version: '3.3.3', date_saved: '2024-01-01@00:00:00' },
    };
    for (const [fixture, expected] of Object.entries(metadata)) {
      const file = await openWeightFile(copyFixture(fixture, folder, 'weights.bin'));
      assert.equal(file.format, 'keras');
      assert.deepEqual(file.metadata, expected, fixture);
      await file.close();
    }
  });

  it('treats __proto__ and constructor as ordinary dataset names; skips links and strings', async (t) => {
    const bytes = await hdf5((f) => {
      f.create_dataset({ name: '__proto__', data: new Float32Array([1, 2]) });
      f.create_group('constructor').create_dataset({ name: 'prototype', data: new Int16Array([3]) });
      f.create_dataset({ name: 'note', data: 'not a tensor' });
      f.create_soft_link('/constructor', 'alias');
      f.create_external_link('elsewhere.h5', '/x', 'outside');
    });
    const file = await openWeightFile(writeFile(tempFolder(t), 'p.h5', bytes));
    assert.deepEqual(
      file.tensors.map((x) => [x.name, x.dtype]),
      [
        ['__proto__', 'float32'],
        ['constructor/prototype', 'int16'],
      ],
    );
    assert.deepEqual([...(await file.read('__proto__'))], [1, 2]);
    assert.deepEqual([...(await file.read('constructor/prototype'))], [3]);
    await file.close();
    assertNoPollution();
  });

  it('lists Keras 2 layers in layer_names order and their weights in weight_names order', async (t) => {
    const bytes = await hdf5((f) => {
      f.create_attribute('layer_names', ['dense', 'conv2d']);
      for (const layer of ['conv2d', 'dense']) {
        const group = f.create_group(layer);
        group.create_attribute('weight_names', [`${layer}/kernel:0`, `${layer}/bias:0`]);
        const inner = group.create_group(layer);
        inner.create_dataset({ name: 'bias:0', data: new Float32Array([0]) });
        inner.create_dataset({ name: 'kernel:0', data: new Float32Array([1]) });
      }
    });
    const file = await openWeightFile(writeFile(tempFolder(t), 'order.h5', bytes));
    assert.deepEqual(
      file.tensors.map((x) => x.name),
      ['dense/dense/kernel:0', 'dense/dense/bias:0', 'conv2d/conv2d/kernel:0', 'conv2d/conv2d/bias:0'],
    );
    await file.close();
  });

  describe('bad input', () => {
    const bad = (t: Parameters<typeof tempFolder>[0], name: string, bytes: Uint8Array, problem: RegExp) =>
      assertBadFile(writeFile(tempFolder(t), name, bytes), problem);

    it('truncated files and random bytes', async (t) => {
      const whole = fixtureBytes('lenet_keras.h5');
      await bad(t, 'bad.h5', whole.subarray(0, whole.length / 2), /not a readable HDF5 file \(truncated file/);
      const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
      random.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
      await bad(t, 'bad.h5', random, /not a readable HDF5 file/);
      const keras = storedZip({ 'model.weights.h5': whole.subarray(0, 1000) });
      await bad(t, 'bad.keras', keras, /not a readable HDF5 file/);
    });

    it('hard links that form a cycle or fan out (2^40 paths): each group is entered once', async (t) => {
      const folder = tempFolder(t);
      const cycle = await hdf5((f) => {
        f.create_group('a').create_dataset({ name: 'w', data: new Float32Array([1]) });
        f.create_hard_link('/a', '/a/again');
      });
      const fan = await hdf5((f) => {
        f.create_group('g40').create_dataset({ name: 'w', data: new Float32Array([1]) });
        for (let level = 39; level >= 0; level--) {
          f.create_group(`g${level}`);
          f.create_hard_link(`/g${level + 1}`, `/g${level}/a`);
          f.create_hard_link(`/g${level + 1}`, `/g${level}/b`);
        }
      });
      for (const [name, bytes] of [
        ['cycle.h5', cycle],
        ['fan.h5', fan],
      ] as const) {
        const start = performance.now();
        const file = await openWeightFile(writeFile(folder, name, bytes));
        assert.equal(file.tensors.length, 1, name);
        assert.deepEqual([...(await file.read(file.tensors[0].name))], [1]);
        await file.close();
        assert.ok(performance.now() - start < 1000, name);
      }
    });
  });
});
