// The Keras / TF.js front-end: a Keras model's JSON — the `model_config` attribute of a Keras
// .h5, the `config.json` of a Keras 3 .keras, the `modelTopology` of a TF.js layers model —
// as a model graph, for Sequential and functional models of Keras 2 and 3 (they differ in
// how a layer names its inputs: lists `[layer, node, tensor, kwargs]` in Keras 2 and TF.js,
// `__keras_tensor__` arguments in Keras 3). Weights stay in the file and are read through the
// Keras and TF.js weight readers when the model loads (see LayerWeights for how a layer's
// weights are found).
//
// Keras computes channels-last; the graph means NCHW, as PyTorch does. So the input is
// [N, C, H, W] where Keras has [N, H, W, C], kernels become OIHW (transposed as they are read),
// channel axes (Concatenate, Softmax, BatchNormalization) become axis 1, padding 'same' is
// SAME_UPPER (TensorFlow pads the odd pixel at the end), and before a Flatten or Reshape of an
// image the values are put back into Keras's H, W, C order, so that the dense layer after
// them sees its inputs in the order its kernel was trained on. Keras's average pooling never
// counts padding, and neither does AveragePool here.
import {
  type AttributeValue,
  type FrontEnd,
  type GraphConstant,
  type GraphInput,
  type GraphNode,
  ModelError,
  type ModelGraph,
  type OpType,
  unsupportedOp,
} from './graph';
import type { LoadedGraph } from './onnxGraph';
import { readKerasH5Model, readKerasZipModel } from '../formats/keras';
import { isRecord } from '../formats/tensorTable';
import { readTfjsModel } from '../formats/tfjs';
import type { ByteSource, TensorInfo, WeightFile } from '../formats/weightFile';
import type { ZipArchive } from '../formats/zip';
import { errorMessage } from '../util/errorMessage';

type Json = Record<string, unknown>;
type KerasFrontEnd = Extract<FrontEnd, 'Keras' | 'TF.js'>;

/** A Keras .h5 saved with `model.save` (Keras 2, or Keras 3's legacy h5): `model_config` and `model_weights`. */
export async function kerasH5Graph(source: ByteSource): Promise<LoadedGraph> {
  const { weights, config } = await readKerasH5Model(source);
  return loaded(weights, () => {
    if (config === undefined) {
      throw new ModelError(
        source.path,
        'holds weights only (no model_config: save the whole model with model.save, not save_weights)',
      );
    }
    return kerasGraph(source.path, 'Keras', parseJson(source.path, config, 'model_config'), weights);
  });
}

/** A Keras 3 .keras archive: `config.json` and `model.weights.h5`. */
export async function kerasZipGraph(source: ByteSource, zip: ZipArchive): Promise<LoadedGraph> {
  const { weights, config } = await readKerasZipModel(source, zip);
  return loaded(weights, () => {
    if (config === undefined) throw new ModelError(source.path, 'has no config.json');
    return kerasGraph(source.path, 'Keras', parseJson(source.path, config, 'config.json'), weights);
  });
}

/** A TF.js layers model: model.json (already parsed) with `modelTopology` and `weightsManifest`. */
export async function tfjsGraph(source: ByteSource, json: Json): Promise<LoadedGraph> {
  const fail = (problem: string) => new ModelError(source.path, problem);
  const topology = json.modelTopology;
  if (json.format === 'graph-model' || (isRecord(topology) && Array.isArray(topology.node))) {
    throw fail('is a TF.js graph model (a TensorFlow graph), not a layers model; the engine runs layers models');
  }
  if (!isRecord(topology)) throw fail('has no modelTopology (a weights manifest only)');
  const weights = await readTfjsModel(source, json);
  return loaded(weights, () => {
    // tensorflowjs_converter nests the Keras JSON under model_config; tfjs-layers' model.save does not.
    const model = isRecord(topology.model_config) ? topology.model_config : topology;
    const version = typeof topology.keras_version === 'string' ? topology.keras_version : undefined;
    return kerasGraph(source.path, 'TF.js', model, weights, version);
  });
}

async function loaded(weights: WeightFile, build: () => ModelGraph): Promise<LoadedGraph> {
  try {
    return { graph: build(), close: () => weights.close() };
  } catch (error) {
    await weights.close();
    throw error;
  }
}

function parseJson(path: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelError(path, `${what} is not valid JSON (${errorMessage(error)})`);
  }
}

// ------------------------------------------------------------------------------ the model JSON

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

interface KerasLayer {
  /** Position in the config's layer list (what messages call the node). */
  index: number;
  className: string;
  name: string;
  config: Json;
  /** Functional models: the input tensors of each call of the layer. */
  calls: TensorRef[][];
}

/** A value of the graph and its rank (4: an image, NCHW here, NHWC in Keras). */
interface Value {
  name: string;
  rank: number;
}

/** The model graph of a Keras model JSON (`{class_name, config}`) whose weights are in `weights`. */
export function kerasGraph(
  path: string,
  frontEnd: KerasFrontEnd,
  model: unknown,
  weights: WeightFile,
  version = weights.metadata.keras_version,
): ModelGraph {
  const fail = (problem: string) => new ModelError(path, problem);
  if (!isRecord(model) || typeof model.class_name !== 'string') throw fail('has a model config without a class_name');
  const className = model.class_name;
  const sequential = className === 'Sequential';
  if (!sequential && className !== 'Functional' && className !== 'Model') {
    throw fail(
      `holds a Keras ${className}, whose computation is Python code; the engine follows Sequential and functional models`,
    );
  }
  // Keras 2.0–2.2 wrote a Sequential's config as the bare list of its layers.
  const config = Array.isArray(model.config) ? { layers: model.config } : model.config;
  if (!isRecord(config) || !Array.isArray(config.layers)) throw fail(`has a ${className} config without layers`);
  const layers = config.layers.map((entry, index) => parseLayer(path, entry, index));
  const keras3 = version === undefined ? looksLikeKeras3(layers) : version.startsWith('3');
  const builder = new GraphBuilder(path, frontEnd, new LayerWeights(path, weights, layers, sequential), keras3);
  const outputs = sequential ? builder.sequential(layers, config) : builder.functional(layers, config);
  return { ...builder.graph(), outputs };
}

function parseLayer(path: string, entry: unknown, index: number): KerasLayer {
  const fail = (problem: string) => new ModelError(path, `layer ${index} ${problem}`);
  if (!isRecord(entry) || typeof entry.class_name !== 'string') throw fail('has no class_name');
  const config = isRecord(entry.config) ? entry.config : {};
  const name = typeof entry.name === 'string' ? entry.name : typeof config.name === 'string' ? config.name : '';
  if (!name) throw fail(`(${entry.class_name}) has no name`);
  const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
  const calls = nodes.map((node): TensorRef[] => {
    // Keras 2 and TF.js: [[layer, node, tensor, kwargs], ...]; Keras 3: {args, kwargs} holding __keras_tensor__s.
    if (Array.isArray(node)) return node.map((ref) => tensorRef(path, ref, name));
    if (isRecord(node)) return kerasTensors(path, node.args, name);
    throw fail(`("${name}") has an inbound node that is neither a list nor {args, kwargs}`);
  });
  return { index, className: entry.class_name, name, config, calls };
}

function tensorRef(path: string, ref: unknown, layer: string): TensorRef {
  if (Array.isArray(ref) && typeof ref[0] === 'string' && Number.isInteger(ref[1]) && Number.isInteger(ref[2])) {
    return { layer: ref[0], node: ref[1] as number, tensor: ref[2] as number };
  }
  throw new ModelError(path, `layer "${layer}" names an input ${JSON.stringify(ref)}, not [layer, node, tensor]`);
}

/** The `__keras_tensor__`s in a Keras 3 call's arguments, in order (other arguments are not tensors). */
function kerasTensors(path: string, value: unknown, layer: string): TensorRef[] {
  if (Array.isArray(value)) return value.flatMap((v) => kerasTensors(path, v, layer));
  if (!isRecord(value)) return [];
  if (value.class_name === '__keras_tensor__') {
    const history = isRecord(value.config) ? value.config.keras_history : undefined;
    return [tensorRef(path, history, layer)];
  }
  return Object.values(value).flatMap((v) => kerasTensors(path, v, layer));
}

/** input_layers / output_layers: one [layer, node, tensor], or a list (or dict) of them. */
function tensorRefs(path: string, value: unknown, what: string): TensorRef[] {
  if (Array.isArray(value) && typeof value[0] === 'string') return [tensorRef(path, value, what)];
  if (Array.isArray(value)) return value.flatMap((v) => tensorRefs(path, v, what));
  if (isRecord(value)) return Object.values(value).flatMap((v) => tensorRefs(path, v, what));
  throw new ModelError(path, `has ${what} ${JSON.stringify(value)}, not a list of [layer, node, tensor]`);
}

/** Without a version to go by: Keras 3 gives InputLayer a `batch_shape`, Keras 2 a `batch_input_shape`. */
function looksLikeKeras3(layers: KerasLayer[]): boolean {
  return layers.some((l) => l.className === 'InputLayer' && 'batch_shape' in l.config);
}

// ----------------------------------------------------------------------------------- weights

/**
 * Where a layer's weights are in the file:
 * - Keras 3 (.keras, .weights.h5): `layers/<path>/vars/<i>`, where <path> is not the layer's
 *   name but its class in snake case, numbered in the model's layer order (conv2d, conv2d_1…;
 *   Keras's saving_lib does so because names are generated); the variables come in creation
 *   order (kernel, bias; gamma, beta, moving mean and variance). Keras 2.13–2.15 wrote
 *   `_layer_checkpoint_dependencies` for `layers`.
 * - Keras 2 .h5 (and Keras 3's legacy .h5): a group per layer name, under `model_weights`,
 *   holding `<variable path>:0` datasets (`model_weights/conv2d/conv2d/kernel:0`).
 * - TF.js: the same names without `:0` (`conv2d/kernel`).
 * The last two are matched by the layer's group and the variable's own name.
 */
class LayerWeights {
  private readonly byPath = new Map<string, TensorInfo[]>();
  private readonly positional: boolean;

  constructor(
    private readonly path: string,
    readonly file: WeightFile,
    layers: KerasLayer[],
    sequential: boolean,
  ) {
    const keras3 = /^(?:layers|_layer_checkpoint_dependencies)\/([^/]+)\/vars\/(\d+)$/;
    this.positional = file.tensors.some((t) => keras3.test(t.name));
    if (!this.positional) return;
    const vars = new Map<string, TensorInfo[]>();
    for (const tensor of file.tensors) {
      const match = keras3.exec(tensor.name);
      if (!match) continue;
      const list = vars.get(match[1]) ?? [];
      list[Number(match[2])] = tensor;
      vars.set(match[1], list);
    }
    // Sequential.layers leaves out the InputLayer; a functional model's layers hold it.
    const used = new Map<string, number>();
    for (const layer of layers) {
      if (sequential && layer.className === 'InputLayer') continue;
      const base = snakeCase(layer.className);
      const count = used.get(base);
      used.set(base, (count ?? -1) + 1);
      const key = count === undefined ? base : `${base}_${count + 1}`;
      this.byPath.set(layer.name, vars.get(key) ?? []);
    }
  }

  /**
   * The layer's weights for `roles` (each a list of the names Keras gave that variable across
   * versions, first the canonical one), in that order.
   */
  get(layer: KerasLayer, roles: string[][]): TensorInfo[] {
    const fail = (problem: string) => new ModelError(this.path, `${layer.className} "${layer.name}" ${problem}`);
    if (this.positional) {
      const vars = this.byPath.get(layer.name) ?? [];
      const present = vars.filter(Boolean);
      if (vars.length !== roles.length || present.length !== roles.length) {
        const expected = roles.map((r) => r[0]).join(', ');
        throw fail(`has ${present.length} variables in the file; its config calls for ${expected}`);
      }
      return vars;
    }
    const candidates = this.named(layer.name);
    return roles.map((names) => {
      const found = names.map((n) => candidates.get(n)).find((t) => t !== undefined);
      if (!found) {
        const present = [...candidates.keys()].join(', ') || 'none';
        throw fail(`has no weight "${names[0]}" in the file (its weights there: ${present})`);
      }
      return found;
    });
  }

  /** The layer's tensors by variable name: those in its group, else those with its name in their path. */
  private named(layer: string): Map<string, TensorInfo> {
    const parts = (t: TensorInfo) => {
      const p = t.name.split('/');
      return p[0] === 'model_weights' ? p.slice(1) : p;
    };
    let tensors = this.file.tensors.filter((t) => parts(t)[0] === layer && parts(t).length > 1);
    if (!tensors.length) tensors = this.file.tensors.filter((t) => parts(t).slice(0, -1).includes(layer));
    // kernel:0 → kernel; TF.js may number a duplicate variable kernel_1.
    const role = (t: TensorInfo) => parts(t).at(-1)!.replace(/:\d+$/, '').replace(/_\d+$/, '');
    return new Map(tensors.map((t) => [role(t), t]));
  }
}

/** Keras's naming.to_snake_case: Conv2D → conv2d, DepthwiseConv2D → depthwise_conv2d, ReLU → re_lu. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

// ------------------------------------------------------------------------------------- graph

class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly constants = new Map<string, GraphConstant>();
  private readonly inputs: GraphInput[] = [];

  constructor(
    readonly path: string,
    readonly frontEnd: KerasFrontEnd,
    readonly weights: LayerWeights,
    readonly keras3: boolean,
  ) {}

  graph(): Omit<ModelGraph, 'outputs'> {
    const { path: source, frontEnd, inputs, nodes, constants } = this;
    return { source, frontEnd, inputs, nodes, constants };
  }

  /** A Sequential model: each layer reads the one before; returns the output's name. */
  sequential(layers: KerasLayer[], config: Json): string[] {
    const first = layers[0];
    if (!first) throw new ModelError(this.path, 'is a Sequential model without layers');
    let value: Value;
    let rest = layers;
    if (first.className === 'InputLayer') {
      value = this.input(first.name, first.config);
      rest = layers.slice(1);
    } else {
      // No InputLayer (older Keras 2, TF.js): the first layer carries the input shape.
      const shape = first.config.batch_input_shape ?? first.config.batch_shape ?? config.build_input_shape;
      value = this.input(`${first.name}_input`, { batch_shape: shape });
    }
    for (const layer of rest) value = this.layer(layer, 0, [value]);
    return [value.name];
  }

  /** A functional model: layers called on the outputs their inbound nodes name; returns the outputs' names. */
  functional(layers: KerasLayer[], config: Json): string[] {
    const made = new Map<string, Value>();
    const key = (ref: TensorRef) => `${ref.layer}\u0000${ref.node}\u0000${ref.tensor}`;
    let pending: { layer: KerasLayer; call: number }[] = [];
    for (const layer of layers) {
      if (layer.className === 'InputLayer') {
        made.set(key({ layer: layer.name, node: 0, tensor: 0 }), this.input(layer.name, layer.config));
      } else {
        pending.push(...layer.calls.map((_, call) => ({ layer, call })));
      }
    }
    // Layers come in the order Keras built them; a layer shared across calls may wait for a later one.
    while (pending.length) {
      const waiting: typeof pending = [];
      for (const { layer, call } of pending) {
        const refs = layer.calls[call];
        if (!refs.every((ref) => made.has(key(ref)))) {
          waiting.push({ layer, call });
          continue;
        }
        const inputs = refs.map((ref) => made.get(key(ref))!);
        made.set(key({ layer: layer.name, node: call, tensor: 0 }), this.layer(layer, call, inputs));
      }
      if (waiting.length === pending.length) {
        const { layer, call } = waiting[0];
        const missing = layer.calls[call].find((ref) => !made.has(key(ref)))!;
        throw new ModelError(
          this.path,
          `${layer.className} "${layer.name}" reads output ${missing.tensor} of "${missing.layer}" (call ${missing.node}), which no layer makes`,
        );
      }
      pending = waiting;
    }
    const lookup = (what: string) => (ref: TensorRef) => {
      const value = made.get(key(ref));
      if (!value) throw new ModelError(this.path, `has ${what} "${ref.layer}", which no layer makes`);
      return value;
    };
    const inputs = tensorRefs(this.path, config.input_layers, 'input_layers').map(lookup('an input'));
    if (inputs.length !== 1) {
      throw new ModelError(
        this.path,
        `has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); the engine runs one-input models`,
      );
    }
    const outputs = tensorRefs(this.path, config.output_layers, 'output_layers').map(lookup('an output'));
    if (!outputs.length) throw new ModelError(this.path, 'has no output_layers');
    return outputs.map((o) => o.name);
  }

  /** The graph input: Keras's [N, H, W, C] is [N, C, H, W] here. */
  private input(name: string, config: Json): Value {
    const given = config.batch_input_shape ?? config.batch_shape;
    if (!Array.isArray(given) || !given.length || !given.every((d) => d === null || Number.isInteger(d))) {
      throw new ModelError(this.path, `has an input "${name}" without a shape (batch_input_shape or batch_shape)`);
    }
    const dims = (given as (number | null)[]).map((d) => (d === null || d < 0 ? undefined : d));
    const shape = dims.length === 4 ? [dims[0], dims[3], dims[1], dims[2]] : dims;
    this.inputs.push({ name, shape });
    return { name, rank: dims.length };
  }

  /** Call `call` of a layer: its nodes added to the graph; the output is named after the layer. */
  private layer(layer: KerasLayer, call: number, inputs: Value[]): Value {
    if (layer.className === 'InputLayer') {
      throw new ModelError(this.path, `InputLayer "${layer.name}" is called on another value; the engine cannot`);
    }
    const output = call === 0 ? layer.name : `${layer.name}:${call}`;
    return convertLayer(new LayerCall(this, layer, output, inputs));
  }

  addNode(node: GraphNode): void {
    this.nodes.push(node);
  }

  /** A constant, once per name (a shared layer's calls use the same). */
  constant(name: string, make: () => GraphConstant): string {
    if (!this.constants.has(name)) this.constants.set(name, make());
    return name;
  }
}

/** One call of a layer, as the nodes it becomes. */
class LayerCall {
  private readonly emitted: GraphNode[] = [];

  constructor(
    private readonly builder: GraphBuilder,
    readonly layer: KerasLayer,
    /** The name of the call's output, and of the node that makes it. */
    readonly output: string,
    readonly inputs: Value[],
  ) {}

  get config(): Json {
    return this.layer.config;
  }

  get keras3(): boolean {
    return this.builder.keras3;
  }

  fail(problem: string): ModelError {
    return new ModelError(this.builder.path, `${this.layer.className} "${this.layer.name}" ${problem}`);
  }

  unsupported(op: string): ModelError {
    return unsupportedOp(this.builder.path, this.builder.frontEnd, op, this.layer.index, this.layer.name);
  }

  /** The single input of a one-input layer, checked to have one of `ranks`. */
  input(ranks?: number[]): Value {
    if (this.inputs.length !== 1) throw this.fail(`is called on ${this.inputs.length} inputs, not 1`);
    const [input] = this.inputs;
    if (ranks && !ranks.includes(input.rank)) {
      throw this.fail(`gets a ${input.rank}-D input; the engine runs it on ${ranks.join('-D or ')}-D inputs`);
    }
    return input;
  }

  /** Adds a node inside the layer; returns its output's name. */
  op(op: OpType, inputs: string[], attributes: Record<string, AttributeValue>, label: string = op): string {
    const taken = new Set(this.emitted.map((n) => n.name));
    let name = `${this.output}/${label}`;
    for (let i = 1; taken.has(name); i++) name = `${this.output}/${label}_${i}`;
    const node: GraphNode = { name, op, inputs, outputs: [name], attributes };
    this.emitted.push(node);
    this.builder.addNode(node);
    return name;
  }

  /** Ends the call at `value`: the node that made it takes the call's name (an Identity if it was an input). */
  finish(value: string, rank: number): Value {
    const last = this.emitted.at(-1);
    if (last && last.outputs[0] === value) {
      last.name = this.output;
      last.outputs[0] = this.output;
    } else {
      this.op('Identity', [value], {});
      const node = this.emitted.at(-1)!;
      node.name = this.output;
      node.outputs[0] = this.output;
    }
    return { name: this.output, rank };
  }

  weights(roles: string[][]): TensorInfo[] {
    return this.builder.weights.get(this.layer, roles);
  }

  /** A weight of the file as a constant of `shape`, its values rearranged by `transform` when read. */
  weightConstant(
    tensor: TensorInfo,
    suffix: string,
    shape: number[],
    transform: (values: Float32Array) => Float32Array = (v) => v,
  ): string {
    const file = this.builder.weights.file;
    return this.builder.constant(`${this.layer.name}/${suffix}`, () => ({
      kind: 'float',
      shape,
      read: async () => transform(await file.read(tensor.name)),
    }));
  }

  /** A constant the config implies (BatchNormalization without scale or center, scalars). */
  valueConstant(suffix: string, shape: number[], values: number[], kind: 'float' | 'integer' = 'float'): string {
    return this.builder.constant(`${this.layer.name}/${suffix}`, () => ({
      kind,
      shape,
      read: () => Promise.resolve(Float32Array.from(values)),
    }));
  }
}

// ------------------------------------------------------------------------------------ layers

const DROPOUTS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);

function convertLayer(call: LayerCall): Value {
  const { className } = call.layer;
  switch (className) {
    case 'Conv2D':
      return conv2d(call);
    case 'DepthwiseConv2D':
      return depthwiseConv2d(call);
    case 'SeparableConv2D':
      return separableConv2d(call);
    case 'Dense':
      return dense(call);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return pooling(call, className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool');
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return globalPooling(call, className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool');
    case 'Flatten':
      return flatten(call);
    case 'Reshape':
      return reshape(call);
    case 'Activation': {
      const x = call.input();
      return call.finish(activation(call, x.name, call.config.activation, x.rank), x.rank);
    }
    case 'ReLU':
      return relu(call);
    case 'LeakyReLU': {
      const x = call.input();
      const alpha = numberOf(call, 'negative_slope', numberOf(call, 'alpha', 0.3));
      return call.finish(call.op('LeakyRelu', [x.name], { alpha }), x.rank);
    }
    case 'ELU': {
      const x = call.input();
      return call.finish(call.op('Elu', [x.name], { alpha: numberOf(call, 'alpha', 1) }), x.rank);
    }
    case 'Softmax':
      return softmaxLayer(call);
    case 'BatchNormalization':
      return batchNormalization(call);
    case 'ZeroPadding2D':
      return zeroPadding(call);
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
      return merge(call, className);
    case 'Concatenate':
      return concatenate(call);
    case 'Rescaling':
      return rescaling(call);
    default:
      if (DROPOUTS.has(className)) {
        const x = call.input();
        return call.finish(x.name, x.rank);
      }
      throw call.unsupported(className);
  }
}

function conv2d(call: LayerCall): Value {
  const x = call.input([4]);
  channelsLast(call);
  const [kh, kw] = pairOf(call, 'kernel_size');
  const filters = numberOf(call, 'filters');
  const groups = numberOf(call, 'groups', 1);
  const useBias = booleanOf(call, 'use_bias', true);
  const [kernel, bias] = call.weights(useBias ? [['kernel'], ['bias']] : [['kernel']]);
  const [, , inPerGroup] = checkShape(call, kernel, [kh, kw, undefined, filters]);
  const w = call.weightConstant(kernel, 'kernel', [filters, inPerGroup, kh, kw], (v) =>
    permute(v, kernel.shape, [3, 2, 0, 1]),
  );
  const inputs = [x.name, w];
  if (bias) inputs.push(call.weightConstant(checkVector(call, bias, filters), 'bias', [filters]));
  const y = call.op('Conv', inputs, { kernel_shape: [kh, kw], group: groups, ...convAttributes(call) }, 'Conv');
  return call.finish(activation(call, y, call.config.activation, 4), 4);
}

/** Keras's depthwise kernel [kh, kw, C, M] is ONNX's [C·M, 1, kh, kw] with group C (output c·M + m in both). */
function depthwiseConstant(call: LayerCall, kernel: TensorInfo, suffix: string, kh: number, kw: number) {
  const [, , channels, multiplier] = checkShape(call, kernel, [kh, kw, undefined, undefined]);
  const name = call.weightConstant(kernel, suffix, [channels * multiplier, 1, kh, kw], (v) =>
    permute(v, kernel.shape, [2, 3, 0, 1]),
  );
  return { name, channels, multiplier };
}

function depthwiseConv2d(call: LayerCall): Value {
  const x = call.input([4]);
  channelsLast(call);
  const [kh, kw] = pairOf(call, 'kernel_size');
  const useBias = booleanOf(call, 'use_bias', true);
  // Keras 2 names the kernel depthwise_kernel, Keras 3 kernel.
  const [kernel, bias] = call.weights(
    useBias ? [['depthwise_kernel', 'kernel'], ['bias']] : [['depthwise_kernel', 'kernel']],
  );
  const { name, channels, multiplier } = depthwiseConstant(call, kernel, 'depthwise_kernel', kh, kw);
  const given = numberOf(call, 'depth_multiplier', multiplier);
  if (given !== multiplier) throw call.fail(`has depth_multiplier ${given} but a kernel of multiplier ${multiplier}`);
  const inputs = [x.name, name];
  if (bias)
    inputs.push(call.weightConstant(checkVector(call, bias, channels * multiplier), 'bias', [channels * multiplier]));
  const y = call.op('Conv', inputs, { kernel_shape: [kh, kw], group: channels, ...convAttributes(call) }, 'Conv');
  return call.finish(activation(call, y, call.config.activation, 4), 4);
}

function separableConv2d(call: LayerCall): Value {
  const x = call.input([4]);
  channelsLast(call);
  const [kh, kw] = pairOf(call, 'kernel_size');
  const filters = numberOf(call, 'filters');
  const useBias = booleanOf(call, 'use_bias', true);
  const roles = [['depthwise_kernel'], ['pointwise_kernel'], ...(useBias ? [['bias']] : [])];
  const [depthwise, pointwise, bias] = call.weights(roles);
  const { name, channels, multiplier } = depthwiseConstant(call, depthwise, 'depthwise_kernel', kh, kw);
  checkShape(call, pointwise, [1, 1, channels * multiplier, filters]);
  const p = call.weightConstant(pointwise, 'pointwise_kernel', [filters, channels * multiplier, 1, 1], (v) =>
    permute(v, pointwise.shape, [3, 2, 0, 1]),
  );
  // TensorFlow's separable_conv2d strides and dilates the depthwise step; the pointwise one is 1×1.
  const d = call.op(
    'Conv',
    [x.name, name],
    { kernel_shape: [kh, kw], group: channels, ...convAttributes(call) },
    'depthwise',
  );
  const inputs = [d, p];
  if (bias) inputs.push(call.weightConstant(checkVector(call, bias, filters), 'bias', [filters]));
  const y = call.op('Conv', inputs, { kernel_shape: [1, 1] }, 'pointwise');
  return call.finish(activation(call, y, call.config.activation, 4), 4);
}

function dense(call: LayerCall): Value {
  const x = call.input([2, 4]);
  const units = numberOf(call, 'units');
  const useBias = booleanOf(call, 'use_bias', true);
  const [kernel, bias] = call.weights(useBias ? [['kernel'], ['bias']] : [['kernel']]);
  const [inputs] = checkShape(call, kernel, [undefined, units]);
  const b = bias ? call.weightConstant(checkVector(call, bias, units), 'bias', [units]) : undefined;
  let y: string;
  if (x.rank === 2) {
    // Keras's kernel is [in, out]: Gemm without transposing it.
    const w = call.weightConstant(kernel, 'kernel', [inputs, units]);
    y = call.op('Gemm', b ? [x.name, w, b] : [x.name, w], { transB: 0 }, 'Gemm');
  } else {
    // Dense on an image acts on its channels: a 1×1 convolution.
    const w = call.weightConstant(kernel, 'kernel_oihw', [units, inputs, 1, 1], (v) =>
      permute(v, kernel.shape, [1, 0]),
    );
    y = call.op('Conv', b ? [x.name, w, b] : [x.name, w], { kernel_shape: [1, 1] }, 'Conv');
  }
  return call.finish(activation(call, y, call.config.activation, x.rank), x.rank);
}

function pooling(call: LayerCall, op: 'MaxPool' | 'AveragePool'): Value {
  const x = call.input([4]);
  channelsLast(call);
  const size = pairOf(call, 'pool_size', [2, 2]);
  const strides = call.config.strides === null || call.config.strides === undefined ? size : pairOf(call, 'strides');
  const attributes: Record<string, AttributeValue> = { kernel_shape: size, strides, auto_pad: autoPad(call) };
  // Keras (TensorFlow) averages over the cells inside the image only.
  if (op === 'AveragePool') attributes.count_include_pad = 0;
  return call.finish(call.op(op, [x.name], attributes), 4);
}

function globalPooling(call: LayerCall, op: 'GlobalAveragePool' | 'GlobalMaxPool'): Value {
  const x = call.input([4]);
  channelsLast(call);
  const pooled = call.op(op, [x.name], {});
  if (booleanOf(call, 'keepdims', false)) return call.finish(pooled, 4);
  return call.finish(call.op('Flatten', [pooled], { axis: 1 }), 2);
}

/** A 4-D value in Keras's order (N, H, W, C), for ops that depend on the order of the values. */
function kerasOrder(call: LayerCall, x: Value): string {
  return x.rank === 4 ? call.op('Transpose', [x.name], { perm: [0, 2, 3, 1] }) : x.name;
}

function flatten(call: LayerCall): Value {
  const x = call.input();
  channelsLast(call);
  return call.finish(call.op('Flatten', [kerasOrder(call, x)], { axis: 1 }), 2);
}

function reshape(call: LayerCall): Value {
  const x = call.input();
  const target = call.config.target_shape;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && (d > 0 || d === -1))) {
    throw call.fail(`has target_shape ${JSON.stringify(target)}, not a list of sizes`);
  }
  const dims = target as number[];
  // 0 keeps the batch size.
  const shape = call.valueConstant('shape', [dims.length + 1], [0, ...dims], 'integer');
  const y = call.op('Reshape', [kerasOrder(call, x), shape], {});
  const rank = dims.length + 1;
  return call.finish(rank === 4 ? call.op('Transpose', [y], { perm: [0, 3, 1, 2] }) : y, rank);
}

function relu(call: LayerCall): Value {
  const x = call.input();
  const max = call.config.max_value;
  const slope = numberOf(call, 'negative_slope', 0);
  if (numberOf(call, 'threshold', 0) !== 0) throw call.fail('has a threshold, which the engine does not run');
  if (max !== null && max !== undefined && typeof max !== 'number')
    throw call.fail('has a max_value that is not a number');
  if (slope !== 0 && typeof max === 'number') throw call.fail('has both a negative_slope and a max_value');
  if (slope !== 0) return call.finish(call.op('LeakyRelu', [x.name], { alpha: slope }), x.rank);
  if (typeof max === 'number') return call.finish(call.op('Clip', [x.name], { min: 0, max }), x.rank);
  return call.finish(call.op('Relu', [x.name], {}), x.rank);
}

function softmaxLayer(call: LayerCall): Value {
  const x = call.input();
  const given = call.config.axis ?? -1;
  const axes = Array.isArray(given) ? given : [given];
  if (axes.length !== 1 || typeof axes[0] !== 'number') throw call.fail('takes softmax over several axes');
  return call.finish(call.op('Softmax', [x.name], { axis: graphAxis(call, axes[0], x.rank) }), x.rank);
}

/** A Keras activation after `value`, a value of rank `rank`; returns the activated value. */
function activation(call: LayerCall, value: string, spec: unknown, rank: number): string {
  // Keras 3 serializes custom activations as {class_name: 'function', config: name}.
  const name = spec === null || spec === undefined ? 'linear' : isRecord(spec) ? spec.config : spec;
  if (typeof name !== 'string') throw call.fail(`has an activation ${JSON.stringify(spec)} the engine cannot read`);
  switch (name) {
    case 'linear':
      return value;
    case 'relu':
      return call.op('Relu', [value], {});
    case 'relu6':
      return call.op('Clip', [value], { min: 0, max: 6 });
    case 'sigmoid':
      return call.op('Sigmoid', [value], {});
    case 'tanh':
      return call.op('Tanh', [value], {});
    case 'elu':
      return call.op('Elu', [value], { alpha: 1 });
    case 'selu': {
      const elu = call.op('Elu', [value], { alpha: 1.6732632423543772 });
      return call.op('Mul', [elu, call.valueConstant('selu_scale', [], [1.0507009873554805])], {});
    }
    case 'leaky_relu':
      return call.op('LeakyRelu', [value], { alpha: 0.2 });
    case 'swish':
    case 'silu':
      return call.op('Mul', [value, call.op('Sigmoid', [value], {})], {});
    case 'hard_sigmoid':
      // Keras 2: clip(0.2 x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6.
      return call.op('HardSigmoid', [value], call.keras3 ? { alpha: 1 / 6, beta: 0.5 } : { alpha: 0.2, beta: 0.5 });
    case 'hard_silu':
    case 'hard_swish':
      return call.op('HardSwish', [value], {});
    case 'softmax':
    case 'log_softmax': {
      // Over the channels: axis 1 of an image here, the last axis otherwise.
      const axis = graphAxis(call, -1, rank);
      return call.op(name === 'softmax' ? 'Softmax' : 'LogSoftmax', [value], { axis });
    }
    default:
      throw call.unsupported(`${name} activation`);
  }
}

function batchNormalization(call: LayerCall): Value {
  const x = call.input([2, 4]);
  const given = call.config.axis ?? -1;
  const axes = Array.isArray(given) ? given : [given];
  if (axes.length !== 1 || typeof axes[0] !== 'number' || normalize(call, axes[0], x.rank) !== x.rank - 1) {
    throw call.fail(
      `normalizes over axis ${JSON.stringify(given)}; the engine normalizes the channels (the last axis)`,
    );
  }
  const scale = booleanOf(call, 'scale', true);
  const center = booleanOf(call, 'center', true);
  const roles = [...(scale ? [['gamma']] : []), ...(center ? [['beta']] : []), ['moving_mean'], ['moving_variance']];
  const found = call.weights(roles);
  const [mean, variance] = found.slice(-2);
  const channels = mean.shape.length === 1 ? mean.shape[0] : -1;
  if (channels < 0) throw call.fail(`has a moving_mean of shape [${mean.shape.join(', ')}], not a vector`);
  const vector = (t: TensorInfo, suffix: string) =>
    call.weightConstant(checkVector(call, t, channels), suffix, [channels]);
  const gamma = scale ? vector(found[0], 'gamma') : call.valueConstant('gamma', [channels], Array(channels).fill(1));
  const beta = center
    ? vector(found[scale ? 1 : 0], 'beta')
    : call.valueConstant('beta', [channels], Array(channels).fill(0));
  const epsilon = numberOf(call, 'epsilon', 1e-3);
  const inputs = [x.name, gamma, beta, vector(mean, 'moving_mean'), vector(variance, 'moving_variance')];
  return call.finish(call.op('BatchNormalization', inputs, { epsilon }), x.rank);
}

function zeroPadding(call: LayerCall): Value {
  const x = call.input([4]);
  channelsLast(call);
  const given = call.config.padding ?? 1;
  const pairs: unknown[] = typeof given === 'number' ? [given, given] : Array.isArray(given) ? given : [];
  const sides = pairs.map((p) => (typeof p === 'number' ? [p, p] : p));
  const valid = (s: unknown): s is [number, number] =>
    Array.isArray(s) && s.length === 2 && s.every((n) => Number.isInteger(n) && n >= 0);
  if (sides.length !== 2 || !sides.every(valid)) throw call.fail(`has padding ${JSON.stringify(given)}`);
  const [[top, bottom], [left, right]] = sides as [number, number][];
  const pads = [0, 0, top, left, 0, 0, bottom, right];
  return call.finish(call.op('Pad', [x.name], { mode: 'constant', pads }), 4);
}

function merge(call: LayerCall, className: 'Add' | 'Subtract' | 'Multiply' | 'Average'): Value {
  const { inputs } = call;
  if (inputs.length < 2 || (className === 'Subtract' && inputs.length !== 2)) {
    throw call.fail(`is called on ${inputs.length} inputs`);
  }
  const rank = Math.max(...inputs.map((i) => i.rank));
  const op = className === 'Subtract' ? 'Sub' : className === 'Multiply' ? 'Mul' : 'Add';
  let y = inputs[0].name;
  for (const next of inputs.slice(1)) y = call.op(op, [y, next.name], {});
  if (className === 'Average') y = call.op('Mul', [y, call.valueConstant('scale', [], [1 / inputs.length])], {});
  return call.finish(y, rank);
}

function concatenate(call: LayerCall): Value {
  const { inputs } = call;
  if (inputs.length < 2) throw call.fail(`is called on ${inputs.length} input`);
  const rank = inputs[0].rank;
  if (inputs.some((i) => i.rank !== rank)) throw call.fail('concatenates values of different ranks');
  const axis = graphAxis(call, numberOf(call, 'axis', -1), rank);
  return call.finish(
    call.op(
      'Concat',
      inputs.map((i) => i.name),
      { axis },
    ),
    rank,
  );
}

function rescaling(call: LayerCall): Value {
  const x = call.input();
  const scale = call.config.scale ?? 1;
  const offset = call.config.offset ?? 0;
  if (typeof scale !== 'number' || typeof offset !== 'number') {
    throw call.fail('rescales each channel differently, which the engine does not run');
  }
  let y = x.name;
  if (scale !== 1) y = call.op('Mul', [y, call.valueConstant('scale', [], [scale])], {});
  if (offset !== 0) y = call.op('Add', [y, call.valueConstant('offset', [], [offset])], {});
  return call.finish(y, x.rank);
}

// ------------------------------------------------------------------------------------ config

function convAttributes(call: LayerCall): Record<string, AttributeValue> {
  return {
    strides: pairOf(call, 'strides', [1, 1]),
    dilations: pairOf(call, 'dilation_rate', [1, 1]),
    auto_pad: autoPad(call),
  };
}

/** 'valid' → no padding; 'same' → TensorFlow's, whose odd pixel goes at the end (SAME_UPPER). */
function autoPad(call: LayerCall): string {
  const padding = call.config.padding ?? 'valid';
  if (padding === 'valid') return 'VALID';
  if (padding === 'same') return 'SAME_UPPER';
  throw call.fail(`has padding ${JSON.stringify(padding)}; the engine runs 'valid' and 'same'`);
}

function channelsLast(call: LayerCall): void {
  const format = call.config.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw call.fail(`has data_format ${JSON.stringify(format)}; the engine runs channels_last models`);
  }
}

/** A Keras axis of a rank-`rank` value as the graph's axis (an image's channels are axis 1 here). */
function graphAxis(call: LayerCall, axis: number, rank: number): number {
  const keras = normalize(call, axis, rank);
  return rank === 4 ? [0, 2, 3, 1][keras] : keras;
}

function normalize(call: LayerCall, axis: number, rank: number): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= rank) {
    throw call.fail(`has axis ${axis}, out of range for a ${rank}-D input`);
  }
  return resolved;
}

function numberOf(call: LayerCall, key: string, fallback?: number): number {
  const value = call.config[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw call.fail(`has ${key} ${JSON.stringify(value)}, not a number`);
  }
  return value;
}

function booleanOf(call: LayerCall, key: string, fallback: boolean): boolean {
  const value = call.config[key] ?? fallback;
  if (typeof value !== 'boolean') throw call.fail(`has ${key} ${JSON.stringify(value)}, not true or false`);
  return value;
}

/** kernel_size, strides, pool_size, dilation_rate: one integer for both axes, or two. */
function pairOf(call: LayerCall, key: string, fallback?: [number, number]): [number, number] {
  const value = call.config[key] ?? fallback;
  const list = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((n) => Number.isInteger(n) && n > 0)) {
    throw call.fail(`has ${key} ${JSON.stringify(value)}, not one or two positive integers`);
  }
  return [list[0] as number, list[1] as number];
}

/** Checks a weight's shape against what the config says (undefined: any size); returns it. */
function checkShape(call: LayerCall, tensor: TensorInfo, expected: (number | undefined)[]): number[] {
  const { shape } = tensor;
  if (shape.length !== expected.length || expected.some((d, i) => d !== undefined && d !== shape[i])) {
    const wanted = expected.map((d) => d ?? '?').join(', ');
    throw call.fail(
      `has a weight "${tensor.name}" of shape [${shape.join(', ')}] where its config implies [${wanted}]`,
    );
  }
  return shape;
}

function checkVector(call: LayerCall, tensor: TensorInfo, size: number): TensorInfo {
  checkShape(call, tensor, [size]);
  return tensor;
}

/** `values` (row-major in `shape`) with its axes in the order `perm`. */
export function permute(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const strides = Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; s *= shape[d], d--) strides[d] = s;
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => strides[p]);
  const out = new Float32Array(values.length);
  const index = Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[from];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      from += step[d];
      if (index[d] < outShape[d]) break;
      from -= step[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}
