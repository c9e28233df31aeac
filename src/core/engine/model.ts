// A model graph made runnable: its constants on the tfjs backend (convolution kernels laid
// out once as tfjs wants them), and the two things the views ask of it: a forward pass that
// also returns the intermediate values asked for ("taps"), and the gradient, with respect
// to the input, of any scalar function of those taps (tf.grad through every op). Inputs,
// outputs and taps are NCHW, as in PyTorch, whatever runs inside.
import type { Scalar, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { type GraphNode, ModelError, type ModelGraph, validateGraph } from './graph';
import { OP_IMPLEMENTATIONS, opError, type OpContext } from './ops';
import { hostValue, logical, logicalShape, tensorValue, type Value } from './values';
import { type Tf, tfjs } from '../util/tfBackend';
import { errorMessage } from '../util/errorMessage';

/** A tensor's values (row-major, NCHW for images) and shape. */
export interface TensorData {
  shape: number[];
  values: Float32Array;
}

export interface RunResult {
  output: TensorData;
  taps: Map<string, TensorData>;
  /** Every node's first output shape on this input. */
  layers: LayerShape[];
}

/** A scalar to differentiate, from the taps (each NCHW, as the graph means it) and the output. */
export type Objective = (taps: Map<string, Tensor>, tf: Tf) => Scalar;

export interface GradientResult {
  value: number;
  /** d value / d input, shaped as the input. */
  gradient: TensorData;
}

/** The shape of a node's first output on an input: what the CLI and the views list as layers. */
export interface LayerShape {
  name: string;
  op: string;
  output: string;
  shape: number[];
}

export class Model {
  private readonly floats = new Map<string, Tensor>();
  private readonly integers = new Map<string, Value>();
  private readonly kernels = new Map<string, Tensor4D>();

  private constructor(
    readonly graph: ModelGraph,
    private readonly tf: Tf,
    /** Set when gradients run on another backend than the forward pass (and why). */
    readonly gradientBackend: { name: string; reason: string } | undefined,
  ) {}

  /** Validates the graph and reads every constant onto the backend. */
  static async load(graph: ModelGraph): Promise<Model> {
    validateGraph(graph);
    const tf = tfjs();
    const model = new Model(graph, tf, gradientBackendFor(graph, tf));
    try {
      for (const [name, constant] of graph.constants) {
        const values = await constant.read();
        if (constant.kind === 'integer') model.integers.set(name, hostValue(Array.from(values), constant.shape));
        else model.floats.set(name, tf.tensor(values, constant.shape, 'float32'));
      }
    } catch (error) {
      model.dispose();
      throw error instanceof ModelError ? error : new ModelError(graph.source, errorMessage(error));
    }
    return model;
  }

  get inputShape(): (number | undefined)[] {
    return this.graph.inputs[0].shape;
  }

  /** The output (and the taps asked for) of a batch of inputs. */
  run(input: TensorData, taps: string[] = []): RunResult {
    this.checkInput(input);
    const { tf } = this;
    let layers: LayerShape[] = [];
    const results = tf.tidy(() => {
      const x = tf.tensor(input.values, input.shape, 'float32');
      const values = this.forward(x, new Set(taps));
      layers = this.graph.nodes.map((node) => ({
        name: node.name,
        op: node.op,
        output: node.outputs[0],
        shape: logicalShape(values.get(node.outputs[0])!),
      }));
      return [this.graph.outputs[0], ...taps].map((name) => logical(tf, values.get(name)!));
    });
    const [output, ...tapTensors] = results.map((t) => {
      const data = { shape: t.shape, values: t.dataSync() as Float32Array };
      t.dispose();
      return data;
    });
    return { output, taps: new Map(taps.map((name, i) => [name, tapTensors[i]])), layers };
  }

  /** The gradient of `objective` with respect to the input; the output is the tap named by graph.outputs[0]. */
  async inputGradient(input: TensorData, taps: string[], objective: Objective): Promise<GradientResult> {
    this.checkInput(input);
    const { tf } = this;
    const previous = tf.getBackend();
    if (this.gradientBackend) await tf.setBackend(this.gradientBackend.name);
    try {
      const { value, grad: gradient } = tf.tidy(() => {
        const x = tf.tensor(input.values, input.shape, 'float32');
        const names = [this.graph.outputs[0], ...taps];
        return tf.valueAndGrad((xs: Tensor) => {
          const values = this.forward(xs, new Set(taps));
          return objective(new Map(names.map((name) => [name, logical(tf, values.get(name)!)])), tf);
        })(x);
      });
      const result = {
        value: (value.dataSync() as Float32Array)[0],
        gradient: { shape: gradient.shape, values: gradient.dataSync() as Float32Array },
      };
      tf.dispose([value, gradient]);
      return result;
    } finally {
      if (this.gradientBackend) await tf.setBackend(previous);
    }
  }

  dispose(): void {
    this.tf.dispose([...this.floats.values(), ...this.kernels.values()]);
    this.floats.clear();
    this.kernels.clear();
  }

  private checkInput({ shape, values }: TensorData): void {
    const wanted = this.inputShape;
    const fits = shape.length === wanted.length && wanted.every((d, i) => d === undefined || d === shape[i]);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!fits || size !== values.length) {
      const expected = wanted.map((d) => d ?? 'N').join(', ');
      throw new ModelError(this.graph.source, `expects an input [${expected}], got [${shape.join(', ')}]`);
    }
  }

  /** Runs the nodes in order; every value stays until the caller's tidy ends (the gradient tape needs them). */
  private forward(input: Tensor, taps: Set<string>): Map<string, Value> {
    const { tf, graph } = this;
    const values = new Map<string, Value>(this.integers);
    for (const [name, tensor] of this.floats) values.set(name, tensorValue(tensor));
    const x = input.rank === 4 ? tensorValue(tf.transpose(input, [0, 2, 3, 1]), true) : tensorValue(input);
    values.set(graph.inputs[0].name, x);
    for (const node of graph.nodes) {
      const ctx: OpContext = { tf, graph, node, kernel: (name, layout, groups) => this.kernel(name, layout, groups) };
      const outputs = runNode(
        ctx,
        node.inputs.map((name) => (name ? values.get(name) : undefined)),
      );
      node.outputs.forEach((name, i) => {
        if (name && outputs[i]) values.set(name, outputs[i]);
      });
    }
    for (const name of taps) if (!values.has(name)) throw new ModelError(graph.source, `has no value "${name}" to tap`);
    return values;
  }

  /**
   * An OIHW kernel as HWIO (convolution), HWOI turned by 180° (the convolution that is its
   * input gradient) or HWCM (depthwise over `groups` channels, M filters each: PyTorch's
   * output o = c·M + m, as tfjs's), kept for later runs.
   */
  private kernel(name: string, layout: 'HWIO' | 'HWOI' | 'HWCM', groups = 1): Tensor4D {
    const key = `${layout}:${name}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      const { tf } = this;
      const oihw = this.floats.get(name)!;
      const [out, , kh, kw] = oihw.shape;
      kernel = tf.tidy(() => {
        if (layout === 'HWIO') return tf.transpose(oihw, [2, 3, 1, 0]);
        if (layout === 'HWOI') return tf.reverse(tf.transpose(oihw, [2, 3, 0, 1]), [0, 1]);
        return tf.transpose(tf.reshape(oihw, [groups, out / groups, kh, kw]), [2, 3, 0, 1]);
      }) as Tensor4D;
      this.kernels.set(key, tf.keep(kernel));
    }
    return kernel;
  }
}

/** One sample's score for class k: the objective of a saliency map, and of the tests against PyTorch. */
export function classScore(model: Model, k: number, sample = 0): Objective {
  return (taps, tf) => tf.sum(tf.slice(taps.get(model.graph.outputs[0])!, [sample, k], [1, 1]));
}

function runNode(ctx: OpContext, inputs: (Value | undefined)[]): Value[] {
  try {
    return OP_IMPLEMENTATIONS[ctx.node.op](ctx, inputs);
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw opError(ctx, `failed: ${errorMessage(error)}`);
  }
}

/**
 * tfjs-wasm has no gradient kernel for depthwise convolutions (MobileNet's): gradients of a
 * graph holding one run on the CPU backend, which has it.
 */
function gradientBackendFor(graph: ModelGraph, tf: Tf): Model['gradientBackend'] {
  const backend = tf.getBackend();
  const hasDepthwise = graph.nodes.some((node) => isDepthwise(graph, node));
  if (!hasDepthwise || tf.getKernel('DepthwiseConv2dNativeBackpropInput', backend)) return undefined;
  return { name: 'cpu', reason: `the ${backend} backend has no gradient for depthwise convolutions` };
}

function isDepthwise(graph: ModelGraph, node: GraphNode): boolean {
  const group = node.attributes.group;
  return (
    node.op === 'Conv' && typeof group === 'number' && group > 1 && graph.constants.get(node.inputs[1])?.shape[1] === 1
  );
}
