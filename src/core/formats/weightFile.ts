// What every weight-file reader produces: the list of tensors (metadata only, read when
// the file is opened) and a way to read one tensor's values on demand, by byte range.

export const DTYPES = [
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'bool',
] as const;
export type DType = (typeof DTYPES)[number];

export const FORMATS = ['pytorch', 'safetensors', 'numpy', 'onnx', 'keras', 'tfjs'] as const;
export type FormatName = (typeof FORMATS)[number];

/**
 * How a 4-D tensor stores a convolution kernel: PyTorch, ONNX and NumPy use
 * [out, in, h, w]; Keras and TF.js use [h, w, in, out].
 */
export type KernelLayout = 'OIHW' | 'HWIO';

/** A tensor's values in memory, row-major in `shape` (what encodeSafetensors takes). */
export interface TensorValues {
  shape: number[];
  values: Float32Array;
}

export interface TensorInfo {
  /** The name as the file has it (state-dict key, initializer name, HDF5 path...). */
  name: string;
  dtype: DType;
  shape: number[];
  /** Only for 4-D tensors. */
  layout?: KernelLayout;
}

export interface WeightFile {
  format: FormatName;
  /** The file's path as given to the reader, for messages. */
  path: string;
  tensors: TensorInfo[];
  /** Free-form facts worth showing (safetensors __metadata__, ONNX producer, PyTorch version...). */
  metadata: Record<string, string>;
  /** The tensor's values in row-major order of its shape, as float32 (int64 rounded to the nearest float). */
  read(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Random access to the bytes of a file; readers never load a whole large file. */
export interface ByteSource {
  /** The file's path, for messages. */
  readonly path: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset`; throws WeightFileError past the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Another file in the same folder (TF.js shards, ONNX external data, sharded safetensors). Refuses paths that leave the folder. */
  sibling(relativePath: string): Promise<ByteSource>;
  close(): Promise<void>;
}

/** A problem with the file's contents: the message names the file and what is wrong. */
export class WeightFileError extends Error {
  override name = 'WeightFileError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}
