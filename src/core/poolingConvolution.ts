// relu(maxPool(conv2d(x, w)) + bias) for images of one channel, and its filter and bias
// gradients, in our own WebAssembly (wasm/poolingConvolution.wat says why and lays out the
// memory). Each thread compiles its own instance on first use; a call copies its inputs in
// and its results out, so nothing is shared between calls.
import wasmBase64 from './wasm/poolingConvolution.wasm';

/** A batch of one-channel images, a k × k convolution to `channels`, and the pool's size. */
export interface PoolingConvolutionShape {
  images: number;
  height: number;
  width: number;
  k: number;
  pool: number;
  /** A multiple of 16 (the kernel keeps 16 channels in registers). */
  channels: number;
}

export interface PooledActivation {
  /** relu(max + bias), [images][outHeight][outWidth][channels]. */
  out: Float32Array;
  /** For each value of `out`, its window's first maximum as a row-major cell index. */
  cells: Int32Array;
}

interface PoolingConvolutionExports {
  memory: WebAssembly.Memory;
  forward(...args: number[]): void;
  filterGradient(...args: number[]): void;
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

/** x [images][height][width], filter HWIO [k][k][1][channels], bias [channels]. */
export function poolingConvolution(
  shape: PoolingConvolutionShape,
  x: Float32Array,
  filter: Float32Array,
  bias: Float32Array,
): PooledActivation {
  const { images, height, width, k, pool, channels } = checked(shape, x);
  if (filter.length !== k * k * channels || bias.length !== channels)
    throw new Error('pooling convolution: the filter or bias does not match the shape');
  const outputs = images * pooledSize(shape).reduce((a, b) => a * b) * channels;
  const memory = layout(instance(), [x, filter, bias, outputs, outputs]);
  instance().forward(
    memory.at(0),
    images,
    height,
    width,
    k,
    pool,
    memory.at(1),
    memory.at(2),
    channels,
    memory.at(3),
    memory.at(4),
  );
  return { out: memory.floats(3).slice(), cells: memory.ints(4).slice() };
}

/**
 * The gradients of poolingConvolution's filter (HWIO) and bias given `dy`, the gradient of
 * its `out`: PyTorch's, where the gradient goes to each window's first maximum.
 */
export function poolingConvolutionGradient(
  shape: PoolingConvolutionShape,
  x: Float32Array,
  { out, cells }: PooledActivation,
  dy: Float32Array,
): { filter: Float32Array; bias: Float32Array } {
  const { images, height, width, k, pool, channels } = checked(shape, x);
  const taps = k * k;
  const memory = layout(instance(), [x, dy, out, cells, channels * taps, channels]);
  instance().filterGradient(
    ...[memory.at(0), images, height, width, k, pool, channels],
    ...[memory.at(1), memory.at(2), memory.at(3), memory.at(4), memory.at(5)],
  );
  const byOutput = memory.floats(4); // [channels][k][k]
  const filter = new Float32Array(taps * channels);
  for (let o = 0; o < channels; o++) {
    for (let tap = 0; tap < taps; tap++) filter[tap * channels + o] = byOutput[o * taps + tap];
  }
  return { filter, bias: memory.floats(5).slice() };
}

/** The shape, once it is one the kernel computes, else a clear error. */
function checked(shape: PoolingConvolutionShape, x: Float32Array): PoolingConvolutionShape {
  const { images, height, width, channels } = shape;
  const fail = (why: string) => {
    throw new Error(`pooling convolution of ${JSON.stringify(shape)}: ${why}`);
  };
  if (Math.min(images, ...pooledSize(shape)) < 1) fail('no output');
  if (channels % 16 !== 0) fail('the channels are not a multiple of 16');
  if (x.length !== images * height * width) fail(`${x.length} input values`);
  return shape;
}

/**
 * Places arrays (copied in) and output sizes (in 4-byte values) one after the other in the
 * instance's memory, 16-byte aligned, growing it as needed.
 */
function layout(kernels: PoolingConvolutionExports, regions: (Float32Array | Int32Array | number)[]) {
  const offsets: number[] = [];
  let end = 0;
  for (const region of regions) {
    offsets.push(end);
    end += Math.ceil((typeof region === 'number' ? region : region.length) / 4) * 16;
  }
  const { memory } = kernels;
  const missing = end - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  regions.forEach((region, i) => {
    if (typeof region !== 'number')
      new (region.constructor as typeof Float32Array)(memory.buffer, offsets[i], region.length).set(region);
  });
  const length = (i: number) => {
    const region = regions[i];
    return typeof region === 'number' ? region : region.length;
  };
  return {
    at: (i: number) => offsets[i],
    floats: (i: number) => new Float32Array(memory.buffer, offsets[i], length(i)),
    ints: (i: number) => new Int32Array(memory.buffer, offsets[i], length(i)),
  };
}
