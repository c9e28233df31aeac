// PyTorch's legacy format (torch.save before 1.6, or _use_new_zipfile_serialization=False):
// five pickles in a row — the magic number, the protocol version (1001), sys_info, the
// object, the sorted list of storage keys — then each storage as a little-endian u64
// element count followed by its raw data. Opening reads the pickles and the counts;
// tensor bytes are read by range when asked for.
import { type PickleValue, PickleTruncatedError, type UnpickleOptions, unpickle } from './pickle';
import { storageLoader, TORCH_PICKLE, TorchStorage, type TorchWeightFile, torchWeightFile } from './pytorchTensors';
import { type ByteSource, WeightFileError } from './weightFile';

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
/** The pickled magic number at protocol 2: PROTO 2, LONG1 of 10 bytes, the bytes (little-endian). */
export const PYTORCH_LEGACY_MAGIC_PICKLE: readonly number[] = [
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
];
/** The pickles come first, and are small; the storages after them are not read at open. */
const FIRST_READ = 64 << 10;
const MAX_PICKLE_BYTES = 256 << 20;

interface Header {
  littleEndian: boolean;
  object: PickleValue;
  keys: string[];
  /** Where the first storage's count is. */
  end: number;
  /** Every storage the object's persistent ids name, by key. */
  storages: Map<string, TorchStorage>;
}

export async function readPytorchLegacy(source: ByteSource): Promise<TorchWeightFile> {
  const header = await readHeader(source);
  const ranges = await storageRanges(source, header);
  return torchWeightFile({
    source,
    roots: [['', header.object]],
    storages: {
      size: (key) => ranges.get(key)?.length,
      read: (key, offset, length) => source.read(ranges.get(key)!.start + offset, length),
    },
    littleEndian: header.littleEndian,
    metadata: {
      format: 'legacy (before PyTorch 1.6)',
      byteorder: header.littleEndian ? 'little' : 'big',
      protocol_version: String(PROTOCOL_VERSION),
    },
    close: () => source.close(),
  });
}

/** Reads the five pickles from a prefix of the file, growing it until they fit. */
async function readHeader(source: ByteSource): Promise<Header> {
  let length = Math.min(source.size, FIRST_READ);
  for (;;) {
    try {
      return parseHeader(source.path, await source.read(0, length));
    } catch (error) {
      // Grow the prefix only when the file holds what the pickles still need.
      if (!(error instanceof PickleTruncatedError) || error.needed > Math.min(source.size, MAX_PICKLE_BYTES))
        throw error;
      length = Math.min(source.size, MAX_PICKLE_BYTES, Math.max(error.needed, length * 4));
    }
  }
}

function parseHeader(path: string, bytes: Uint8Array): Header {
  const fail = (problem: string): never => {
    throw new WeightFileError(path, problem);
  };
  const next = (start: number, options: Partial<UnpickleOptions> = {}) => unpickle(bytes, { path, start, ...options });
  const magic = next(0);
  if (magic.value !== MAGIC_NUMBER) fail('does not start with the PyTorch legacy magic number');
  const protocol = next(magic.end);
  if (protocol.value !== PROTOCOL_VERSION) fail(`legacy protocol version is ${String(protocol.value)}, not 1001`);
  const sysInfo = next(protocol.end);
  const storages = new Map<string, TorchStorage>();
  const load = storageLoader((key) => key);
  const object = next(sysInfo.end, {
    ...TORCH_PICKLE,
    persistentLoad: (pid, failAt) => {
      const storage = load(pid, failAt);
      if (storage instanceof TorchStorage) storages.set(storage.entry, storage);
      return storage;
    },
  });
  const keys = next(object.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string'))
    fail('the storage key list is not a list of strings');
  const littleEndian = !(sysInfo.value instanceof Map) || sysInfo.value.get('little_endian') !== false;
  return { littleEndian, object: object.value, keys: keys.value as string[], end: keys.end, storages };
}

/** Each storage's bytes in the file, found by walking the counts that precede them. */
async function storageRanges(
  source: ByteSource,
  header: Header,
): Promise<Map<string, { start: number; length: number }>> {
  const ranges = new Map<string, { start: number; length: number }>();
  let at = header.end;
  for (const key of header.keys) {
    const storage = header.storages.get(key);
    if (!storage) throw new WeightFileError(source.path, `storage "${key}" is listed but no tensor uses it`);
    const countBytes = await source.read(at, 8);
    const count = Number(new DataView(countBytes.buffer, countBytes.byteOffset, 8).getBigUint64(0, true));
    const length = count * storage.elementSize;
    if (!Number.isSafeInteger(length) || at + 8 + length > source.size)
      throw new WeightFileError(source.path, `truncated: storage "${key}" of ${count} elements runs past the end`);
    ranges.set(key, { start: at + 8, length });
    at += 8 + length;
  }
  return ranges;
}
