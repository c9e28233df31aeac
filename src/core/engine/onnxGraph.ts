// The ONNX front-end: an .onnx file's graph as a model graph. Initializers and `Constant`
// nodes become constants (read through the ONNX weight reader); attributes become plain
// numbers, lists and strings; the few ops whose meaning changed across opsets are given
// their newest form (Softmax before 13, Upsample, Resize of opset 10), so the executor
// knows one version of each.
import { onnx } from 'onnx-proto';
import {
  type AttributeValue,
  type GraphConstant,
  type GraphInput,
  type GraphNode,
  isSupportedOp,
  ModelError,
  type ModelGraph,
  unsupportedOp,
} from './graph';
import { inlineTensor, readOnnxModel } from '../formats/onnx';
import type { ByteSource, WeightFile } from '../formats/weightFile';

/** The opsets whose ops the engine was written against (PyTorch exports 9–18). */
const OPSETS = { min: 7, max: 20 };
const FLOAT_TYPES = new Set(['float32', 'float16', 'bfloat16', 'float64']);
const { AttributeType } = onnx.AttributeProto;

export interface LoadedGraph {
  graph: ModelGraph;
  /** Closes the file: once the model has read its constants. */
  close(): Promise<void>;
}

export async function onnxGraph(source: ByteSource): Promise<LoadedGraph> {
  const { model, weights } = await readOnnxModel(source);
  try {
    return { graph: buildGraph(source.path, model, weights), close: () => weights.close() };
  } catch (error) {
    await weights.close();
    throw error;
  }
}

function buildGraph(path: string, model: onnx.ModelProto, weights: WeightFile): ModelGraph {
  const fail = (problem: string) => new ModelError(path, problem);
  const opset = defaultOpset(model);
  if (opset === undefined) throw fail('imports no opset of the default ONNX domain');
  if (opset < OPSETS.min || opset > OPSETS.max) {
    throw fail(`uses opset ${opset}; the engine runs opsets ${OPSETS.min}–${OPSETS.max}`);
  }
  const graph = model.graph!;
  const constants = new Map<string, GraphConstant>();
  for (const tensor of weights.tensors) {
    const kind = FLOAT_TYPES.has(tensor.dtype) ? 'float' : 'integer';
    constants.set(tensor.name, { kind, shape: tensor.shape, read: () => weights.read(tensor.name) });
  }
  const inputs: GraphInput[] = (graph.input ?? [])
    .filter((input) => !constants.has(input.name ?? ''))
    .map((input) => ({ name: input.name ?? '', shape: inputShape(input) }));
  if (inputs.length !== 1) {
    throw fail(
      `has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); the engine runs one-input models`,
    );
  }
  const nodes: GraphNode[] = [];
  (graph.node ?? []).forEach((node, index) => {
    const name = node.name || `${node.opType ?? 'node'}_${index}`;
    const domain = node.domain ?? '';
    const op = domain && domain !== 'ai.onnx' ? `${domain}.${node.opType ?? ''}` : (node.opType ?? '');
    const attributes = Object.fromEntries((node.attribute ?? []).map((a) => [a.name ?? '', attributeValue(path, a)]));
    const outputs = node.output ?? [];
    if (op === 'Constant') {
      constants.set(outputs[0], constantNode(path, name, node));
      return;
    }
    const newest = newestForm(opset, op, node.input ?? [], attributes);
    if (!isSupportedOp(newest.op)) throw unsupportedOp(path, 'ONNX', op, index, name);
    nodes.push({ name, outputs, ...newest, op: newest.op });
  });
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  return { source: path, frontEnd: 'ONNX', inputs, outputs, nodes, constants };
}

function defaultOpset(model: onnx.ModelProto): number | undefined {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry?.version === undefined || entry.version === null ? undefined : Number(entry.version);
}

function inputShape(input: onnx.IValueInfoProto): (number | undefined)[] {
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => {
    const value = d.dimValue === undefined || d.dimValue === null ? undefined : Number(d.dimValue);
    return value !== undefined && value > 0 ? value : undefined;
  });
}

/** Opset-dependent ops in their newest form. */
function newestForm(
  opset: number,
  op: string,
  inputs: string[],
  attributes: Record<string, AttributeValue>,
): { op: string; inputs: string[]; attributes: Record<string, AttributeValue> } {
  if ((op === 'Softmax' || op === 'LogSoftmax') && opset < 13) {
    return { op, inputs, attributes: { axis: 1, ...attributes, coerce2d: 1 } };
  }
  if (op === 'Upsample' || (op === 'Resize' && opset < 11)) {
    const mode = { coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    return { op: 'Resize', inputs: [inputs[0], '', inputs[1]], attributes: { ...attributes, ...mode } };
  }
  return { op, inputs, attributes };
}

function constantNode(path: string, name: string, node: onnx.INodeProto): GraphConstant {
  const attribute = node.attribute?.[0];
  const fail = () => new ModelError(path, `Constant "${name}" holds no value the engine reads`);
  if (!attribute) throw fail();
  if (attribute.t) {
    const tensor = inlineTensor(path, attribute.t);
    const kind = FLOAT_TYPES.has(tensor.dtype) ? 'float' : 'integer';
    return { kind, shape: tensor.shape, read: () => Promise.resolve(tensor.decode()) };
  }
  const value = attributeValue(path, attribute);
  if (typeof value === 'string') throw fail();
  const values = typeof value === 'number' ? [value] : value;
  const integer = attribute.name === 'value_int' || attribute.name === 'value_ints';
  const shape = typeof value === 'number' ? [] : [values.length];
  return { kind: integer ? 'integer' : 'float', shape, read: () => Promise.resolve(Float32Array.from(values)) };
}

/** An attribute as a number, a list or a string; a tensor (ConstantOfShape's fill) as its first value. */
function attributeValue(path: string, attribute: onnx.IAttributeProto): AttributeValue {
  switch (attribute.type) {
    case AttributeType.FLOAT:
      return attribute.f ?? 0;
    case AttributeType.INT:
      return Number(attribute.i ?? 0);
    case AttributeType.STRING:
      return new TextDecoder().decode(attribute.s ?? new Uint8Array());
    case AttributeType.FLOATS:
      return [...(attribute.floats ?? [])];
    case AttributeType.INTS:
      return (attribute.ints ?? []).map(Number);
    case AttributeType.TENSOR:
      return attribute.t ? (inlineTensor(path, attribute.t).decode()[0] ?? 0) : 0;
    default:
      // Graphs (Loop, If bodies) and the rest: the op that holds them is not one the engine runs.
      return '';
  }
}
