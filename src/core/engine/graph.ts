// The model graph every front-end builds and the executor runs: nodes in topological order,
// each an op with named inputs and outputs and attributes, over graph inputs and constants
// (weights, read lazily through the format readers). The ops and their attributes are
// ONNX's (https://onnx.ai/onnx/operators/), the most complete public definition of these
// layers; front-ends of other formats translate into them, with PyTorch's NCHW semantics.
import { WeightFileError } from '../formats/weightFile';

/** Every op the executor runs (ONNX names and semantics, default domain). */
export const OPS = [
  'Add',
  'AveragePool',
  'BatchNormalization',
  'Cast',
  'Clip',
  'Concat',
  'ConstantOfShape',
  'Conv',
  'Div',
  'Dropout',
  'Elu',
  'Flatten',
  'Gather',
  'Gemm',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'HardSigmoid',
  'HardSwish',
  'Identity',
  'LRN',
  'LeakyRelu',
  'LogSoftmax',
  'MatMul',
  'MaxPool',
  'Mul',
  'PRelu',
  'Pad',
  'ReduceMean',
  'Relu',
  'Reshape',
  'Resize',
  'Shape',
  'Sigmoid',
  'Slice',
  'Softmax',
  'Split',
  'Squeeze',
  'Sub',
  'Tanh',
  'Transpose',
  'Unsqueeze',
] as const;
export type OpType = (typeof OPS)[number];

export type AttributeValue = number | string | number[];

export interface GraphNode {
  /** The node's name in the file (may be empty there: the front-end names it then). */
  name: string;
  op: OpType;
  /** Value names; '' for an optional input left out. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface GraphInput {
  name: string;
  /** NCHW for images; undefined where the size is free (the batch, usually). */
  shape: (number | undefined)[];
}

export interface GraphConstant {
  /** Integer constants (shapes, indices, axes) are computed with in JavaScript, floats on the backend. */
  kind: 'float' | 'integer';
  shape: number[];
  read(): Promise<Float32Array>;
}

export type FrontEnd = 'ONNX' | 'Keras' | 'TF.js' | 'PyTorch' | 'LeNet' | '2-D MLP';

export interface ModelGraph {
  /** The file (or source) it came from, for messages. */
  source: string;
  frontEnd: FrontEnd;
  inputs: GraphInput[];
  /** The model's outputs (class scores first). */
  outputs: string[];
  nodes: GraphNode[];
  constants: Map<string, GraphConstant>;
  /** What a front-end recognised the model as, for people: "resnet18 (10 classes)". */
  architecture?: string;
}

export class ModelError extends WeightFileError {}

/**
 * Checks what running relies on: every op is one the executor has, every input is a graph
 * input, a constant or an earlier node's output, every value is written once, the outputs
 * exist. Throws a ModelError naming the first problem and where it is.
 */
export function validateGraph(graph: ModelGraph): void {
  const fail = (problem: string) => new ModelError(graph.source, problem);
  const defined = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.constants.keys()]);
  if (!graph.inputs.length) throw fail('has no input');
  graph.nodes.forEach((node, index) => {
    const where = `(node ${index}, "${node.name}")`;
    if (!isSupportedOp(node.op)) throw unsupportedOp(graph.source, graph.frontEnd, node.op, index, node.name);
    for (const input of node.inputs) {
      if (input && !defined.has(input))
        throw fail(`${node.op} ${where} reads "${input}", which nothing before it writes`);
    }
    for (const output of node.outputs) {
      if (defined.has(output)) throw fail(`${node.op} ${where} writes "${output}" a second time`);
      if (output) defined.add(output);
    }
  });
  for (const output of graph.outputs) if (!defined.has(output)) throw fail(`has no value "${output}" for its output`);
}

/** `unsupported ONNX op "Loop" (node 12, "loop_0")`: what is missing, and where in the file. */
export function unsupportedOp(source: string, frontEnd: FrontEnd, op: string, index: number, name: string): ModelError {
  return new ModelError(source, `unsupported ${frontEnd} op "${op}" (node ${index}, "${name}")`);
}

export function isSupportedOp(op: string): op is OpType {
  return (OPS as readonly string[]).includes(op);
}

/** An attribute as a number (the default when absent); a ModelError names the node otherwise. */
export function numberAttribute(graph: ModelGraph, node: GraphNode, name: string, fallback?: number): number {
  const value = node.attributes[name] ?? fallback;
  if (typeof value !== 'number') throw attributeError(graph, node, name, 'a number', value);
  return value;
}

export function listAttribute(graph: ModelGraph, node: GraphNode, name: string, fallback?: number[]): number[] {
  const value = node.attributes[name] ?? fallback;
  if (!Array.isArray(value)) throw attributeError(graph, node, name, 'a list of integers', value);
  return value;
}

export function stringAttribute(graph: ModelGraph, node: GraphNode, name: string, fallback?: string): string {
  const value = node.attributes[name] ?? fallback;
  if (typeof value !== 'string') throw attributeError(graph, node, name, 'a string', value);
  return value;
}

function attributeError(
  graph: ModelGraph,
  node: GraphNode,
  name: string,
  expected: string,
  value: AttributeValue | undefined,
): ModelError {
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  return new ModelError(graph.source, `${node.op} "${node.name}" needs attribute "${name}" as ${expected}, got ${got}`);
}
