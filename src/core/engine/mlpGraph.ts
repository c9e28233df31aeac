// The 2-D MLP Weight Lens trains (Linear(2, H) → activation → Linear(H, 2)) at one of its
// snapshots, as a model graph: the looks run on what the hyperplane view shows, like on
// any other model. Values are named after the PyTorch nn.Sequential's modules (0, 1, 2).
import type { GraphConstant, ModelGraph } from './graph';
import type { Activation } from '../mlp/config';
import type { Snapshot } from '../mlp/run';

const ACTIVATION_OPS = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' } as const;

export function mlpGraph(snapshot: Snapshot, activation: Activation): ModelGraph {
  const hidden = snapshot.w.length;
  const constant = (shape: number[], values: number[]): GraphConstant => ({
    kind: 'float',
    shape,
    read: () => Promise.resolve(Float32Array.from(values)),
  });
  // PyTorch's Linear keeps weight as [out, in]: w is already [H, 2]; outW is [H, 2] and transposes.
  const outWeight = [0, 1].flatMap((c) => snapshot.outW.map((row) => row[c]));
  const constants = new Map<string, GraphConstant>([
    ['0.weight', constant([hidden, 2], snapshot.w.flat())],
    ['0.bias', constant([hidden], snapshot.b)],
    ['2.weight', constant([2, hidden], outWeight)],
    ['2.bias', constant([2], snapshot.outB)],
  ]);
  const linear = (name: string, input: string) => ({
    name,
    op: 'Gemm' as const,
    inputs: [input, `${name}.weight`, `${name}.bias`],
    outputs: [name],
    attributes: { transB: 1 },
  });
  return {
    source: `2-D MLP at iteration ${snapshot.iteration}`,
    frontEnd: '2-D MLP',
    inputs: [{ name: 'input', shape: [undefined, 2] }],
    outputs: ['2'],
    nodes: [
      linear('0', 'input'),
      { name: '1', op: ACTIVATION_OPS[activation], inputs: ['0'], outputs: ['1'], attributes: {} },
      linear('2', '1'),
    ],
    constants,
  };
}
