// NumPy .npy (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) and
// .npz (a zip of .npy files). The header is a Python dict literal; it is parsed here by a
// small literal parser — never evaluated — and object arrays (pickles) are refused.
import { basename } from 'node:path';
import { decodeToFloat32, dtypeSize } from './dtype';
import { type TensorEntry, makeWeightFile, noteUnsupported, tensorByteLength, tensorInfo } from './tensorTable';
import { type ByteSource, type DType, type WeightFile, WeightFileError } from './weightFile';
import type { ZipArchive } from './zip';
import { errorMessage } from '../util/errorMessage';

export const NPY_MAGIC: readonly number[] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy itself refuses headers past 10 kB by default; this leaves room for odd writers. */
const MAX_HEADER_BYTES = 1 << 20;
const HEAD_BYTES = 4096;
const MAX_NESTING = 32;

/** `kind + size` of a descr (after its byte-order character) → dtype. */
const DTYPES = new Map<string, DType>([
  ['f2', 'float16'],
  ['f4', 'float32'],
  ['f8', 'float64'],
  ['i1', 'int8'],
  ['i2', 'int16'],
  ['i4', 'int32'],
  ['i8', 'int64'],
  ['u1', 'uint8'],
  ['b1', 'bool'],
]);

interface NpyHeader {
  dtype: DType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
  byteLength: number;
}

/** Reads `length` bytes from `offset` of one .npy (a file, or a zip entry). */
type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

/** A dtype Weight Lens does not read: fatal for a lone .npy, a skipped entry in a .npz. */
class UnsupportedDtype extends Error {}

export async function readNpy(source: ByteSource): Promise<WeightFile> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  const read: ReadRange = (offset, length) => source.read(offset, length);
  // A .npy holds one array: it takes the file's name.
  const name = basename(source.path);
  let header: NpyHeader;
  try {
    header = await readHeader(read, source.size, name, fail);
  } catch (error) {
    throw error instanceof UnsupportedDtype ? fail(error.message) : error;
  }
  return makeWeightFile({
    format: 'numpy',
    path: source.path,
    entries: [entry(name, header, read)],
    metadata: {},
    close: () => source.close(),
  });
}

/** Each `NAME.npy` entry of the archive is a tensor named NAME; stored entries are read by range. */
export async function readNpz(source: ByteSource, zip: ZipArchive): Promise<WeightFile> {
  const entries: TensorEntry[] = [];
  const unsupported: string[] = [];
  try {
    for (const { name: entryName, size } of zip.entries.values()) {
      if (!entryName.endsWith('.npy')) continue;
      const name = entryName.slice(0, -'.npy'.length);
      const fail = (problem: string) => new WeightFileError(source.path, `entry "${entryName}": ${problem}`);
      const read: ReadRange = (offset, length) => zip.read(entryName, offset, length);
      try {
        entries.push(entry(name, await readHeader(read, size, name, fail), read));
      } catch (error) {
        if (!(error instanceof UnsupportedDtype)) throw error;
        unsupported.push(`${name} (${error.message})`);
      }
    }
  } catch (error) {
    zip.close();
    throw error;
  }
  const metadata: Record<string, string> = {};
  noteUnsupported(metadata, unsupported);
  return makeWeightFile({
    format: 'numpy',
    path: source.path,
    entries,
    metadata,
    close: async () => {
      zip.close();
      await source.close();
    },
  });
}

function entry(name: string, header: NpyHeader, read: ReadRange): TensorEntry {
  const { dtype, shape, littleEndian, fortranOrder, dataOffset, byteLength } = header;
  return {
    info: tensorInfo(name, dtype, shape, 'OIHW'),
    async load() {
      const count = byteLength / dtypeSize(dtype);
      const values = decodeToFloat32(await read(dataOffset, byteLength), dtype, count, littleEndian);
      return fortranOrder ? fortranToRowMajor(values, shape) : values;
    },
  };
}

async function readHeader(
  read: ReadRange,
  size: number,
  name: string,
  fail: (problem: string) => WeightFileError,
): Promise<NpyHeader> {
  if (size < 10) throw fail('is too short to be a .npy file');
  // One read covers the header of any ordinary .npy (and inflates a compressed .npz entry once).
  let head = await read(0, Math.min(size, HEAD_BYTES));
  if (!NPY_MAGIC.every((b, i) => head[i] === b)) throw fail('does not start with the .npy magic string');
  const major = head[6];
  if (major < 1 || major > 3) throw fail(`has .npy format version ${major}, not 1, 2 or 3`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (size < 8 + lengthBytes) throw fail('is too short to be a .npy file');
  const view = new DataView(head.buffer, head.byteOffset, head.length);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES) throw fail(`.npy header length ${headerLength} is over the 1 MB limit`);
  if (headerStart + headerLength > size) throw fail(`.npy header length ${headerLength} runs past the end`);
  if (headerStart + headerLength > head.length) head = await read(0, headerStart + headerLength);
  // Versions 1 and 2 write latin-1, version 3 UTF-8.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    head.subarray(headerStart, headerStart + headerLength),
  );
  const dataOffset = headerStart + headerLength;
  const header = parseHeaderDict(text, fail);
  let byteLength: number;
  try {
    byteLength = tensorByteLength('', name, header.dtype, header.shape);
  } catch (error) {
    throw error instanceof WeightFileError ? fail(error.problem) : error;
  }
  if (dataOffset + byteLength > size) {
    throw fail(
      `truncated: ${header.dtype} [${header.shape.join(', ')}] needs ${byteLength} bytes of data, the file has ${size - dataOffset}`,
    );
  }
  return { ...header, dataOffset, byteLength };
}

function parseHeaderDict(
  text: string,
  fail: (problem: string) => WeightFileError,
): Omit<NpyHeader, 'dataOffset' | 'byteLength'> {
  let dict: PyValue;
  try {
    dict = new PyLiteralParser(text).parseWhole();
  } catch (error) {
    throw fail(`.npy header is not a Python literal dict (${errorMessage(error)})`);
  }
  if (!(dict instanceof Map)) throw fail('.npy header is not a dict');
  const descr = dict.get('descr');
  const fortranOrder = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string' && !Array.isArray(descr)) throw fail('.npy header has no "descr"');
  if (typeof fortranOrder !== 'boolean') throw fail('.npy header has no boolean "fortran_order"');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw fail('.npy header has no valid "shape" tuple');
  }
  return { ...parseDescr(descr), fortranOrder, shape: shape as number[] };
}

function parseDescr(descr: string | PyValue[]): { dtype: DType; littleEndian: boolean } {
  if (Array.isArray(descr)) throw new UnsupportedDtype('structured dtype (record array), not supported');
  const match = /^([<>|=])(.+)$/.exec(descr);
  const code = match?.[2] ?? descr;
  if (code.startsWith('O')) {
    throw new UnsupportedDtype(
      `object dtype "${descr}": its values are pickled Python objects, which Weight Lens never loads`,
    );
  }
  const dtype = DTYPES.get(code);
  if (!match || !dtype) throw new UnsupportedDtype(`dtype "${descr}" is not supported`);
  // '=' is the writer's native order; every platform NumPy runs on today is little-endian.
  return { dtype, littleEndian: match[1] !== '>' };
}

/** Column-major (Fortran) values of `shape` → row-major. */
export function fortranToRowMajor(values: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length < 2) return values;
  const out = new Float32Array(values.length);
  const rowStrides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  let target = 0;
  // Walk the input in its own (first axis fastest) order, tracking the row-major position.
  for (let i = 0; i < values.length; i++) {
    out[target] = values[i];
    for (let k = 0; k < shape.length; k++) {
      index[k]++;
      target += rowStrides[k];
      if (index[k] < shape[k]) break;
      target -= index[k] * rowStrides[k];
      index[k] = 0;
    }
  }
  return out;
}

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/**
 * The Python literals a .npy header uses: dicts with string keys, tuples, lists, strings,
 * integers, True/False/None. Anything else is an error, not code.
 */
class PyLiteralParser {
  private at = 0;

  constructor(private readonly text: string) {}

  parseWhole(): PyValue {
    const value = this.value(0);
    this.skipSpace();
    if (this.at !== this.text.length) throw new Error(`unexpected "${this.text[this.at]}" at ${this.at}`);
    return value;
  }

  private value(depth: number): PyValue {
    if (depth > MAX_NESTING) throw new Error('nested too deeply');
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.sequence(')', depth);
    if (c === '[') return this.sequence(']', depth);
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:[-+]?\d+L?|True|False|None)/.exec(this.text.slice(this.at, this.at + 32))?.[0];
    if (!word) throw new Error(`unexpected "${c ?? 'end of header'}" at ${this.at}`);
    this.at += word.length;
    if (word === 'True' || word === 'False') return word === 'True';
    if (word === 'None') return null;
    return Number(word.replace('L', ''));
  }

  private dict(depth: number): Map<string, PyValue> {
    const map = new Map<string, PyValue>();
    this.items('}', () => {
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw new Error('dict key is not a string');
      this.expect(':');
      map.set(key, this.value(depth + 1));
    });
    return map;
  }

  private sequence(close: string, depth: number): PyValue[] {
    const list: PyValue[] = [];
    this.items(close, () => list.push(this.value(depth + 1)));
    return list;
  }

  /** `open item, item, ... close` with an optional trailing comma. */
  private items(close: string, item: () => void): void {
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) break;
      item();
      this.skipSpace();
      if (this.text[this.at] !== ',') break;
      this.at++;
    }
    this.expect(close);
  }

  private string(): string {
    const quote = this.text[this.at++];
    let out = '';
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) throw new Error('unterminated string');
      if (c === quote) return out;
      out += c === '\\' ? (this.text[this.at++] ?? '') : c;
    }
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.at] !== c) throw new Error(`expected "${c}" at ${this.at}`);
    this.at++;
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }
}
