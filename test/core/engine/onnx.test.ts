// The ONNX front-end and the executor against PyTorch: each fixture model exported by
// torch.onnx.export (opset 11 with its shape sub-graphs and Constant nodes, opset 17 folded)
// runs on PyTorch's input and must give PyTorch's output, two inner activations and the input
// gradient of the top class score, within 1e-4 relative (float32). A gradient through many
// max-pool windows may route a few of them to another cell than PyTorch does (two values of
// a window within float32 rounding of each other: VGG-11 at 224×224, where 1.7 % of the
// input's cells then differ); it must then still point the same way, cosine ≥ 1 − 1e-5.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Model } from '../../../src/core/engine/model';
import { openModel } from '../../../src/core/engine/openModel';
import { startTestBackend } from '../../support/backend';
import { engineFixtures, engineReference, NO_ENGINE_PYTHON } from '../../support/engineFixtures';
import { relativeError } from '../../support/numbers';

const MODELS = ['lenet', 'alexnet_small', 'vgg11_bn', 'resnet18', 'mobilenet_v2', 'squeezenet1_1', 'densenet121'];
const TOLERANCE = 1e-4;
const COSINE_TOLERANCE = 1e-5;

describe('ONNX models run as PyTorch computes them', async () => {
  const dir = await engineFixtures(MODELS);
  before(startTestBackend);

  for (const name of MODELS) {
    for (const [file, tapKey] of [
      [`${name}.onnx`, 'onnx'],
      [`${name}.opset17.onnx`, 'onnx17'],
    ] as const) {
      it(file, { skip: !dir && NO_ENGINE_PYTHON }, async (t) => {
        const path = join(dir!, file);
        if (!existsSync(path)) return t.skip(`the fixture script writes no ${file}`);
        const reference = engineReference(dir!, name);
        const model = await openModel(path);
        try {
          const input = { shape: reference.inputShape, values: Float32Array.from(reference.input) };
          const taps = reference.taps.map((tap) => tap[tapKey]!);
          const { output, taps: values } = model.run(input, taps);
          assert.deepEqual(output.shape, reference.outputShape);
          assertClose(output.values, reference.output, 'output');
          reference.taps.forEach((tap, i) => {
            const value = values.get(taps[i])!;
            assert.deepEqual(value.shape, tap.shape, tap.module);
            assertClose(value.values, tap.values, `tap ${tap.module}`);
          });
          const { gradient } = await classGradient(model, input, reference.gradient.class);
          assertSameGradient(gradient.values, reference.gradient.values);
        } finally {
          model.dispose();
        }
      });
    }
  }
});

function classGradient(model: Model, input: { shape: number[]; values: Float32Array }, k: number) {
  return model.inputGradient(input, [], (taps, tf) =>
    tf.sum(tf.slice(taps.get(model.graph.outputs[0])!, [0, k], [1, 1])),
  );
}

function assertSameGradient(actual: Float32Array, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  const error = relativeError(actual, expected);
  const cosine = cosineSimilarity(actual, expected);
  const what = `relative error ${error.toExponential(2)}, 1 − cosine ${(1 - cosine).toExponential(2)}`;
  assert.ok(error < TOLERANCE || 1 - cosine < COSINE_TOLERANCE, `input gradient: ${what}`);
}

function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [dot, aa, bb] = [0, 0, 0];
  for (let i = 0; i < b.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
}

function assertClose(actual: Float32Array, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  const error = relativeError(actual, expected);
  assert.ok(error < TOLERANCE, `${what}: relative error ${error.toExponential(2)}`);
}
