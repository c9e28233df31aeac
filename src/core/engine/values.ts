// The values flowing through a running graph, and their layouts. Images run NHWC inside
// (tfjs's convolutions and pools want channels last, and XNNPACK is fastest so), but every
// op keeps the graph's NCHW meaning: a 4-D tensor is marked `nhwc` when it is stored
// channels-last, and is turned back into NCHW before any op that depends on the order of
// its values (flatten, reshape, transpose, gather…), so flattening matches PyTorch's.
// Shapes, indices and axes are small integer lists computed in JavaScript ("host" values):
// they never need a gradient, and a batch size read from a Shape stays a plain number.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../util/tfBackend';

export interface TensorValue {
  kind: 'tensor';
  tensor: Tensor;
  /** A 4-D tensor stored as NHWC that means NCHW. */
  nhwc: boolean;
}

export interface HostValue {
  kind: 'host';
  values: number[];
  shape: number[];
}

export type Value = TensorValue | HostValue;

/** Logical (NCHW) axis → stored (NHWC) axis, for a 4-D tensor. */
export const NHWC_AXIS = [0, 3, 1, 2];

export function tensorValue(tensor: Tensor, nhwc = false): TensorValue {
  return { kind: 'tensor', tensor, nhwc };
}

export function hostValue(values: number[], shape: number[] = [values.length]): HostValue {
  return { kind: 'host', values, shape };
}

/** The value's shape in the graph's meaning (NCHW). */
export function logicalShape(value: Value): number[] {
  if (value.kind === 'host') return value.shape;
  const [n, h, w, c] = value.tensor.shape;
  return value.nhwc ? [n, c, h, w] : value.tensor.shape;
}

/** The tensor in the graph's layout (NCHW for images). */
export function logical(tf: Tf, value: Value): Tensor {
  if (value.kind === 'host') return tf.tensor(value.values, value.shape, 'float32');
  return value.nhwc ? tf.transpose(value.tensor, [0, 3, 1, 2]) : value.tensor;
}

/** A 4-D value stored channels-last. */
export function channelsLast(tf: Tf, value: Value): Tensor {
  if (value.kind === 'tensor' && value.nhwc) return value.tensor;
  const tensor = logical(tf, value);
  if (tensor.rank !== 4) throw new RangeError(`expected a 4-D (NCHW) tensor, got shape [${tensor.shape.join(', ')}]`);
  return tf.transpose(tensor, [0, 2, 3, 1]);
}

/**
 * Operands of an elementwise op, broadcast as in NumPy over the logical shapes: when one is
 * stored channels-last, the others are brought to 4-D and stored so too (a per-channel
 * constant [C, 1, 1] becomes [1, 1, 1, C]), and so is the result.
 */
export function elementwiseOperands(tf: Tf, values: Value[]): { tensors: Tensor[]; nhwc: boolean } {
  const nhwc = values.some((v) => v.kind === 'tensor' && v.nhwc);
  if (!nhwc) return { tensors: values.map((v) => logical(tf, v)), nhwc };
  const tensors = values.map((v) => {
    if (v.kind === 'tensor' && v.nhwc) return v.tensor;
    const shape = logicalShape(v);
    if (shape.length > 4) throw new RangeError(`cannot broadcast [${shape.join(', ')}] against a 4-D image`);
    const padded = [...Array(4 - shape.length).fill(1), ...shape];
    return channelsLast(tf, { kind: 'tensor', tensor: tf.reshape(logical(tf, v), padded), nhwc: false });
  });
  return { tensors, nhwc };
}

/** Integer values of a host value (shape inputs, axes, indices); a tensor here is a graph the engine cannot fold. */
export function integers(value: Value | undefined, what: string): number[] {
  if (!value) throw new RangeError(`${what} is missing`);
  if (value.kind !== 'host')
    throw new RangeError(`${what} is computed from the input, which the engine does not support`);
  return value.values;
}

/** Resolves negative axes against a rank. */
export function normalizeAxis(axis: number, rank: number): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) throw new RangeError(`axis ${axis} is out of range for rank ${rank}`);
  return resolved;
}
