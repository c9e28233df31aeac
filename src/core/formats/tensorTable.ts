// What the safetensors, NumPy, ONNX, Keras and TF.js readers share: checked tensor sizes,
// shapes taken from untrusted JSON, and the WeightFile built from a table of tensors.
// Tensors live in a Map, so a tensor named "__proto__" or "constructor" is just a name.
import { dtypeSize, elementCount } from './dtype';
import {
  type DType,
  type FormatName,
  type KernelLayout,
  type TensorInfo,
  type WeightFile,
  WeightFileError,
} from './weightFile';

/** A listed tensor and how to fetch its values (a byte-range read, done only when asked). */
export interface TensorEntry {
  info: TensorInfo;
  load(): Promise<Float32Array>;
}

export function tensorInfo(name: string, dtype: DType, shape: number[], layout: KernelLayout): TensorInfo {
  return shape.length === 4 ? { name, dtype, shape, layout } : { name, dtype, shape };
}

/**
 * The byte length `shape` × `dtype` needs; a WeightFileError when that size overflows or,
 * given `actual`, when the file holds a different number of bytes for the tensor.
 */
export function tensorByteLength(
  path: string,
  name: string,
  dtype: DType,
  shape: readonly number[],
  actual?: number,
): number {
  const count = elementCount(shape);
  const bytes = count === undefined ? NaN : count * dtypeSize(dtype);
  if (!Number.isSafeInteger(bytes)) {
    throw new WeightFileError(path, `tensor "${name}" has shape [${shape.join(', ')}], whose size overflows`);
  }
  if (actual !== undefined && actual !== bytes) {
    throw new WeightFileError(
      path,
      `tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${bytes} bytes but the file gives it ${actual}`,
    );
  }
  return bytes;
}

/** A shape from a JSON header: an array of non-negative safe integers. */
export function jsonShape(path: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new WeightFileError(path, `tensor "${name}" has an invalid shape ${JSON.stringify(value)}`);
  }
  return value as number[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Tensors whose dtype Weight Lens cannot show (uint16, float8, strings...) are left out of
 * the list rather than failing the whole file; the metadata names them.
 */
export function noteUnsupported(metadata: Record<string, string>, unsupported: readonly string[]): void {
  if (unsupported.length > 0) metadata['not shown (unsupported dtype)'] = unsupported.join(', ');
}

/** A zip entry's bytes; yauzl's own errors (a damaged local header...) become WeightFileErrors. */

export function makeWeightFile(parts: {
  format: FormatName;
  path: string;
  entries: readonly TensorEntry[];
  metadata: Record<string, string>;
  close(): Promise<void>;
}): WeightFile {
  const byName = new Map<string, TensorEntry>();
  for (const entry of parts.entries) {
    if (byName.has(entry.info.name))
      throw new WeightFileError(parts.path, `two tensors are named "${entry.info.name}"`);
    byName.set(entry.info.name, entry);
  }
  return {
    format: parts.format,
    path: parts.path,
    tensors: parts.entries.map((e) => e.info),
    metadata: parts.metadata,
    read(name) {
      const entry = byName.get(name);
      if (!entry) return Promise.reject(new WeightFileError(parts.path, `has no tensor named "${name}"`));
      return entry.load();
    },
    close: parts.close,
  };
}
