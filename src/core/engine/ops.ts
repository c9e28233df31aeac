// What each op of the graph computes, with tfjs-core ops that all have gradients (so that
// tf.grad runs through any graph), in the layouts of values.ts. Semantics are ONNX's; where
// an ONNX version changed an attribute into an input (Clip, Slice, Pad, Split, Squeeze…),
// both are read.
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import {
  type GraphNode,
  listAttribute,
  ModelError,
  type ModelGraph,
  numberAttribute,
  type OpType,
  stringAttribute,
} from './graph';
import {
  channelsLast,
  elementwiseOperands,
  hostValue,
  integers,
  logical,
  logicalShape,
  NHWC_AXIS,
  normalizeAxis,
  tensorValue,
  type Value,
} from './values';
import type { Tf } from '../util/tfBackend';

export interface OpContext {
  tf: Tf;
  graph: ModelGraph;
  node: GraphNode;
  /** A convolution kernel's OIHW constant as the layout tfjs wants, prepared once. */
  kernel(name: string, layout: 'HWIO' | 'HWOI' | 'HWCM', groups?: number): Tensor4D;
}

type Op = (ctx: OpContext, inputs: (Value | undefined)[]) => Value[];

const unary =
  (f: (tf: Tf, x: Tensor, ctx: OpContext) => Tensor): Op =>
  (ctx, [x]) => {
    const input = required(ctx, x, 0);
    const tensor = input.kind === 'tensor' ? input.tensor : logical(ctx.tf, input);
    return [tensorValue(f(ctx.tf, tensor, ctx), input.kind === 'tensor' && input.nhwc)];
  };

const binary =
  (f: (tf: Tf, a: Tensor, b: Tensor) => Tensor, host?: (a: number, b: number) => number): Op =>
  (ctx, [a, b]) => {
    const [left, right] = [required(ctx, a, 0), required(ctx, b, 1)];
    if (host && left.kind === 'host' && right.kind === 'host') return [hostBinary(left, right, host)];
    const { tensors, nhwc } = elementwiseOperands(ctx.tf, [left, right]);
    return [tensorValue(f(ctx.tf, tensors[0], tensors[1]), nhwc)];
  };

export const OP_IMPLEMENTATIONS: Record<OpType, Op> = {
  Add: binary(
    (tf, a, b) => tf.add(a, b),
    (a, b) => a + b,
  ),
  Sub: binary(
    (tf, a, b) => tf.sub(a, b),
    (a, b) => a - b,
  ),
  Mul: binary(
    (tf, a, b) => tf.mul(a, b),
    (a, b) => a * b,
  ),
  Div: binary(
    (tf, a, b) => tf.div(a, b),
    (a, b) => Math.trunc(a / b),
  ),
  PRelu: binary((tf, x, slope) => tf.sub(tf.relu(x), tf.mul(slope, tf.relu(tf.neg(x))))),
  Relu: unary((tf, x) => tf.relu(x)),
  Sigmoid: unary((tf, x) => tf.sigmoid(x)),
  Tanh: unary((tf, x) => tf.tanh(x)),
  Elu: unary((tf, x, ctx) => {
    const alpha = attribute(ctx, 'alpha', 1);
    return alpha === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.expm1(x)));
  }),
  LeakyRelu: unary((tf, x, ctx) => tf.leakyRelu(x, attribute(ctx, 'alpha', 0.01))),
  HardSigmoid: unary((tf, x, ctx) => hardSigmoid(tf, x, attribute(ctx, 'alpha', 0.2), attribute(ctx, 'beta', 0.5))),
  HardSwish: unary((tf, x) => tf.mul(x, hardSigmoid(tf, x, 1 / 6, 0.5))),
  Identity: (ctx, [x]) => [required(ctx, x, 0)],
  Dropout: (ctx, [x]) => [required(ctx, x, 0)],
  Cast: (ctx, [x]) => {
    const input = required(ctx, x, 0);
    // Floats stay floats (float16/64 compute as float32); integer casts of shapes round.
    const to = attribute(ctx, 'to', 1);
    const toFloat = [1, 10, 11, 16].includes(to);
    return [input.kind === 'host' && !toFloat ? hostValue(input.values.map(Math.trunc), input.shape) : input];
  },
  Clip: (ctx, [x, low, high]) => {
    const min = low ? scalar(low) : attribute(ctx, 'min', -Infinity);
    const max = high ? scalar(high) : attribute(ctx, 'max', Infinity);
    return unary((tf, t) => tf.clipByValue(t, min, max))(ctx, [x]);
  },
  Conv: conv,
  BatchNormalization: (ctx, [x, scale, bias, mean, variance]) => {
    const { tf } = ctx;
    const input = required(ctx, x, 0);
    const rank = logicalShape(input).length;
    if (rank !== 4 && rank !== 2) throw opError(ctx, `normalizes a ${rank}-D input; the engine handles 2-D and 4-D`);
    const t = rank === 4 ? channelsLast(tf, input) : logical(tf, input);
    const [g, b, m, v] = [scale, bias, mean, variance].map((p, i) =>
      tf.reshape(logical(tf, required(ctx, p, i + 1)), [-1]),
    );
    const epsilon = attribute(ctx, 'epsilon', 1e-5);
    return [tensorValue(tf.batchNorm(t, m, v, b, g, epsilon), rank === 4)];
  },
  MaxPool: (ctx, [x]) => [tensorValue(pool(ctx, required(ctx, x, 0), 'max'), true)],
  AveragePool: (ctx, [x]) => [tensorValue(pool(ctx, required(ctx, x, 0), 'avg'), true)],
  GlobalAveragePool: (ctx, [x]) => [
    tensorValue(ctx.tf.mean(channelsLast(ctx.tf, required(ctx, x, 0)), [1, 2], true), true),
  ],
  GlobalMaxPool: (ctx, [x]) => [tensorValue(ctx.tf.max(channelsLast(ctx.tf, required(ctx, x, 0)), [1, 2], true), true)],
  LRN: (ctx, [x]) => {
    const size = attribute(ctx, 'size');
    if (size % 2 !== 1) throw opError(ctx, `has an even size ${size}; tfjs's LRN is centred (odd sizes only)`);
    const [alpha, beta, bias] = [
      attribute(ctx, 'alpha', 1e-4),
      attribute(ctx, 'beta', 0.75),
      attribute(ctx, 'bias', 1),
    ];
    const t = channelsLast(ctx.tf, required(ctx, x, 0)) as Tensor4D;
    return [tensorValue(ctx.tf.localResponseNormalization(t, (size - 1) / 2, bias, alpha / size, beta), true)];
  },
  Gemm: (ctx, [a, b, c]) => {
    const { tf } = ctx;
    const [transA, transB] = [attribute(ctx, 'transA', 0), attribute(ctx, 'transB', 0)];
    const [alpha, beta] = [attribute(ctx, 'alpha', 1), attribute(ctx, 'beta', 1)];
    const left = logical(tf, required(ctx, a, 0));
    const right = logical(tf, required(ctx, b, 1));
    let y = tf.matMul(left as Tensor, right as Tensor, transA === 1, transB === 1);
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (c) y = tf.add(y, beta === 1 ? logical(tf, c) : tf.mul(logical(tf, c), beta));
    return [tensorValue(y)];
  },
  MatMul: (ctx, [a, b]) => {
    const { tf } = ctx;
    return [tensorValue(tf.matMul(logical(tf, required(ctx, a, 0)), logical(tf, required(ctx, b, 1))))];
  },
  Softmax: softmax((tf, x) => tf.softmax(x)),
  LogSoftmax: softmax((tf, x) => tf.logSoftmax(x)),
  Flatten: (ctx, [x]) => {
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const axis = normalizeAxis(attribute(ctx, 'axis', 1), shape.length + 1);
    const outer = product(shape.slice(0, axis));
    return [reshaped(ctx, input, [outer, product(shape.slice(axis))])];
  },
  Reshape: (ctx, [x, target]) => {
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const allowZero = attribute(ctx, 'allowzero', 0) === 1;
    const wanted = integers(target, `Reshape "${ctx.node.name}" shape`).map((d, i) =>
      d === 0 && !allowZero ? shape[i] : d,
    );
    return [reshaped(ctx, input, inferDimension(ctx, wanted, product(shape)))];
  },
  Transpose: (ctx, [x]) => {
    const input = required(ctx, x, 0);
    const rank = logicalShape(input).length;
    const perm = listAttribute(ctx.graph, ctx.node, 'perm', [...Array(rank).keys()].reverse());
    if (input.kind === 'host') return [hostTranspose(input.values, input.shape, perm)];
    return [tensorValue(ctx.tf.transpose(logical(ctx.tf, input), perm))];
  },
  Concat: (ctx, inputs) => {
    const values = inputs.filter((v): v is Value => v !== undefined);
    const rank = logicalShape(values[0]).length;
    const axis = normalizeAxis(attribute(ctx, 'axis'), rank);
    if (values.every((v) => v.kind === 'host')) {
      if (rank !== 1) throw opError(ctx, 'concatenates integer tensors of more than one dimension');
      const all = values.flatMap((v) => (v.kind === 'host' ? v.values : []));
      return [hostValue(all)];
    }
    const nhwc = rank === 4 && values.some((v) => v.kind === 'tensor' && v.nhwc);
    const tensors = values.map((v) => (nhwc ? channelsLast(ctx.tf, v) : logical(ctx.tf, v)));
    return [tensorValue(ctx.tf.concat(tensors, nhwc ? NHWC_AXIS[axis] : axis), nhwc)];
  },
  Split: (ctx, [x, sizes]) => {
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const axis = normalizeAxis(attribute(ctx, 'axis', 0), shape.length);
    const count = ctx.node.outputs.length;
    const given = sizes ? integers(sizes, 'Split sizes') : listAttribute(ctx.graph, ctx.node, 'split', []);
    const split = given.length ? given : splitEvenly(shape[axis], count);
    const nhwc = input.kind === 'tensor' && input.nhwc;
    const tensor = nhwc ? channelsLast(ctx.tf, input) : logical(ctx.tf, input);
    return ctx.tf.split(tensor, split, nhwc ? NHWC_AXIS[axis] : axis).map((t) => tensorValue(t, nhwc));
  },
  Slice: slice,
  Squeeze: (ctx, [x, axesInput]) => {
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const given = axesInput ? integers(axesInput, 'Squeeze axes') : listAttribute(ctx.graph, ctx.node, 'axes', []);
    const axes = given.length
      ? given.map((a) => normalizeAxis(a, shape.length))
      : shape.flatMap((d, i) => (d === 1 ? [i] : []));
    return [
      reshaped(
        ctx,
        input,
        shape.filter((_, i) => !axes.includes(i)),
      ),
    ];
  },
  Unsqueeze: (ctx, [x, axesInput]) => {
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const given = axesInput ? integers(axesInput, 'Unsqueeze axes') : listAttribute(ctx.graph, ctx.node, 'axes');
    const rank = shape.length + given.length;
    const axes = new Set(given.map((a) => normalizeAxis(a, rank)));
    const rest = [...shape];
    return [
      reshaped(
        ctx,
        input,
        Array.from({ length: rank }, (_, i) => (axes.has(i) ? 1 : rest.shift()!)),
      ),
    ];
  },
  Shape: (ctx, [x]) => {
    const shape = logicalShape(required(ctx, x, 0));
    const start = attribute(ctx, 'start', 0);
    const end = ctx.node.attributes.end === undefined ? shape.length : attribute(ctx, 'end');
    return [hostValue(shape.slice(start, end))];
  },
  Gather: (ctx, [x, indicesInput]) => {
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const axis = normalizeAxis(attribute(ctx, 'axis', 0), shape.length);
    const indicesValue = required(ctx, indicesInput, 1);
    const indicesShape = logicalShape(indicesValue);
    const indices = integers(indicesValue, 'Gather indices').map((i) => (i < 0 ? i + shape[axis] : i));
    if (input.kind === 'host' && shape.length === 1) {
      return [
        hostValue(
          indices.map((i) => input.values[i]),
          indicesShape,
        ),
      ];
    }
    const { tf } = ctx;
    const gathered = tf.gather(logical(tf, input), tf.tensor1d(indices, 'int32'), axis);
    const outShape = [...shape.slice(0, axis), ...indicesShape, ...shape.slice(axis + 1)];
    return [tensorValue(tf.reshape(gathered, outShape))];
  },
  ConstantOfShape: (ctx, [shapeInput]) => {
    const shape = integers(shapeInput, 'ConstantOfShape shape');
    const value = attribute(ctx, 'value', 0);
    return [hostValue(Array(product(shape)).fill(value), shape)];
  },
  Pad: pad,
  ReduceMean: (ctx, [x, axesInput]) => {
    const input = required(ctx, x, 0);
    const rank = logicalShape(input).length;
    const given = axesInput ? integers(axesInput, 'ReduceMean axes') : listAttribute(ctx.graph, ctx.node, 'axes', []);
    const axes = given.length ? given.map((a) => normalizeAxis(a, rank)) : [...Array(rank).keys()];
    const keep = attribute(ctx, 'keepdims', 1) === 1;
    const nhwc = keep && input.kind === 'tensor' && input.nhwc;
    const tensor = nhwc ? channelsLast(ctx.tf, input) : logical(ctx.tf, input);
    return [tensorValue(ctx.tf.mean(tensor, nhwc ? axes.map((a) => NHWC_AXIS[a]) : axes, keep), nhwc)];
  },
  Resize: resize,
};

function conv(ctx: OpContext, [x, w, b]: (Value | undefined)[]): Value[] {
  const { tf, graph, node } = ctx;
  const input = channelsLast(tf, required(ctx, x, 0)) as Tensor4D;
  const weightName = node.inputs[1];
  const weight = graph.constants.get(weightName);
  if (!weight) throw opError(ctx, 'has weights computed at run time; the engine needs them stored in the file');
  required(ctx, w, 1);
  const [out, inPerGroup, kh, kw] = weight.shape as [number, number, number, number];
  const group = attribute(ctx, 'group', 1);
  const channels = input.shape[3];
  if (inPerGroup * group !== channels) {
    throw opError(ctx, `takes ${inPerGroup * group} input channels, got ${channels}`);
  }
  const strides = pair(listAttribute(graph, node, 'strides', [1, 1]));
  const dilations = pair(listAttribute(graph, node, 'dilations', [1, 1]));
  const padding = explicitPadding(ctx, [input.shape[1], input.shape[2]], [kh, kw], strides, dilations);
  let y: Tensor4D;
  if (group === 1 && dilations[0] === 1 && dilations[1] === 1) {
    y = convolution(tf, input, ctx.kernel(weightName, 'HWIO'), ctx.kernel(weightName, 'HWOI'), strides, padding);
  } else if (group === 1) {
    y = tf.conv2d(input as Tensor4D, ctx.kernel(weightName, 'HWIO'), strides, padding, 'NHWC', dilations);
  } else if (inPerGroup === 1 && out % group === 0) {
    y = tf.depthwiseConv2d(
      input as Tensor4D,
      ctx.kernel(weightName, 'HWCM', group),
      strides,
      padding,
      'NHWC',
      dilations,
    );
  } else {
    // Grouped (not depthwise): one convolution per group over its share of the channels.
    const kernel = ctx.kernel(weightName, 'HWIO');
    const inputs = tf.split(input, group, 3);
    const kernels = tf.split(kernel, group, 3);
    y = tf.concat(
      inputs.map((part, g) => tf.conv2d(part as Tensor4D, kernels[g] as Tensor4D, strides, padding, 'NHWC', dilations)),
      3,
    );
  }
  if (b) y = tf.add(y, tf.reshape(logical(tf, b), [1, 1, 1, -1]));
  return [tensorValue(y, true)];
}

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * A convolution whose input gradient is itself a convolution (of the output gradient, zeros
 * inserted between its values for strides, with the kernel turned by 180° and its in and out
 * channels swapped: `flipped`), which XNNPACK runs as fast as the forward pass; tfjs-wasm's
 * own Conv2DBackpropInput is a plain loop, 9× PyTorch on ResNet-18. The kernel is a
 * constant: its gradient is zero.
 */
function convolution(
  tf: Tf,
  x: Tensor4D,
  kernel: Tensor4D,
  flipped: Tensor4D,
  strides: [number, number],
  padding: ExplicitPadding,
): Tensor4D {
  const [kh, kw] = kernel.shape;
  const run = tf.customGrad((...args) => {
    const [input, w] = args as Tensor4D[];
    const value = tf.conv2d(input, w, strides, padding, 'NHWC');
    const gradFunc = (dy: Tensor) => {
      const [, height, width] = input.shape;
      const spread = spreadOut(tf, dy as Tensor4D, strides);
      // Pads (negative: crops) that make a valid convolution of `spread` come out height × width.
      const [top, left] = [kh - 1 - padding[1][0], kw - 1 - padding[2][0]];
      const [bottom, right] = [height + kh - 1 - spread.shape[1] - top, width + kw - 1 - spread.shape[2] - left];
      const framed = frame(tf, spread, [top, bottom], [left, right]);
      return [tf.conv2d(framed, flipped, 1, 'valid', 'NHWC'), tf.zerosLike(w)];
    };
    return { value, gradFunc };
  });
  return run(x, kernel) as Tensor4D;
}

/** dy with strides − 1 zeros between its rows and columns: where a strided convolution skipped. */
function spreadOut(tf: Tf, dy: Tensor4D, [sy, sx]: [number, number]): Tensor4D {
  if (sy === 1 && sx === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const holes = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sy - 1],
    [0, 0],
    [0, sx - 1],
    [0, 0],
  ]);
  const spread = tf.reshape(holes, [n, h * sy, w * sx, c]);
  return tf.slice(spread, [0, 0, 0, 0], [n, (h - 1) * sy + 1, (w - 1) * sx + 1, c]) as Tensor4D;
}

/** Pads, or crops where a pad is negative, the rows and columns of an NHWC image. */
function frame(tf: Tf, image: Tensor4D, [top, bottom]: number[], [left, right]: number[]): Tensor4D {
  const [n, h, w, c] = image.shape;
  const cropped = tf.slice(
    image,
    [0, Math.max(0, -top), Math.max(0, -left), 0],
    [n, h - Math.max(0, -top) - Math.max(0, -bottom), w - Math.max(0, -left) - Math.max(0, -right), c],
  );
  const pads: ExplicitPadding = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return tf.pad(cropped, pads);
}

/** ONNX `pads` (begins then ends) or `auto_pad`, as tfjs's explicit NHWC padding. */
function explicitPadding(
  ctx: OpContext,
  size: [number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
): ExplicitPadding {
  const autoPad = stringAttribute(ctx.graph, ctx.node, 'auto_pad', 'NOTSET');
  let pads = listAttribute(ctx.graph, ctx.node, 'pads', [0, 0, 0, 0]);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = [0, 0, 0, 0];
    for (const axis of [0, 1]) {
      const out = Math.ceil(size[axis] / strides[axis]);
      const total = Math.max(0, (out - 1) * strides[axis] + dilations[axis] * (kernel[axis] - 1) + 1 - size[axis]);
      const small = Math.floor(total / 2);
      const [begin, end] = autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
      [pads[axis], pads[axis + 2]] = [begin, end];
    }
  } else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad !== 'NOTSET') throw opError(ctx, `has an unknown auto_pad "${autoPad}"`);
  return [
    [0, 0],
    [pads[0], pads[2]],
    [pads[1], pads[3]],
    [0, 0],
  ];
}

/**
 * Max and average pooling with ONNX's pads, ceil_mode and count_include_pad. The extra
 * rows ceil_mode adds (PyTorch's rule: a window must start inside the input or its left
 * padding) are padding that never counts; average pooling divides by the cells that count,
 * computed as a pooled mask, so that every backend agrees with PyTorch at the borders.
 */
function pool(ctx: OpContext, value: Value, kind: 'max' | 'avg'): Tensor4D {
  const { tf, graph, node } = ctx;
  const x = channelsLast(tf, value) as Tensor4D;
  const kernel = pair(listAttribute(graph, node, 'kernel_shape'));
  const strides = pair(listAttribute(graph, node, 'strides', [1, 1]));
  const dilations = pair(listAttribute(graph, node, 'dilations', [1, 1]));
  if (dilations[0] !== 1 || dilations[1] !== 1) throw opError(ctx, 'pools with dilation, which tfjs cannot');
  const size: [number, number] = [x.shape[1], x.shape[2]];
  const padding = explicitPadding(ctx, size, kernel, strides, dilations);
  const ceil = attribute(ctx, 'ceil_mode', 0) === 1;
  const extra = [0, 1].map((axis) => {
    const [begin, end] = padding[axis + 1];
    const span = size[axis] + begin + end;
    if (!ceil) return 0;
    let out = Math.ceil((span - kernel[axis]) / strides[axis]) + 1;
    if ((out - 1) * strides[axis] >= size[axis] + begin) out--;
    return Math.max(0, (out - 1) * strides[axis] + kernel[axis] - span);
  });
  const padded: ExplicitPadding = [
    [0, 0],
    [padding[1][0], padding[1][1] + extra[0]],
    [padding[2][0], padding[2][1] + extra[1]],
    [0, 0],
  ];
  const unpadded = padded.every(([a, b]) => a === 0 && b === 0);
  if (kind === 'max') return tf.maxPool(x, kernel, strides, unpadded ? 'valid' : padded);
  if (unpadded) return tf.avgPool(x, kernel, strides, 'valid');
  const includePad = attribute(ctx, 'count_include_pad', 0) === 1;
  const sums = tf.avgPool(tf.pad(x, padded), kernel, strides, 'valid');
  const counted = includePad
    ? padding
    : [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ];
  const mask = tf.pad(
    tf.ones([1, size[0] + counted[1][0] + counted[1][1], size[1] + counted[2][0] + counted[2][1], 1]),
    [
      [0, 0],
      [padded[1][0] - counted[1][0], padded[1][1] - counted[1][1]],
      [padded[2][0] - counted[2][0], padded[2][1] - counted[2][1]],
      [0, 0],
    ],
  );
  return tf.div(sums, tf.avgPool(mask as Tensor4D, kernel, strides, 'valid'));
}

function softmax(f: (tf: Tf, x: Tensor) => Tensor): Op {
  return (ctx, [x]) => {
    const { tf } = ctx;
    const input = required(ctx, x, 0);
    const shape = logicalShape(input);
    const axis = normalizeAxis(attribute(ctx, 'axis', -1), shape.length);
    // Before opset 13 the input was flattened to 2-D at the axis (the front-end marks it).
    if (attribute(ctx, 'coerce2d', 0) === 1 && axis !== shape.length - 1) {
      const flat = tf.reshape(logical(tf, input), [product(shape.slice(0, axis)), product(shape.slice(axis))]);
      return [tensorValue(tf.reshape(f(tf, flat), shape))];
    }
    const last = shape.length - 1;
    const perm = [...Array(shape.length).keys()].map((i) => (i === axis ? last : i === last ? axis : i));
    const t = logical(tf, input);
    const moved = axis === last ? t : tf.transpose(t, perm);
    const y = f(tf, moved);
    return [tensorValue(axis === last ? y : tf.transpose(y, perm))];
  };
}

function slice(ctx: OpContext, inputs: (Value | undefined)[]): Value[] {
  const input = required(ctx, inputs[0], 0);
  const shape = logicalShape(input);
  const list = (index: number, name: string) =>
    inputs[index] ? integers(inputs[index], `Slice ${name}`) : listAttribute(ctx.graph, ctx.node, name, []);
  const [starts, ends] = [list(1, 'starts'), list(2, 'ends')];
  const given = list(3, 'axes');
  const axes = (given.length ? given : starts.map((_, i) => i)).map((a) => normalizeAxis(a, shape.length));
  const steps = list(4, 'steps');
  const begin = shape.map(() => 0);
  const end = [...shape];
  const stride = shape.map(() => 1);
  axes.forEach((axis, i) => {
    const step = steps[i] ?? 1;
    const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v < 0 ? v + shape[axis] : v, low), high);
    [begin[axis], end[axis], stride[axis]] =
      step > 0
        ? [clamp(starts[i], 0, shape[axis]), clamp(ends[i], 0, shape[axis]), step]
        : [clamp(starts[i], 0, shape[axis] - 1), clamp(ends[i], -1, shape[axis] - 1), step];
  });
  if (input.kind === 'host' && shape.length === 1) {
    const out: number[] = [];
    for (let i = begin[0]; stride[0] > 0 ? i < end[0] : i > end[0]; i += stride[0]) out.push(input.values[i]);
    return [hostValue(out)];
  }
  const { tf } = ctx;
  // tf.slice has a gradient, tf.stridedSlice none: steps of 1 (nearly every slice) take the first.
  if (stride.every((step) => step === 1)) {
    const size = end.map((e, i) => Math.max(0, e - begin[i]));
    return [tensorValue(tf.slice(logical(tf, input), begin, size))];
  }
  // tfjs reads a negative end as counting from the back: -1 here means "before index 0".
  const ends2 = end.map((e, i) => (e < 0 && stride[i] < 0 ? -shape[i] - 1 : e));
  return [tensorValue(tf.stridedSlice(logical(tf, input), begin, ends2, stride))];
}

function pad(ctx: OpContext, [x, padsInput, valueInput]: (Value | undefined)[]): Value[] {
  const { tf } = ctx;
  const input = required(ctx, x, 0);
  const rank = logicalShape(input).length;
  const pads = padsInput ? integers(padsInput, 'Pad pads') : listAttribute(ctx.graph, ctx.node, 'pads');
  const mode = stringAttribute(ctx.graph, ctx.node, 'mode', 'constant');
  const constant = valueInput ? scalar(valueInput) : attribute(ctx, 'value', 0);
  const logicalPads = [...Array(rank).keys()].map((i): [number, number] => [pads[i], pads[i + rank]]);
  if (logicalPads.some(([a, b]) => a < 0 || b < 0)) throw opError(ctx, 'crops with negative pads');
  const nhwc = rank === 4 && input.kind === 'tensor' && input.nhwc;
  const stored = nhwc ? [0, 2, 3, 1].map((i) => logicalPads[i]) : logicalPads;
  const tensor = nhwc ? channelsLast(tf, input) : logical(tf, input);
  if (mode === 'constant') return [tensorValue(tf.pad(tensor, stored, constant), nhwc)];
  if (mode === 'reflect') return [tensorValue(tf.mirrorPad(tensor, stored, 'reflect'), nhwc)];
  throw opError(ctx, `pads in mode "${mode}", which the engine does not support (constant, reflect)`);
}

function resize(ctx: OpContext, [x, , scalesInput, sizesInput]: (Value | undefined)[]): Value[] {
  const { tf, graph, node } = ctx;
  const input = required(ctx, x, 0);
  const shape = logicalShape(input);
  if (shape.length !== 4) throw opError(ctx, `resizes a ${shape.length}-D input; the engine resizes images`);
  const scales = scalesInput && scalesInput.kind === 'host' ? scalesInput.values : [];
  const sizes = sizesInput ? integers(sizesInput, 'Resize sizes') : scales.map((s, i) => Math.floor(shape[i] * s));
  if (sizes.length !== 4 || sizes[0] !== shape[0] || sizes[1] !== shape[1]) {
    throw opError(ctx, 'resizes other axes than height and width');
  }
  const mode = stringAttribute(graph, node, 'mode', 'nearest');
  const transform = stringAttribute(graph, node, 'coordinate_transformation_mode', 'half_pixel');
  const alignCorners = transform === 'align_corners';
  const halfPixel = transform === 'half_pixel' || transform === 'pytorch_half_pixel';
  const image = channelsLast(tf, input) as Tensor4D;
  const target: [number, number] = [sizes[2], sizes[3]];
  if (mode === 'nearest')
    return [tensorValue(tf.image.resizeNearestNeighbor(image, target, alignCorners, halfPixel), true)];
  if (mode === 'linear') return [tensorValue(tf.image.resizeBilinear(image, target, alignCorners, halfPixel), true)];
  throw opError(ctx, `resizes in mode "${mode}" (the engine has nearest and linear)`);
}

function hardSigmoid(tf: Tf, x: Tensor, alpha: number, beta: number): Tensor {
  return tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);
}

/** A reshape in the graph's layout: images go back to NCHW first, so the order matches PyTorch's. */
function reshaped(ctx: OpContext, input: Value, shape: number[]): Value {
  if (input.kind === 'host') return hostValue(input.values, shape);
  return tensorValue(ctx.tf.reshape(logical(ctx.tf, input), shape));
}

function inferDimension(ctx: OpContext, shape: number[], size: number): number[] {
  const free = shape.indexOf(-1);
  if (free < 0) {
    if (product(shape) !== size) throw opError(ctx, `cannot reshape ${size} values to [${shape.join(', ')}]`);
    return shape;
  }
  const known = product(shape.filter((_, i) => i !== free));
  if (known === 0 || size % known !== 0) throw opError(ctx, `cannot reshape ${size} values to [${shape.join(', ')}]`);
  return shape.map((d, i) => (i === free ? size / known : d));
}

function hostBinary(
  a: Value & { kind: 'host' },
  b: Value & { kind: 'host' },
  f: (a: number, b: number) => number,
): Value {
  if (a.values.length === 1)
    return hostValue(
      b.values.map((v) => f(a.values[0], v)),
      b.shape,
    );
  if (b.values.length === 1)
    return hostValue(
      a.values.map((v) => f(v, b.values[0])),
      a.shape,
    );
  if (a.values.length !== b.values.length) throw new RangeError('integer operands of different sizes');
  return hostValue(
    a.values.map((v, i) => f(v, b.values[i])),
    a.shape,
  );
}

function hostTranspose(values: number[], shape: number[], perm: number[]): Value {
  if (shape.length > 2) throw new RangeError('transposes an integer tensor of more than 2 dimensions');
  if (shape.length < 2 || perm[0] === 0) return hostValue(values, shape);
  const [rows, columns] = shape;
  return hostValue(
    Array.from({ length: rows * columns }, (_, i) => values[(i % rows) * columns + Math.floor(i / rows)]),
    [columns, rows],
  );
}

function splitEvenly(size: number, parts: number): number[] {
  const each = Math.ceil(size / parts);
  return Array.from({ length: parts }, (_, i) => Math.min(each, size - each * i));
}

/** A one-value input (Clip's bounds, Pad's fill): constants, read once per run. */
function scalar(value: Value): number {
  return value.kind === 'host' ? value.values[0] : (value.tensor.dataSync()[0] as number);
}

function required(ctx: OpContext, value: Value | undefined, index: number): Value {
  if (!value) throw opError(ctx, `needs input ${index + 1}`);
  return value;
}

function attribute(ctx: OpContext, name: string, fallback?: number): number {
  return numberAttribute(ctx.graph, ctx.node, name, fallback);
}

function pair(values: number[]): [number, number] {
  return [values[0], values[1] ?? values[0]];
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function opError(ctx: { graph: ModelGraph; node: GraphNode }, problem: string): ModelError {
  return new ModelError(ctx.graph.source, `${ctx.node.op} "${ctx.node.name}" ${problem}`);
}
