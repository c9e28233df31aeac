// The block relu(maxPool(conv2d(x, w)) + bias) of LeNet and its gradients, in our own
// WebAssembly (wasm/poolingConvolution.wat says why and lays out the memory). Each thread
// compiles its own instance on first use; a call copies its inputs in and its results out,
// so nothing is shared between calls. Tensors are NHWC, filters tfjs's HWIO.
import wasmBase64 from './wasm/poolingConvolution.wasm';

/** A batch of inputs, a k × k stride-1 convolution to `channels`, and the pool's size. */
export interface PoolingConvolutionShape {
  images: number;
  height: number;
  width: number;
  inChannels: number;
  k: number;
  pool: number;
  channels: number;
}

export interface PooledActivation {
  /** relu(max + bias), [images][outHeight][outWidth][channels]. */
  out: Float32Array;
  /** For each value of `out`, its window's first maximum (PyTorch's choice) as a row-major cell. */
  cells: Int32Array;
}

export interface PoolingConvolutionGradients {
  /** Absent for one-channel images: they are the data. */
  input?: Float32Array;
  /** HWIO. */
  filter: Float32Array;
  bias: Float32Array;
}

interface PoolingConvolutionExports {
  memory: WebAssembly.Memory;
  forward(...args: number[]): void;
  maxPoolRelu(...args: number[]): void;
  filterGradient(...args: number[]): void;
  gradients(...args: number[]): void;
  transpose(...args: number[]): void;
}

let kernels: PoolingConvolutionExports | undefined;

function instance(): PoolingConvolutionExports {
  kernels ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasmBase64, 'base64')))
    .exports as unknown as PoolingConvolutionExports;
  return kernels;
}

/** The pooled output's height and width. */
export function pooledSize({ height, width, k, pool }: PoolingConvolutionShape): [number, number] {
  return [Math.floor((height - k + 1) / pool), Math.floor((width - k + 1) / pool)];
}

/** The whole block for one-channel images x: the convolution too is ours. */
export function poolingConvolution(
  shape: PoolingConvolutionShape,
  x: Float32Array,
  filter: Float32Array,
  bias: Float32Array,
): PooledActivation {
  const { images, height, width, k, pool, channels } = checked(shape, { x, filter, bias });
  if (shape.inChannels !== 1 || channels % 16 !== 0) fail(shape, 'our convolution takes one input channel to 16·n');
  const memory = layout([x, filter, bias, outputs(shape), outputs(shape)]);
  instance().forward(
    ...[memory.at(0), images, height, width, k, pool],
    ...[memory.at(1), memory.at(2), channels, memory.at(3), memory.at(4)],
  );
  return { out: memory.floats(3).slice(), cells: memory.ints(4).slice() };
}

/** The rest of the block after a convolution computed elsewhere: conv is its output. */
export function maxPoolRelu(shape: PoolingConvolutionShape, conv: Float32Array, bias: Float32Array): PooledActivation {
  const { images, height, width, k, pool, channels } = checked(shape, { bias });
  const [convHeight, convWidth] = [height - k + 1, width - k + 1];
  if (conv.length !== images * convHeight * convWidth * channels) fail(shape, `${conv.length} convolution values`);
  const memory = layout([conv, bias, outputs(shape), outputs(shape)]);
  instance().maxPoolRelu(
    ...[memory.at(0), images, convHeight, convWidth, channels, pool],
    ...[memory.at(1), memory.at(2), memory.at(3)],
  );
  return { out: memory.floats(2).slice(), cells: memory.ints(3).slice() };
}

/**
 * The gradients of the block's input, filter and bias given `dy`, the gradient of its
 * `out`: PyTorch's, each pooled value's gradient going to its window's first maximum.
 */
export function poolingConvolutionGradients(
  shape: PoolingConvolutionShape,
  x: Float32Array,
  filter: Float32Array,
  { out, cells }: PooledActivation,
  dy: Float32Array,
): PoolingConvolutionGradients {
  const { images, height, width, inChannels, k, pool, channels } = checked(shape, { x, filter });
  if (dy.length !== out.length || out.length !== outputs(shape)) fail(shape, 'dy or out has another shape');
  const taps = k * k;
  const offsets = cellOffsets(shape);
  if (inChannels === 1) {
    // dw's rows of k taps padded to 4·n; x, read as far, is followed by dy in the layout.
    const row = Math.ceil(k / 4) * 4;
    const memory = layout([x, dy, out, cells, channels * k * row, channels, offsets]);
    instance().filterGradient(
      ...[memory.at(0), images, height, width, k, pool, channels],
      ...[memory.at(1), memory.at(2), memory.at(3), memory.at(4), memory.at(5), memory.at(6)],
    );
    const padded = memory.floats(4); // [channels][k][row]
    const filter = new Float32Array(taps * channels); // HWIO
    for (let o = 0; o < channels; o++) {
      for (let kh = 0; kh < k; kh++) {
        for (let kw = 0; kw < k; kw++) filter[(kh * k + kw) * channels + o] = padded[(o * k + kh) * row + kw];
      }
    }
    return { filter, bias: memory.floats(5).slice() };
  }
  const perOutput = taps * inChannels;
  const kernels = instance();
  const memory = layout([
    ...[x, filter, filter.length, dy, out, cells],
    ...[filter.length, channels, x.length, offsets, filter.length],
  ]);
  kernels.transpose(memory.at(1), memory.at(2), perOutput, channels); // HWIO → OHWI
  kernels.gradients(
    ...[memory.at(0), images, height, width, inChannels, k, pool, channels],
    ...[memory.at(2), memory.at(3), memory.at(4), memory.at(5), memory.at(6), memory.at(7), memory.at(8)],
    memory.at(9),
  );
  kernels.transpose(memory.at(6), memory.at(10), channels, perOutput); // OHWI → HWIO
  return { input: memory.floats(8).slice(), filter: memory.floats(10).slice(), bias: memory.floats(7).slice() };
}

/** For each cell of a pool window (row-major), its byte offset in x from the window's corner. */
function cellOffsets({ width, inChannels, pool }: PoolingConvolutionShape): Int32Array {
  return Int32Array.from({ length: pool * pool }, (_, cell) => {
    const [row, column] = [Math.floor(cell / pool), cell % pool];
    return (row * width + column) * inChannels * Float32Array.BYTES_PER_ELEMENT;
  });
}

function outputs(shape: PoolingConvolutionShape): number {
  return shape.images * pooledSize(shape).reduce((a, b) => a * b) * shape.channels;
}

function fail(shape: PoolingConvolutionShape, why: string): never {
  throw new Error(`pooling convolution of ${JSON.stringify(shape)}: ${why}`);
}

/** The shape, once it is one the kernels compute and the arrays given fit it, else a clear error. */
function checked(
  shape: PoolingConvolutionShape,
  { x, filter, bias }: { x?: Float32Array; filter?: Float32Array; bias?: Float32Array },
): PoolingConvolutionShape {
  const { images, height, width, inChannels, k, channels } = shape;
  if (Math.min(images, ...pooledSize(shape)) < 1) fail(shape, 'no output');
  if (channels % 4 !== 0 || (inChannels !== 1 && inChannels % 4 !== 0)) {
    fail(shape, 'the channels are not multiples of 4');
  }
  if (x && x.length !== images * height * width * inChannels) fail(shape, `${x.length} input values`);
  if (filter && filter.length !== k * k * inChannels * channels) fail(shape, `${filter.length} filter values`);
  if (bias && bias.length !== channels) fail(shape, `${bias.length} bias values`);
  return shape;
}

/**
 * Places arrays (copied in) and output sizes (in 4-byte values) one after the other in the
 * instance's memory, 16-byte aligned, growing it as needed.
 */
function layout(regions: (Float32Array | Int32Array | number)[]) {
  const { memory } = instance();
  const lengths = regions.map((region) => (typeof region === 'number' ? region : region.length));
  const offsets: number[] = [];
  let end = 0;
  for (const length of lengths) {
    offsets.push(end);
    end += Math.ceil(length / 4) * 16;
  }
  const missing = end - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  regions.forEach((region, i) => {
    if (typeof region === 'number') return;
    const view = region instanceof Int32Array ? Int32Array : Float32Array;
    new view(memory.buffer, offsets[i], region.length).set(region);
  });
  return {
    at: (i: number) => offsets[i],
    floats: (i: number) => new Float32Array(memory.buffer, offsets[i], lengths[i]),
    ints: (i: number) => new Int32Array(memory.buffer, offsets[i], lengths[i]),
  };
}
