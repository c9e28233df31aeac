// Zip archives (PyTorch checkpoints, .npz, .keras) read through a ByteSource with yauzl:
// it handles zip64, validates names and checks that an entry inflates to exactly its
// declared size (zip bombs stop there). Stored entries — how torch.save writes tensor
// data — are read by byte range straight from the file, never inflated or copied whole.
import { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { type ByteSource, WeightFileError } from './weightFile';
import { errorMessage } from '../util/errorMessage';

/** More entries than any real checkpoint has; a central directory claiming more is refused. */
const MAX_ENTRIES = 200_000;
/** Compressed entries are inflated in memory: refuse any that would inflate past this. */
const MAX_INFLATED_BYTES = 1 << 30;
const READ_CHUNK = 1 << 20;
const READ_AHEAD = 64 << 10;

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressed: boolean;
}

export interface ZipArchive {
  entries: Map<string, ZipEntryInfo>;
  /** `length` bytes (default: to the end) of an entry's uncompressed data from `offset`. */
  read(name: string, offset?: number, length?: number): Promise<Uint8Array>;
  close(): void;
}

/**
 * yauzl reads the central directory a few bytes per entry, through streams by default:
 * serving those reads directly, from a read-ahead window once they run in sequence,
 * lists a checkpoint with a thousand entries in a few reads and no stream per read.
 */
class ByteSourceReader extends yauzl.RandomAccessReader {
  private window: { start: number; bytes: Uint8Array } | undefined;
  private lastEnd = -1;

  constructor(private readonly source: ByteSource) {
    super();
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    this.bytes(position, position + length).then(
      (bytes) => {
        buffer.set(bytes, offset);
        callback(null);
      },
      (error: Error) => callback(error),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const source = this.source;
    return Readable.from(
      (async function* () {
        for (let at = start; at < end; at += READ_CHUNK)
          yield Buffer.from(await source.read(at, Math.min(READ_CHUNK, end - at)));
      })(),
    );
  }

  /** Sequential small reads (the central directory) read ahead; others read just their bytes. */
  private async bytes(start: number, end: number): Promise<Uint8Array> {
    const sequential = start === this.lastEnd;
    this.lastEnd = end;
    const w = this.window;
    if (w && start >= w.start && end <= w.start + w.bytes.length)
      return w.bytes.subarray(start - w.start, end - w.start);
    if (!sequential || end - start > READ_AHEAD / 4) return this.source.read(start, end - start);
    const length = Math.max(end, Math.min(this.source.size, start + READ_AHEAD)) - start;
    this.window = { start, bytes: await this.source.read(start, length) };
    return this.window.bytes.subarray(0, end - start);
  }
}

export function isZip(head: Uint8Array): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  );
}

export async function openZip(source: ByteSource): Promise<ZipArchive> {
  const fail = (problem: string) => new WeightFileError(source.path, problem);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new ByteSourceReader(source), source.size, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw fail(`not a readable zip archive (${errorMessage(error)})`);
  }
  if (zip.entryCount > MAX_ENTRIES)
    throw fail(`zip archive lists ${zip.entryCount} entries (more than ${MAX_ENTRIES})`);
  const raw = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) raw.set(entry.fileName, entry);
  } catch (error) {
    throw fail(`damaged zip archive (${errorMessage(error)})`);
  }
  const dataStarts = new Map<string, number>();

  const entryOf = (name: string): yauzl.Entry => {
    const entry = raw.get(name);
    if (!entry) throw fail(`zip archive has no entry "${name}"`);
    if (entry.isEncrypted()) throw fail(`zip entry "${name}" is encrypted`);
    return entry;
  };

  const readStored = async (entry: yauzl.Entry, offset: number, length: number): Promise<Uint8Array> => {
    let start = dataStarts.get(entry.fileName);
    if (start === undefined) {
      start = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
      dataStarts.set(entry.fileName, start);
    }
    return source.read(start + offset, length);
  };

  const readInflated = async (entry: yauzl.Entry): Promise<Uint8Array> => {
    if (entry.uncompressedSize > MAX_INFLATED_BYTES) {
      throw fail(`zip entry "${entry.fileName}" would inflate to ${entry.uncompressedSize} bytes`);
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    } catch (error) {
      throw fail(`zip entry "${entry.fileName}" cannot be inflated (${errorMessage(error)})`);
    }
    return Buffer.concat(chunks);
  };

  return {
    entries: new Map(
      [...raw.values()].map((e) => [
        e.fileName,
        { name: e.fileName, size: e.uncompressedSize, compressed: e.compressionMethod !== 0 },
      ]),
    ),
    async read(name, offset = 0, length) {
      const entry = entryOf(name);
      const size = entry.uncompressedSize;
      const wanted = length ?? size - offset;
      if (offset < 0 || wanted < 0 || offset + wanted > size) {
        throw fail(`zip entry "${name}" has ${size} bytes; bytes ${offset}–${offset + wanted} were asked for`);
      }
      if (entry.compressionMethod !== 0) return (await readInflated(entry)).subarray(offset, offset + wanted);
      if (entry.compressedSize !== size) throw fail(`zip entry "${name}" is stored but its sizes differ`);
      try {
        return await readStored(entry, offset, wanted);
      } catch (error) {
        // yauzl reports a damaged local header with plain Errors.
        if (error instanceof WeightFileError) throw error;
        throw fail(`zip entry "${name}" cannot be read (${errorMessage(error)})`);
      }
    },
    close: () => zip.close(),
  };
}
