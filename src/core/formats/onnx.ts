// ONNX models: the ModelProto decoded with onnx-proto (protobufjs), its graph's initializers
// listed as tensors. Values come from `raw_data` (little-endian), from the typed repeated
// fields, or from external data files next to the model (never outside its folder).
import { onnx } from 'onnx-proto';
import { decodeToFloat32, dtypeSize } from './dtype';
import { type TensorEntry, makeWeightFile, noteUnsupported, tensorByteLength, tensorInfo } from './tensorTable';
import { type ByteSource, type DType, type WeightFile, WeightFileError } from './weightFile';
import { errorMessage } from '../util/errorMessage';

/**
 * Protobuf decoding needs the whole message in memory, so the file is read whole. Protobuf
 * messages cannot exceed 2 GB — larger models keep their weights in external data files,
 * which are read by range — so a bigger .onnx file is not a valid model anyway.
 */
const MAX_MODEL_BYTES = 2 ** 31;

const { DataType } = onnx.TensorProto;
const DTYPES = new Map<number, DType>([
  [DataType.FLOAT, 'float32'],
  [DataType.FLOAT16, 'float16'],
  [DataType.BFLOAT16, 'bfloat16'],
  [DataType.DOUBLE, 'float64'],
  [DataType.INT8, 'int8'],
  [DataType.INT16, 'int16'],
  [DataType.INT32, 'int32'],
  [DataType.INT64, 'int64'],
  [DataType.UINT8, 'uint8'],
  [DataType.BOOL, 'bool'],
]);

/** protobufjs gives int64 fields as numbers, or as Long objects when the `long` package loads. */
type Int64 = number | { toString(): string };

export async function readOnnx(source: ByteSource): Promise<WeightFile> {
  return (await readOnnxModel(source)).weights;
}

/** The decoded model (its graph, for the engine) and its initializers as a weight file. */
export async function readOnnxModel(source: ByteSource): Promise<{ model: onnx.ModelProto; weights: WeightFile }> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  if (source.size > MAX_MODEL_BYTES) throw fail(`is ${source.size} bytes, over the 2 GB limit of a protobuf message`);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(await source.read(0, source.size));
  } catch (error) {
    throw fail(`is not a valid ONNX model (${errorMessage(error)})`);
  }
  if (!model.graph) throw fail('is not an ONNX model: it has no graph');
  const externals = new Map<string, ByteSource>();
  const closeAll = () => Promise.all([source, ...externals.values()].map((s) => s.close())).then(() => undefined);
  try {
    const entries: TensorEntry[] = [];
    const unsupported: string[] = [];
    for (const tensor of model.graph.initializer ?? []) {
      const dataType = tensor.dataType ?? DataType.UNDEFINED;
      const dtype = DTYPES.get(dataType);
      if (!dtype) unsupported.push(`${tensor.name ?? ''} (${DataType[dataType] ?? dataType})`);
      else entries.push(await initializer(source, tensor, dtype, externals));
    }
    const metadata = modelMetadata(model);
    noteUnsupported(metadata, unsupported);
    return {
      model,
      weights: makeWeightFile({ format: 'onnx', path: source.path, entries, metadata, close: closeAll }),
    };
  } catch (error) {
    await Promise.all([...externals.values()].map((s) => s.close()));
    throw error;
  }
}

async function initializer(
  source: ByteSource,
  tensor: onnx.ITensorProto,
  dtype: DType,
  externals: Map<string, ByteSource>,
): Promise<TensorEntry> {
  const name = tensor.name ?? '';
  const shape = (tensor.dims ?? []).map((d) => int64ToNumber(source.path, `tensor "${name}" dimension`, d));
  const byteLength = tensorByteLength(source.path, name, dtype, shape);
  const count = byteLength / dtypeSize(dtype);
  const info = tensorInfo(name, dtype, shape, 'OIHW');
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const { file, offset } = await externalRange(source, tensor, dtype, shape, externals);
    return { info, load: async () => decodeToFloat32(await file.read(offset, byteLength), dtype, count) };
  }
  const { decode } = inlineTensor(source.path, tensor);
  return { info, load: () => Promise.resolve(decode()) };
}

/** `external_data` {location, offset, length}: a byte range of a file in the model's folder. */
async function externalRange(
  source: ByteSource,
  tensor: onnx.ITensorProto,
  dtype: DType,
  shape: number[],
  externals: Map<string, ByteSource>,
): Promise<{ file: ByteSource; offset: number }> {
  const name = tensor.name ?? '';
  const fail = (problem: string) => new WeightFileError(source.path, `tensor "${name}": external data ${problem}`);
  const fields = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = fields.get('location');
  if (!location) throw fail('has no location');
  const number = (key: string) => {
    const text = fields.get(key);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw fail(`has an invalid ${key} "${text}"`);
    return Number(text);
  };
  const offset = number('offset') ?? 0;
  const byteLength = tensorByteLength(source.path, name, dtype, shape, number('length'));
  let file = externals.get(location);
  if (!file) {
    try {
      file = await source.sibling(location);
    } catch (error) {
      throw error instanceof WeightFileError ? fail(error.problem) : error;
    }
    externals.set(location, file);
  }
  if (offset + byteLength > file.size) {
    throw fail(`needs bytes ${offset}–${offset + byteLength} of "${location}", which has ${file.size}`);
  }
  return { file, offset };
}

/**
 * A tensor whose values are in the model itself (an initializer, a `Constant` node's value,
 * ConstantOfShape's fill): its dtype and shape, its size checked against `raw_data` or the
 * typed field now, and its values decoded when asked for.
 */
export function inlineTensor(
  path: string,
  tensor: onnx.ITensorProto,
): { dtype: DType; shape: number[]; decode: () => Float32Array } {
  const name = tensor.name || 'attribute';
  const dataType = tensor.dataType ?? DataType.UNDEFINED;
  const dtype = DTYPES.get(dataType);
  if (!dtype)
    throw new WeightFileError(path, `tensor "${name}" has the unsupported type ${DataType[dataType] ?? dataType}`);
  const shape = (tensor.dims ?? []).map((d) => int64ToNumber(path, `tensor "${name}" dimension`, d));
  const byteLength = tensorByteLength(path, name, dtype, shape);
  const count = byteLength / dtypeSize(dtype);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    tensorByteLength(path, name, dtype, shape, raw.length);
    return { dtype, shape, decode: () => decodeToFloat32(raw, dtype, count) };
  }
  const field = typedField(tensor, dtype);
  if (field.length !== count) {
    throw new WeightFileError(
      path,
      `tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${count} values but has ${field.length}`,
    );
  }
  return { dtype, shape, decode: () => typedValues(field, dtype) };
}

/**
 * The typed repeated field holding a tensor's values: `float_data`, `double_data`,
 * `int64_data`, or `int32_data`, which also carries int8/int16/uint8/bool values and
 * float16/bfloat16 bit patterns.
 */
function typedField(tensor: onnx.ITensorProto, dtype: DType): readonly Int64[] {
  switch (dtype) {
    case 'float32':
      return tensor.floatData ?? [];
    case 'float64':
      return tensor.doubleData ?? [];
    case 'int64':
      return tensor.int64Data ?? [];
    default:
      return tensor.int32Data ?? [];
  }
}

function typedValues(field: readonly Int64[], dtype: DType): Float32Array {
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const bits = Uint16Array.from(field, (v) => Number(v) & 0xffff);
    return decodeToFloat32(new Uint8Array(bits.buffer), dtype, bits.length);
  }
  // int64 values may be Long objects: through their decimal text.
  return Float32Array.from(field, (v) => (typeof v === 'number' ? v : Number(v.toString())));
}

function int64ToNumber(path: string, what: string, value: Int64): number {
  const n = typeof value === 'number' ? value : Number(BigInt(value.toString()));
  if (!Number.isSafeInteger(n) || n < 0) throw new WeightFileError(path, `${what} ${value.toString()} is out of range`);
  return n;
}

function modelMetadata(model: onnx.ModelProto): Record<string, string> {
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
  const opsets = model.opsetImport.map((o) => `${o.domain || 'ai.onnx'} ${String(o.version ?? '')}`);
  return {
    ...props,
    ...(model.producerName ? { producer_name: model.producerName } : {}),
    ...(model.producerVersion ? { producer_version: model.producerVersion } : {}),
    ir_version: String(model.irVersion),
    opset: opsets.join(', '),
  };
}
