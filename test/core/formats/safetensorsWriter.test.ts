import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memorySource } from '../../../src/core/formats/byteSource';
import { readWeightSource } from '../../../src/core/formats/openWeightFile';
import { encodeSafetensors } from '../../../src/core/formats/safetensorsWriter';
import type { TensorValues } from '../../../src/core/formats/weightFile';
import { tempFolder, writeFile } from '../../support/weightFiles';
import { NO_TORCH, torchPython, torchRead } from '../../support/torch';

const TENSORS: [string, TensorValues][] = [
  ['conv.weight', { shape: [2, 1, 2, 3], values: Float32Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3) }],
  ['conv.bias', { shape: [2], values: new Float32Array([1e-30, -3.4e38]) }],
  ['empty', { shape: [0, 4], values: new Float32Array() }],
  ['scalar', { shape: [], values: new Float32Array([Math.PI]) }],
];
const METADATA = { format: 'pt', producer: 'weight-lens' };

describe('safetensors writer', () => {
  it('writes what our reader reads back: names in order, shapes, values, metadata', async () => {
    const file = await readWeightSource(memorySource('w.safetensors', encodeSafetensors(TENSORS, METADATA)));
    assert.equal(file.format, 'safetensors');
    assert.deepEqual(file.metadata, METADATA);
    assert.deepEqual(
      file.tensors.map((t) => [t.name, t.dtype, t.shape]),
      TENSORS.map(([name, t]) => [name, 'float32', t.shape]),
    );
    for (const [name, t] of TENSORS) assert.deepEqual(await file.read(name), t.values, name);
    await file.close();
  });

  it('lays the file out as the reference library: header padded with spaces to 8 bytes, data contiguous', () => {
    const bytes = encodeSafetensors(TENSORS, METADATA);
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(length % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    assert.match(text, /^\{.*\} {0,7}$/);
    const header = JSON.parse(text);
    assert.deepEqual(Object.keys(header), ['__metadata__', ...TENSORS.map(([name]) => name)]);
    assert.deepEqual(header['conv.weight'], { dtype: 'F32', shape: [2, 1, 2, 3], data_offsets: [0, 48] });
    assert.deepEqual(header['conv.bias'].data_offsets, [48, 56]);
    assert.deepEqual(header.empty.data_offsets, [56, 56]);
    assert.deepEqual(header.scalar.data_offsets, [56, 60]);
    assert.equal(bytes.length, 8 + length + 60);
  });

  it('refuses a shape that does not match the values, and a reserved or repeated name', () => {
    const values = new Float32Array(5);
    assert.throws(() => encodeSafetensors([['a', { shape: [2, 3], values }]]), /holds 6 values, got 5/);
    assert.throws(() => encodeSafetensors([['__metadata__', { shape: [5], values }]]), /reserved or repeated/);
    assert.throws(
      () =>
        encodeSafetensors([
          ['a', { shape: [5], values }],
          ['a', { shape: [5], values }],
        ]),
      /reserved or repeated/,
    );
  });

  it('writes what PyTorch reads by hand (struct, json, torch.frombuffer)', (t) => {
    const python = torchPython();
    if (!python) return t.skip(NO_TORCH);
    const path = writeFile(tempFolder(t), 'w.safetensors', encodeSafetensors(TENSORS, METADATA));
    const { metadata, tensors } = torchRead(python, path);
    assert.deepEqual(metadata, METADATA);
    assert.deepEqual(
      Object.keys(tensors),
      TENSORS.map(([name]) => name),
    );
    for (const [name, { shape, values }] of TENSORS) {
      assert.deepEqual(tensors[name].shape, shape, name);
      assert.deepEqual(Float32Array.from(tensors[name].values), values, name);
    }
  });
});
