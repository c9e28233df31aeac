// TF.js Layers/Graph models: `model.json` lists weight groups (`weightsManifest`); each
// group's weights lie back to back across the group's shard files, concatenated in order,
// so a weight may start in one shard and end in the next. Shards are opened next to the
// model.json (never outside its folder) and read by byte range.
import { decodeToFloat32, dtypeSize } from './dtype';
import { type TensorEntry, isRecord, jsonShape, makeWeightFile, tensorByteLength, tensorInfo } from './tensorTable';
import { type ByteSource, type DType, type WeightFile, WeightFileError } from './weightFile';

const DTYPES = new Map<string, DType>([
  ['float32', 'float32'],
  ['int32', 'int32'],
  ['bool', 'bool'],
]);

/** How a quantized weight is stored; it is dequantized to float32 on read. */
type Quantization = { dtype: 'float16' } | { dtype: 'uint8' | 'uint16'; min: number; scale: number };
const QUANTIZED_SIZES = { float16: 2, uint8: 1, uint16: 2 } as const;

interface Shard {
  file: ByteSource;
  /** Offset of the shard's first byte in the group's concatenated data. */
  start: number;
}

export async function readTfjsModel(source: ByteSource, json: Record<string, unknown>): Promise<WeightFile> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw fail('"weightsManifest" is not a list');
  const opened: ByteSource[] = [];
  const closeAll = () => Promise.all([source, ...opened].map((s) => s.close())).then(() => undefined);
  try {
    const entries: TensorEntry[] = [];
    for (const group of manifest) {
      if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
        throw fail('"weightsManifest" has a group without "paths" and "weights" lists');
      }
      const shards = await openShards(source, group.paths, opened);
      entries.push(...groupEntries(source.path, group.weights, shards));
    }
    const metadata = Object.fromEntries(
      ['format', 'generatedBy', 'convertedBy'].flatMap((key) =>
        typeof json[key] === 'string' ? [[key, json[key]]] : [],
      ),
    );
    return makeWeightFile({ format: 'tfjs', path: source.path, entries, metadata, close: closeAll });
  } catch (error) {
    await Promise.all(opened.map((s) => s.close()));
    throw error;
  }
}

async function openShards(source: ByteSource, paths: unknown[], opened: ByteSource[]): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start = 0;
  for (const path of paths) {
    if (typeof path !== 'string')
      throw new WeightFileError(source.path, `shard path ${JSON.stringify(path)} is not a string`);
    const file = await source.sibling(path);
    opened.push(file);
    shards.push({ file, start });
    start += file.size;
  }
  return shards;
}

/** The group's weights, each at the running offset in the concatenated shards. */
function groupEntries(path: string, weights: unknown[], shards: Shard[]): TensorEntry[] {
  const last = shards.at(-1);
  const available = last ? last.start + last.file.size : 0;
  let offset = 0;
  return weights.map((weight) => {
    if (!isRecord(weight) || typeof weight.name !== 'string') {
      throw new WeightFileError(path, `weight ${JSON.stringify(weight)} has no name`);
    }
    const { name } = weight;
    const dtype = typeof weight.dtype === 'string' ? DTYPES.get(weight.dtype) : undefined;
    // Strings have a size known only from their data, so later offsets would be guesses.
    if (!dtype)
      throw new WeightFileError(
        path,
        `weight "${name}" has dtype ${JSON.stringify(weight.dtype)}, not float32, int32 or bool`,
      );
    const shape = jsonShape(path, name, weight.shape);
    const quantization = parseQuantization(path, name, dtype, weight.quantization);
    const count = tensorByteLength(path, name, dtype, shape) / dtypeSize(dtype);
    const byteLength = count * (quantization ? QUANTIZED_SIZES[quantization.dtype] : dtypeSize(dtype));
    const start = offset;
    offset += byteLength;
    if (offset > available) {
      throw new WeightFileError(path, `weight "${name}" needs bytes ${start}–${offset} of shards holding ${available}`);
    }
    return {
      info: tensorInfo(name, quantization ? 'float32' : dtype, shape, 'HWIO'),
      async load() {
        const bytes = await readSpan(shards, start, byteLength);
        return quantization ? dequantize(bytes, quantization, count, dtype) : decodeToFloat32(bytes, dtype, count);
      },
    };
  });
}

function parseQuantization(path: string, name: string, dtype: DType, value: unknown): Quantization | undefined {
  if (value === undefined) return undefined;
  const q = isRecord(value) ? value : {};
  if (q.dtype === 'float16' && dtype === 'float32') return { dtype: 'float16' };
  const stored = q.dtype;
  const affine = stored === 'uint8' || stored === 'uint16';
  if (affine && dtype !== 'bool' && Number.isFinite(q.min) && Number.isFinite(q.scale)) {
    return { dtype: stored, min: q.min as number, scale: q.scale as number };
  }
  throw new WeightFileError(path, `weight "${name}" has an unknown quantization ${JSON.stringify(value)}`);
}

/** As tfjs-core's io `decodeWeight`: value = q × scale + min, rounded for int32 weights. */
function dequantize(bytes: Uint8Array, q: Quantization, count: number, dtype: DType): Float32Array {
  if (q.dtype === 'float16') return decodeToFloat32(bytes, 'float16', count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const stored = q.dtype === 'uint8' ? bytes[i] : view.getUint16(2 * i, true);
    const value = stored * q.scale + q.min;
    out[i] = dtype === 'int32' ? Math.round(value) : value;
  }
  return out;
}

/** `length` bytes from `offset` of the shards' concatenation. */
async function readSpan(shards: Shard[], offset: number, length: number): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for (const { file, start } of shards) {
    const from = Math.max(offset, start);
    const to = Math.min(offset + length, start + file.size);
    if (from < to) pieces.push(await file.read(from - start, to - from));
  }
  if (pieces.length === 1) return pieces[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
