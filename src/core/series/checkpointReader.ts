// Reads a series' tensors lazily, keeping what scrubbing needs close: decoded tensors in
// an LRU bounded by bytes, and a few files open (headers parsed) in an LRU of their own.
// Two requests for the same tensor share one read.
import type { CheckpointStore } from './checkpointStore';
import type { WeightFile } from '../formats/weightFile';
import { Lru } from '../util/lru';

export interface ReaderLimits {
  /** Bytes of decoded tensors kept. */
  cacheBytes: number;
  /** Files kept open. */
  openFiles: number;
}

export const READER_LIMITS: ReaderLimits = { cacheBytes: 256 << 20, openFiles: 16 };

/** An open file and the reads in progress on it: it is closed only once they are done. */
interface OpenFile {
  file: Promise<WeightFile>;
  reads: number;
  evicted: boolean;
}

const keyOf = (checkpoint: string, tensor: string): string => `${checkpoint}\u0000${tensor}`;

export class CheckpointReader {
  private readonly tensors: Lru<Float32Array>;
  private readonly files: Lru<OpenFile>;
  private readonly reading = new Map<string, Promise<Float32Array>>();
  /** Bumped when a checkpoint is forgotten, so reads started before do not fill the cache. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly store: CheckpointStore,
    limits: ReaderLimits = READER_LIMITS,
  ) {
    this.tensors = new Lru({ capacity: limits.cacheBytes, weigh: (v) => v.byteLength });
    this.files = new Lru({
      capacity: limits.openFiles,
      weigh: () => 1,
      onEvict: (open) => {
        open.evicted = true;
        if (open.reads === 0) close(open);
      },
    });
  }

  /** The checkpoint, opened (or still open). */
  async open(checkpoint: string): Promise<WeightFile> {
    return this.use(checkpoint, (file) => Promise.resolve(file));
  }

  read(checkpoint: string, tensor: string): Promise<Float32Array> {
    const key = keyOf(checkpoint, tensor);
    const cached = this.tensors.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.reading.get(key);
    if (!pending) {
      const generation = this.generations.get(checkpoint);
      const read = this.use(checkpoint, (file) => file.read(tensor));
      pending = read.finally(() => {
        if (this.reading.get(key) === pending) this.reading.delete(key);
      });
      this.reading.set(key, pending);
      read.then(
        (values) => {
          if (this.generations.get(checkpoint) === generation) this.tensors.set(key, values);
        },
        () => undefined,
      );
    }
    return pending;
  }

  /** Whether the tensor is decoded and kept. */
  has(checkpoint: string, tensor: string): boolean {
    return this.tensors.has(keyOf(checkpoint, tensor));
  }

  /** The file changed or went away: nothing read from it before is kept. */
  forget(checkpoint: string): void {
    const prefix = keyOf(checkpoint, '');
    this.generations.set(checkpoint, (this.generations.get(checkpoint) ?? 0) + 1);
    this.tensors.deleteWhere((key) => key.startsWith(prefix));
    for (const key of [...this.reading.keys()]) if (key.startsWith(prefix)) this.reading.delete(key);
    this.files.delete(checkpoint);
  }

  dispose(): void {
    this.tensors.clear();
    this.files.clear();
  }

  private async use<T>(checkpoint: string, action: (file: WeightFile) => Promise<T>): Promise<T> {
    let open = this.files.get(checkpoint);
    if (!open) {
      open = { file: this.store.open(checkpoint), reads: 0, evicted: false };
      // A file that failed to open is not kept: the next attempt opens it again.
      open.file.catch(() => this.files.get(checkpoint) === open && this.files.delete(checkpoint));
      this.files.set(checkpoint, open);
    }
    open.reads++;
    try {
      return await action(await open.file);
    } finally {
      open.reads--;
      if (open.evicted && open.reads === 0) close(open);
    }
  }
}

function close(open: OpenFile): void {
  open.file.then((file) => file.close()).catch(() => undefined);
}
