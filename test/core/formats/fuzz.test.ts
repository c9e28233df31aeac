// Every reader under fuzzing: fixtures with a few
// bytes changed (mostly in their headers) and cut short either open and read, or fail with a
// WeightFileError — no other exception, no hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { memorySource } from '../../../src/core/formats/byteSource';
import { readWeightSource } from '../../../src/core/formats/openWeightFile';
import { WeightFileError } from '../../../src/core/formats/weightFile';
import { fixtureBytes } from '../../support/weightFiles';

/** Fixture → its siblings (shards, external data), by the name the file refers to them. */
const FIXTURES: Record<string, Record<string, string>> = {
  'checkpoint.pt': {},
  'views.pt': {},
  'dtypes.pt': {},
  'legacy.pt': {},
  'torchscript.pt': {},
  'whole_module.pt': {},
  'lenet.safetensors': {},
  'bf16.safetensors': {},
  'sharded/model.safetensors.index.json': {
    'model-00001-of-00002.safetensors': 'sharded/model-00001-of-00002.safetensors',
    'model-00002-of-00002.safetensors': 'sharded/model-00002-of-00002.safetensors',
  },
  'conv1.npy': {},
  'fortran.npy': {},
  'lenet.npz': {},
  'lenet_compressed.npz': {},
  'lenet.onnx': {},
  'typed_fields.onnx': {},
  'external/model.onnx': { 'weights.bin': 'external/weights.bin' },
  'lenet_keras.h5': {},
  'lenet.weights.h5': {},
  'lenet.keras': {},
  'tfjs/model.json': {
    'group1-shard1of2.bin': 'tfjs/group1-shard1of2.bin',
    'group1-shard2of2.bin': 'tfjs/group1-shard2of2.bin',
  },
  'tfjs_quantized/model.json': { 'group1-shard1of1.bin': 'tfjs_quantized/group1-shard1of1.bin' },
};
/** Headers and manifests sit in the first kilobytes, zip directories in the last ones. */
const HEAD = 4096;
type Place = 'head' | 'tail' | 'anywhere';

describe('every reader under fuzzing', () => {
  for (const [fixture, siblingFiles] of Object.entries(FIXTURES)) {
    it(fixture, async () => {
      const original = fixtureBytes(fixture);
      const siblings = Object.fromEntries(Object.entries(siblingFiles).map(([name, f]) => [name, fixtureBytes(f)]));
      const place = fc.constantFrom<Place>('head', 'tail', 'anywhere');
      const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), place);
      await fc.assert(
        fc.asyncProperty(
          fc.array(edit, { minLength: 1, maxLength: 6 }),
          fc.option(fc.nat(original.length)),
          async (edits, cut) => {
            const bytes = new Uint8Array(original);
            for (const [at, value, where] of edits) {
              const offset = at % (where === 'anywhere' ? bytes.length : Math.min(bytes.length, HEAD));
              bytes[where === 'tail' ? bytes.length - 1 - offset : offset] = value;
            }
            const start = performance.now();
            try {
              const file = await readWeightSource(
                memorySource(fixture, bytes.subarray(0, cut ?? bytes.length), siblings),
              );
              for (const t of file.tensors) await file.read(t.name);
              await file.close();
            } catch (error) {
              if (!(error instanceof WeightFileError)) throw error;
            }
            assert.ok(performance.now() - start < 1000);
          },
        ),
        { numRuns: 200, seed: 559 },
      );
    });
  }
});
