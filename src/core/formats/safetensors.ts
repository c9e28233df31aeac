// safetensors (https://github.com/huggingface/safetensors#format): an 8-byte little-endian
// header length N, N bytes of JSON `{name: {dtype, shape, data_offsets}, __metadata__}`, then
// the data. Written by hand: the format is that small, and what matters is reading it over a
// ByteSource — the header when listing, one byte range per tensor when reading.
import { decodeToFloat32, dtypeSize } from './dtype';
import {
  type TensorEntry,
  isRecord,
  jsonShape,
  makeWeightFile,
  noteUnsupported,
  tensorByteLength,
  tensorInfo,
} from './tensorTable';
import { type ByteSource, type DType, type WeightFile, WeightFileError } from './weightFile';
import { errorMessage } from '../util/errorMessage';

/** The reference implementation's limit: a longer header is refused before it is read. */
const MAX_HEADER_BYTES = 100_000_000;

const DTYPES = new Map<string, DType>([
  ['F32', 'float32'],
  ['F16', 'float16'],
  ['BF16', 'bfloat16'],
  ['F64', 'float64'],
  ['I8', 'int8'],
  ['I16', 'int16'],
  ['I32', 'int32'],
  ['I64', 'int64'],
  ['U8', 'uint8'],
  ['BOOL', 'bool'],
]);

interface Contents {
  /** By name, in the header's order. */
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  /** Name → dtype of the tensors left out. */
  unsupported: Map<string, string>;
}

export async function readSafetensors(source: ByteSource): Promise<WeightFile> {
  const { tensors, metadata, unsupported } = await readContents(source);
  noteUnsupported(metadata, describe(unsupported));
  return makeWeightFile({
    format: 'safetensors',
    path: source.path,
    entries: [...tensors.values()],
    metadata,
    close: () => source.close(),
  });
}

/**
 * A sharded checkpoint's `*.safetensors.index.json`: `weight_map` sends each tensor name to
 * a shard next to the index. Listing reads every shard's header (tensors shard by shard, in
 * each shard's order); data stay in the shards.
 */
export async function readSafetensorsIndex(source: ByteSource, json: Record<string, unknown>): Promise<WeightFile> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  const weightMap = json.weight_map;
  if (!isRecord(weightMap)) throw fail('"weight_map" is not an object');
  const shardOf = new Map<string, string>();
  for (const [name, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string')
      throw fail(`"weight_map" sends "${name}" to ${JSON.stringify(file)}, not a file name`);
    shardOf.set(name, file);
  }
  const shards: ByteSource[] = [];
  try {
    const entries: TensorEntry[] = [];
    const unsupported = new Map<string, string>();
    for (const file of new Set(shardOf.values())) {
      const shard = await source.sibling(file);
      shards.push(shard);
      const contents = await readContents(shard);
      const mapped = (name: string) => shardOf.get(name) === file;
      entries.push(...[...contents.tensors.values()].filter((e) => mapped(e.info.name)));
      for (const [name, dtype] of contents.unsupported) if (mapped(name)) unsupported.set(name, dtype);
    }
    const found = new Set([...entries.map((e) => e.info.name), ...unsupported.keys()]);
    const missing = [...shardOf].find(([name]) => !found.has(name));
    if (missing) throw fail(`"weight_map" puts "${missing[0]}" in "${missing[1]}", which has no such tensor`);
    const metadata = isRecord(json.metadata) ? stringValues(json.metadata) : {};
    metadata.shards = String(shards.length);
    noteUnsupported(metadata, describe(unsupported));
    const close = () => Promise.all([source, ...shards].map((s) => s.close())).then(() => undefined);
    return makeWeightFile({ format: 'safetensors', path: source.path, entries, metadata, close });
  } catch (error) {
    await Promise.all(shards.map((s) => s.close()));
    throw error;
  }
}

async function readContents(source: ByteSource): Promise<Contents> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  const { header, dataStart } = await readHeader(source);
  const dataSize = source.size - dataStart;
  const tensors = new Map<string, TensorEntry>();
  const unsupported = new Map<string, string>();
  const ranges: Range[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(value)) throw fail(`tensor "${name}" is not described by an object`);
    const range = dataRange(source.path, name, value.data_offsets, dataSize);
    ranges.push(range);
    const dtype = typeof value.dtype === 'string' ? DTYPES.get(value.dtype) : undefined;
    if (!dtype) {
      unsupported.set(name, String(value.dtype));
      continue;
    }
    const shape = jsonShape(source.path, name, value.shape);
    const count = tensorByteLength(source.path, name, dtype, shape, range.end - range.begin) / dtypeSize(dtype);
    tensors.set(name, {
      info: tensorInfo(name, dtype, shape, 'OIHW'),
      load: async () =>
        decodeToFloat32(await source.read(dataStart + range.begin, range.end - range.begin), dtype, count),
    });
  }
  checkNoOverlap(source.path, ranges);
  const metadata = isRecord(header.__metadata__) ? stringValues(header.__metadata__) : {};
  return { tensors, metadata, unsupported };
}

async function readHeader(source: ByteSource): Promise<{ header: Record<string, unknown>; dataStart: number }> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  if (source.size < 8) throw fail('is too short to be a safetensors file');
  const length = new DataView((await source.read(0, 8)).slice().buffer).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) throw fail(`safetensors header length ${length} is over the 100 MB limit`);
  if (8n + length > BigInt(source.size)) {
    throw fail(`safetensors header length ${length} runs past the end of the ${source.size}-byte file`);
  }
  const dataStart = 8 + Number(length);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, dataStart - 8)));
  } catch (error) {
    throw fail(`safetensors header is not valid JSON (${errorMessage(error)})`);
  }
  if (!isRecord(header)) throw fail('safetensors header is not a JSON object');
  return { header, dataStart };
}

interface Range {
  name: string;
  begin: number;
  end: number;
}

function dataRange(path: string, name: string, offsets: unknown, dataSize: number): Range {
  const valid =
    Array.isArray(offsets) &&
    offsets.length === 2 &&
    offsets.every((o) => Number.isSafeInteger(o) && o >= 0) &&
    offsets[0] <= offsets[1];
  if (!valid) throw new WeightFileError(path, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as [number, number];
  if (end > dataSize) {
    throw new WeightFileError(
      path,
      `tensor "${name}" has data_offsets [${begin}, ${end}] past the end of the ${dataSize}-byte data section`,
    );
  }
  return { name, begin, end };
}

/** The format forbids two tensors sharing bytes. */
function checkNoOverlap(path: string, ranges: Range[]): void {
  const nonEmpty = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  let furthest: Range | undefined;
  for (const range of nonEmpty) {
    if (furthest && range.begin < furthest.end) {
      throw new WeightFileError(
        path,
        `tensors "${furthest.name}" [${furthest.begin}, ${furthest.end}] and "${range.name}" [${range.begin}, ${range.end}] overlap`,
      );
    }
    if (!furthest || range.end > furthest.end) furthest = range;
  }
}

function describe(unsupported: Map<string, string>): string[] {
  return [...unsupported].map(([name, dtype]) => `${name} (${dtype})`);
}

/** `__metadata__` is string → string by the spec; anything else is shown as JSON. */
function stringValues(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
