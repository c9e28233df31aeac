import assert from 'node:assert/strict';
import { cpSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openWeightFile } from '../../../src/core/formats/openWeightFile';
import {
  FIXTURES,
  assertBadFile,
  assertOrdinaryProtoNames,
  itReadsEveryFixture,
  float32Bytes,
  tempFolder,
  writeFile,
} from '../../support/weightFiles';

type Weight = { name: string; shape: number[]; dtype: string; quantization?: object };

/** A model.json of one weight group over `paths`, written with its shards into `folder`. */
function model(folder: string, weights: Weight[], shards: Record<string, Uint8Array>, paths = Object.keys(shards)) {
  for (const [name, bytes] of Object.entries(shards)) writeFile(folder, name, bytes);
  return writeFile(
    folder,
    'model.json',
    JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths, weights }] }),
  );
}

describe('TF.js', () => {
  itReadsEveryFixture('tfjs');

  it('knows model.json by its contents, whatever the name', async (t) => {
    const folder = tempFolder(t);
    cpSync(join(FIXTURES, 'tfjs'), folder, { recursive: true });
    renameSync(join(folder, 'model.json'), join(folder, 'lenet.weights'));
    const file = await openWeightFile(join(folder, 'lenet.weights'));
    assert.equal(file.format, 'tfjs');
    assert.equal(file.metadata.generatedBy, 'keras v2.12.0');
    await file.close();
  });

  it('reads a weight split across shards, float16 and uint16 quantization', async (t) => {
    const folder = tempFolder(t);
    const data = float32Bytes([1, 2, 3]);
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer); // 1, -2
    const u16 = new Uint8Array(new Uint16Array([0, 2, 65535]).buffer);
    const path = model(
      folder,
      [
        { name: 'w', shape: [3], dtype: 'float32' },
        { name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'q', shape: [3], dtype: 'int32', quantization: { dtype: 'uint16', min: -1, scale: 0.25 } },
      ],
      { 'a.bin': data.subarray(0, 5), 'b.bin': new Uint8Array([...data.subarray(5), ...half, ...u16]) },
    );
    const file = await openWeightFile(path);
    assert.deepEqual([...(await file.read('w'))], [1, 2, 3]);
    assert.deepEqual([...(await file.read('h'))], [1, -2]);
    // q × scale + min, rounded for int32 weights: -1, -0.5 → -0 (round half up), 16382.75 → 16383.
    assert.deepEqual([...(await file.read('q'))], [-1, -0, 16383]);
    assert.deepEqual(
      file.tensors.map((x) => x.dtype),
      ['float32', 'float32', 'float32'],
    );
    await file.close();
  });

  it('treats __proto__ and constructor as ordinary weight names', async (t) => {
    const path = model(
      tempFolder(t),
      [
        { name: '__proto__', shape: [2], dtype: 'float32' },
        { name: 'constructor', shape: [], dtype: 'float32' },
      ],
      { 'w.bin': float32Bytes([1, 2, 3]) },
    );
    await assertOrdinaryProtoNames(path);
  });

  describe('bad input', () => {
    const w = (shape: number[]): Weight[] => [{ name: 'w', shape, dtype: 'float32' }];

    it('a manifest pointing outside its folder', async (t) => {
      const folder = tempFolder(t);
      writeFile(folder, 'secret.bin', float32Bytes([1]));
      mkdirSync(join(folder, 'model'));
      const path = model(join(folder, 'model'), w([1]), {}, ['../secret.bin']);
      await assertBadFile(path, /refers to "..\/secret.bin", outside the model's folder/);
      await assertBadFile(model(join(folder, 'model'), w([1]), {}, [join(folder, 'secret.bin')]), /outside/);
    });

    it('shards shorter than the weights', async (t) => {
      await assertBadFile(
        model(tempFolder(t), w([3]), { 'w.bin': float32Bytes([1, 2]) }),
        /needs bytes 0–12 of shards holding 8/,
      );
    });

    it('a shape whose size overflows', async (t) => {
      await assertBadFile(
        model(tempFolder(t), w([2 ** 31, 2 ** 31, 2 ** 31]), { 'w.bin': new Uint8Array(4) }),
        /overflows/,
      );
    });

    it('string weights and unknown quantization', async (t) => {
      const strings = [{ name: 's', shape: [1], dtype: 'string' }];
      await assertBadFile(model(tempFolder(t), strings, { 'w.bin': new Uint8Array(8) }), /dtype "string"/);
      const odd = [{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'int4' } }];
      await assertBadFile(model(tempFolder(t), odd, { 'w.bin': new Uint8Array(8) }), /unknown quantization/);
    });

    it('a manifest that is not one', async (t) => {
      const folder = tempFolder(t);
      await assertBadFile(
        writeFile(folder, 'model.json', '{"weightsManifest": {}}'),
        /"weightsManifest" is not a list/,
      );
      await assertBadFile(
        writeFile(folder, 'model.json', '{"weightsManifest": [{"paths": []}]}'),
        /without "paths" and "weights"/,
      );
      await assertBadFile(writeFile(folder, 'model.json', '{"weightsManifest": [{'), /not valid JSON/);
    });
  });
});
