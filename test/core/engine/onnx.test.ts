// The ONNX front-end and the executor against PyTorch: each fixture model exported by
// torch.onnx.export (opset 11 with its shape sub-graphs and Constant nodes, opset 17 folded)
// runs on PyTorch's input and must give PyTorch's output, two inner activations and the input
// gradient of the top class score, within 1e-4 relative (float32; the gradient as
// assertSameGradient says).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { classScore } from '../../../src/core/engine/model';
import { openModel } from '../../../src/core/engine/openModel';
import { startTestBackend } from '../../support/backend';
import { engineFixtures, engineReference, NO_ENGINE_PYTHON } from '../../support/engineFixtures';
import { assertSameGradient, relativeError } from '../../support/numbers';

const MODELS = ['lenet', 'alexnet_small', 'vgg11_bn', 'resnet18', 'mobilenet_v2', 'squeezenet1_1', 'densenet121'];
const TOLERANCE = 1e-4;

describe('ONNX models run as PyTorch computes them', async () => {
  const dir = await engineFixtures(MODELS);
  before(startTestBackend);

  for (const name of MODELS) {
    for (const [file, tapKey] of [
      [`${name}.onnx`, 'onnx'],
      [`${name}.opset17.onnx`, 'onnx17'],
    ] as const) {
      // Only the files the fixture script writes (no opset-17 or pickled VGG: 515 MB each).
      if (dir && !existsSync(join(dir, file))) continue;
      it(file, { skip: !dir && NO_ENGINE_PYTHON }, async () => {
        const path = join(dir!, file);
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
          const { gradient } = await model.inputGradient(input, [], classScore(model, reference.gradient.class));
          assertSameGradient(gradient.values, reference.gradient.values);
        } finally {
          model.dispose();
        }
      });
    }
  }
});

function assertClose(actual: Float32Array, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  const error = relativeError(actual, expected);
  assert.ok(error < TOLERANCE, `${what}: relative error ${error.toExponential(2)}`);
}
