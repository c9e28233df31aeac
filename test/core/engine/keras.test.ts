// The Keras / TF.js front-end on models laid out as Keras 2, Keras 3 and TensorFlow.js save them
// (test/fixtures/engine/make_keras_fixtures.py wrote them, with what PyTorch computes for the same
// weights): the engine computes the same outputs, taps named after Keras layers come out NCHW,
// input gradients agree, and what it cannot run it names.
//
// The backend's module is imported first on purpose, for running this file by itself (the suite,
// scripts/test.mjs, preloads scripts/tfjsCoreEsm.cjs instead): model.ts imports tfjs-core's
// gradient registrations from the package's ES module build; loaded before tfjs-core's main
// (CommonJS) build, that copy would create the engine, and its tensors' methods would have no op
// handler (Cast's gradient calls dy.clone(): AveragePool's gradient then fails).
import { startTestBackend } from '../../support/backend';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { kerasGraph } from '../../../src/core/engine/kerasGraph';
import { classScore, Model } from '../../../src/core/engine/model';
import { openModel } from '../../../src/core/engine/openModel';
import { openFileSource } from '../../../src/core/formats/byteSource';
import type { WeightFile } from '../../../src/core/formats/weightFile';
import { openZip } from '../../../src/core/formats/zip';
import { assertSameGradient, relativeError } from '../../support/numbers';
import { FIXTURES, storedZip, tempFolder, writeFile } from '../../support/weightFiles';

const DIR = join(FIXTURES, 'engine', 'keras');

interface KerasReference {
  model: string;
  inputShape: number[];
  input: number[];
  output: number[];
  outputShape: number[];
  taps: { names: Record<string, string>; shape: number[]; values: number[] }[];
  gradient: { class: number; values: number[] };
  files: Record<string, 'Keras 2' | 'Keras 3' | 'TF.js'>;
}

const reference = (model: string) => JSON.parse(readFileSync(join(DIR, `${model}.json`), 'utf8')) as KerasReference;

/** d output[0, k] / d input. */

async function withModel<T>(path: string, use: (model: Model) => Promise<T> | T): Promise<T> {
  const model = await openModel(path);
  try {
    return await use(model);
  } finally {
    model.dispose();
  }
}

describe('Keras and TF.js models', () => {
  before(startTestBackend);

  for (const name of ['lenet', 'small']) {
    const ref = reference(name);
    for (const [file, kind] of Object.entries(ref.files)) {
      it(`${name}: ${file} (${kind}) computes what PyTorch computes, its gradient too`, () =>
        withModel(join(DIR, file), async (model) => {
          assert.equal(model.graph.frontEnd, kind === 'TF.js' ? 'TF.js' : 'Keras');
          // Keras's [N, H, W, C] input is NCHW here.
          assert.deepEqual(model.inputShape, [undefined, ...ref.inputShape.slice(1)]);
          const input = { shape: ref.inputShape, values: Float32Array.from(ref.input) };
          const tapNames = ref.taps.map((t) => t.names[file]);
          const { output, taps } = model.run(input, tapNames);
          assert.deepEqual(output.shape, ref.outputShape);
          const error = relativeError(output.values, ref.output);
          assert.ok(error < 1e-4, `output off by ${error}`);
          ref.taps.forEach((tap, i) => {
            const got = taps.get(tapNames[i])!;
            assert.deepEqual(got.shape, tap.shape, tapNames[i]);
            const tapError = relativeError(got.values, tap.values);
            assert.ok(tapError < 1e-4, `tap ${tapNames[i]} off by ${tapError}`);
          });

          const { gradient } = await model.inputGradient(input, [], classScore(model, ref.gradient.class));
          assert.deepEqual(gradient.shape, ref.inputShape);
          assert.ok(gradient.values.every(Number.isFinite), 'finite gradient');
          assert.ok(
            gradient.values.some((v) => v !== 0),
            'non-zero gradient',
          );
          assertSameGradient(gradient.values, ref.gradient.values);
        }));
    }
  }

  it('builds LeNet as ONNX ops over NCHW values, Keras layer names on the nodes that end each layer', () =>
    withModel(join(DIR, 'lenet_keras2.h5'), (model) => {
      const layers = model
        .run({ shape: [1, 1, 28, 28], values: new Float32Array(784) })
        .layers.map((l) => `${l.name} ${l.op} ${l.shape.join('x')}`);
      assert.deepEqual(layers, [
        'conv2d Conv 1x32x24x24',
        'max_pooling2d MaxPool 1x32x8x8',
        'activation Relu 1x32x8x8',
        'conv2d_1 Conv 1x64x4x4',
        'max_pooling2d_1 MaxPool 1x64x2x2',
        'activation_1 Relu 1x64x2x2',
        // Keras flattens channels-last: back to H, W, C order first.
        'flatten/Transpose Transpose 1x2x2x64',
        'flatten Flatten 1x256',
        'dense/Gemm Gemm 1x200',
        'dense Relu 1x200',
        'dense_1 Gemm 1x10',
      ]);
      assert.deepEqual(model.graph.inputs, [{ name: 'conv2d_input', shape: [undefined, 1, 28, 28] }]);
      assert.deepEqual(model.graph.outputs, ['dense_1']);
    }));

  it("finds a Keras 3 layer's weights by its class path (layers/conv2d_1/vars), not by its name (conv2)", () =>
    withModel(join(DIR, 'lenet.keras'), (model) => {
      const conv = model.graph.nodes.find((n) => n.name === 'conv2');
      assert.deepEqual(conv?.inputs, ['relu1', 'conv2/kernel', 'conv2/bias']);
      assert.deepEqual(model.graph.constants.get('conv2/kernel')?.shape, [64, 32, 5, 5]);
    }));

  it("runs make_fixtures.py's TinyLeNet the same from its Keras 3 .keras and its TF.js model.json", async () => {
    const input = { shape: [2, 1, 28, 28], values: Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i)) };
    const keras = await withModel(join(FIXTURES, 'lenet.keras'), (model) => model.run(input).output);
    // This model.json has no InputLayer: its first layer carries batch_input_shape.
    const tfjs = await withModel(join(FIXTURES, 'tfjs', 'model.json'), (model) => model.run(input).output);
    assert.deepEqual(keras.shape, [2, 10]);
    assert.ok(relativeError(tfjs.values, keras.values) < 1e-5);
  });

  describe('layers without weights, from a hand-written config', () => {
    /** A file with no tensors: these models have no weights. */
    const noWeights: WeightFile = {
      format: 'keras',
      path: 'config.json',
      tensors: [],
      metadata: {},
      read: () => Promise.reject(new Error('no weights')),
      close: () => Promise.resolve(),
    };
    const tensor = (layer: string) => ({
      class_name: '__keras_tensor__',
      config: { shape: [], dtype: 'float32', keras_history: [layer, 0, 0] },
    });
    /** A Keras 3 functional model: [class, name, config, inputs] per layer, the first an InputLayer. */
    const functional = (layers: [string, string, Record<string, unknown>, string[]][], output: string) => ({
      class_name: 'Functional',
      config: {
        name: 'hand_written',
        layers: layers.map(([cls, name, config, inputs]) => ({
          class_name: cls,
          name,
          config: { name, ...config },
          inbound_nodes: inputs.length
            ? [{ args: [inputs.length === 1 ? tensor(inputs[0]) : inputs.map(tensor)], kwargs: {} }]
            : [],
        })),
        input_layers: [[layers[0][1], 0, 0]],
        output_layers: [[output, 0, 0]],
      },
    });

    it("reshapes and flattens in Keras's channels-last order", async () => {
      // [N, H, W, C] = [1, 2, 3, 4] in Keras: NCHW [1, 4, 2, 3] here.
      const graph = kerasGraph(
        'config.json',
        'Keras',
        functional(
          [
            ['InputLayer', 'image', { batch_shape: [null, 2, 3, 4] }, []],
            ['Reshape', 'to_3d', { target_shape: [4, 6] }, ['image']],
            ['Reshape', 'to_4d', { target_shape: [3, -1, 4] }, ['to_3d']],
            ['Flatten', 'flatten', {}, ['to_4d']],
          ],
          'flatten',
        ),
        noWeights,
        '3.8.0',
      );
      const model = await Model.load(graph);
      const values = Float32Array.from({ length: 24 }, (_, i) => i);
      const { output, taps } = model.run({ shape: [1, 4, 2, 3], values }, ['to_4d']);
      // Keras's order is H, W, C: value (c, h, w) of the NCHW input is at (h·3 + w)·4 + c.
      const nhwc = [];
      for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) for (let c = 0; c < 4; c++) nhwc.push(c * 6 + h * 3 + w);
      assert.deepEqual([...output.values], nhwc);
      assert.deepEqual(taps.get('to_4d')!.shape, [1, 4, 3, 2]);
      model.dispose();
    });

    it('runs activations, ReLU variants, Rescaling, Subtract, Multiply, Average and Softmax as Keras does', async () => {
      const x = [-2, -0.5, 0, 0.75, 3];
      const layers: [string, string, Record<string, unknown>, string[]][] = [
        ['InputLayer', 'x', { batch_shape: [null, 5] }, []],
        ['ReLU', 'leaky', { max_value: null, negative_slope: 0.1, threshold: 0 }, ['x']],
        ['ReLU', 'relu6', { max_value: 1.5, negative_slope: 0, threshold: 0 }, ['x']],
        ['LeakyReLU', 'leaky_layer', { negative_slope: 0.25 }, ['x']],
        ['ELU', 'elu', { alpha: 0.5 }, ['x']],
        ['Activation', 'selu', { activation: 'selu' }, ['x']],
        ['Activation', 'swish', { activation: 'swish' }, ['x']],
        ['Activation', 'hard_sigmoid', { activation: 'hard_sigmoid' }, ['x']],
        ['Rescaling', 'rescale', { scale: 2, offset: 1 }, ['x']],
        ['Subtract', 'minus', {}, ['rescale', 'x']],
        ['Multiply', 'times', {}, ['x', 'x']],
        ['Average', 'mean', {}, ['x', 'rescale', 'minus']],
        ['Softmax', 'softmax', { axis: -1 }, ['x']],
      ];
      const names = layers.slice(1).map(([, name]) => name);
      const graph = kerasGraph(
        'config.json',
        'Keras',
        functional([...layers, ['Concatenate', 'all', { axis: -1 }, names]], 'all'),
        noWeights,
        '3.8.0',
      );
      const model = await Model.load(graph);
      const { output } = model.run({ shape: [1, 5], values: Float32Array.from(x) });
      const sum = x.reduce((a, v) => a + Math.exp(v), 0);
      const expected = [
        x.map((v) => (v > 0 ? v : 0.1 * v)),
        x.map((v) => Math.min(Math.max(v, 0), 1.5)),
        x.map((v) => (v > 0 ? v : 0.25 * v)),
        x.map((v) => (v > 0 ? v : 0.5 * Math.expm1(v))),
        x.map((v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v))),
        x.map((v) => v / (1 + Math.exp(-v))),
        x.map((v) => Math.min(Math.max(v / 6 + 0.5, 0), 1)), // Keras 3's hard_sigmoid
        x.map((v) => 2 * v + 1),
        x.map((v) => v + 1),
        x.map((v) => v * v),
        x.map((v) => (v + (2 * v + 1) + (v + 1)) / 3),
        x.map((v) => Math.exp(v) / sum),
      ].flat();
      assert.deepEqual(output.shape, [1, expected.length]);
      const error = relativeError(output.values, expected);
      assert.ok(error < 1e-6, `off by ${error}`);
      model.dispose();
    });
  });

  describe('what it cannot run', () => {
    /** lenet.keras with its config.json changed by `edit`. */
    async function editedKeras(t: Parameters<typeof tempFolder>[0], edit: (config: KerasConfig) => void) {
      const source = await openFileSource(join(DIR, 'lenet.keras'));
      const zip = await openZip(source);
      const entries: Record<string, Uint8Array> = {};
      for (const name of zip.entries.keys()) entries[name] = await zip.read(name);
      zip.close();
      await source.close();
      const config = JSON.parse(new TextDecoder().decode(entries['config.json'])) as KerasConfig;
      edit(config);
      entries['config.json'] = new TextEncoder().encode(JSON.stringify(config));
      return writeFile(tempFolder(t), 'edited.keras', storedZip(entries));
    }

    it('names a layer it has no op for: unsupported Keras op "X" (node i, "name")', async (t) => {
      const path = await editedKeras(t, (config) => {
        const relu1 = config.config.layers[3];
        assert.equal(relu1.config.name, 'relu1');
        relu1.class_name = 'UpSampling2D';
      });
      await assert.rejects(openModel(path), {
        message: `${path}: unsupported Keras op "UpSampling2D" (node 3, "relu1")`,
      });
    });

    it('names an activation it has no op for, in a TF.js model.json', async (t) => {
      const folder = tempFolder(t);
      copyFileSync(join(DIR, 'lenet_tfjs', 'group1-shard1of1.bin'), join(folder, 'group1-shard1of1.bin'));
      const json = JSON.parse(readFileSync(join(DIR, 'lenet_tfjs', 'model.json'), 'utf8')) as {
        modelTopology: { model_config: KerasConfig };
      };
      const dense = json.modelTopology.model_config.config.layers[8];
      assert.equal(dense.config.name, 'dense');
      dense.config.activation = 'gelu';
      const path = writeFile(folder, 'model.json', JSON.stringify(json));
      await assert.rejects(openModel(path), {
        message: `${path}: unsupported TF.js op "gelu activation" (node 8, "dense")`,
      });
    });

    it('says what is wrong with a layer whose weights do not fit its config', async (t) => {
      const path = await editedKeras(t, (config) => {
        config.config.layers[4].config.filters = 48; // conv2 has 64 filters
      });
      await assert.rejects(
        openModel(path),
        /Conv2D "conv2" has a weight "layers\/conv2d_1\/vars\/0" of shape \[5, 5, 32, 64\]/,
      );
    });

    it('refuses a weights-only .h5 (save_weights): it holds no model', async () => {
      await assert.rejects(openModel(join(FIXTURES, 'lenet_keras.h5')), /holds weights only \(no model_config/);
    });
  });
});

interface KerasConfig {
  config: { layers: { class_name: string; config: Record<string, unknown> & { name: string } }[] };
}
