// A checkpoint series as it grows: the checkpoints of a store read one at a time, in
// series order, each once in full when it joins (its tensors' ranges, how far each layer
// moved from the first checkpoint, its hyperplane snapshot), then lazily through the
// reader's caches. Files that fail to read are retried while they seem to be written
// (halfWritten.ts) and reported only once they stay unreadable. Listeners hear of every
// change; the extension turns them into messages for the view.
import {
  checkpointCandidates,
  checkpointNumber,
  compareCheckpoints,
  insertionIndex,
  sameShape,
  seriesTensors,
  type SeriesTensor,
} from './checkpointSeries';
import { CheckpointReader, type ReaderLimits } from './checkpointReader';
import type { CheckpointStore, StoredFile } from './checkpointStore';
import { errorMessage } from '../util/errorMessage';
import { yieldToEventLoop } from '../util/eventLoop';
import type { TensorInfo } from '../formats/weightFile';
import { afterFailedRead, type RetryPolicy, type WriteWatch } from './halfWritten';
import {
  findHyperplaneLayers,
  hyperplaneTensorNames,
  seriesSnapshot,
  type HyperplaneLayers,
  type SeriesSnapshot,
} from './hyperplanes';
import { layerDistances, layersOf, tensorMovement, type LayerDistances, type TensorMovement } from './metrics';
import { finiteRange, type ValueRange } from '../tensor/range';

/** What the view knows of a checkpoint without reading it. */
export interface CheckpointSummary extends LayerDistances {
  name: string;
  number?: number;
  bytes: number;
  snapshot?: SeriesSnapshot;
}

export interface SeriesProblem {
  name: string;
  message: string;
}

export interface SeriesStatus {
  /** Of the checkpoints found when the series opened, how many were read so far. */
  scanned: number;
  total: number;
  /** Failing to read while they change: being written, it seems, and retried. */
  waiting: string[];
  /** Unreadable, and no longer changing. */
  problems: SeriesProblem[];
}

export type SeriesEvent =
  /** The first checkpoint changed: every distance is from it now, and read again. */
  | { type: 'reset' }
  /** A checkpoint joined, or was read again after its file changed. */
  | { type: 'added'; checkpoint: CheckpointSummary }
  | { type: 'removed'; name: string }
  | { type: 'status' };

export interface EvolutionOptions {
  policy?: RetryPolicy;
  limits?: ReaderLimits;
  now?: () => number;
}

interface CheckpointRecord {
  summary: CheckpointSummary;
  file: StoredFile;
  tensors: TensorInfo[];
  ranges: Map<string, ValueRange>;
}

export class EvolutionModel {
  readonly reader: CheckpointReader;
  private records: CheckpointRecord[] = [];
  private readonly byName = new Map<string, CheckpointRecord>();
  private layers: string[] = [];
  private hyperplaneLayers?: HyperplaneLayers;
  private readonly queue = new Set<string>();
  /** Read again even though the file did not change (the first checkpoint did). */
  private readonly stale = new Set<string>();
  private readonly watches = new Map<string, WriteWatch>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly problems = new Map<string, string>();
  /** Found when the series opened and not tried yet. */
  private readonly unscanned = new Set<string>();
  private scanTotal = 0;
  private draining?: Promise<void>;
  private readonly listeners = new Set<(event: SeriesEvent) => void>();
  private disposed = false;

  constructor(
    readonly store: CheckpointStore,
    private readonly options: EvolutionOptions = {},
  ) {
    this.reader = new CheckpointReader(store, options.limits);
  }

  onEvent(listener: (event: SeriesEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lists the store and reads every checkpoint in it; resolves when all were tried once. */
  async start(): Promise<void> {
    const files = await this.store.list();
    const candidates = checkpointCandidates(
      files.map((f) => f.name),
      (name) => this.store.accepts(name),
    );
    this.scanTotal = candidates.length;
    for (const { name } of candidates) {
      this.unscanned.add(name);
      this.queue.add(name);
    }
    this.emit({ type: 'status' });
    await this.drain();
  }

  /** A file was created or changed: it is read (again); resolves when the queue is done. */
  notice(name: string): Promise<void> {
    if (this.disposed || !this.store.accepts(name)) return Promise.resolve();
    clearTimeout(this.retries.get(name));
    this.retries.delete(name);
    // A new change after a report: back to short retries.
    const watch = this.watches.get(name);
    if (watch) this.watches.set(name, { ...watch, attempts: 0 });
    this.queue.add(name);
    return this.drain();
  }

  /** A file was deleted. */
  forget(name: string): void {
    clearTimeout(this.retries.get(name));
    const wasWaiting = this.retries.delete(name);
    this.watches.delete(name);
    this.queue.delete(name);
    const hadProblem = this.problems.delete(name);
    if (this.removeRecord(name)) this.emit({ type: 'removed', name });
    else if (hadProblem || wasWaiting) this.emit({ type: 'status' });
  }

  get checkpoints(): CheckpointSummary[] {
    return this.records.map((r) => r.summary);
  }

  /** The layers of the first checkpoint, in the order of the distance arrays. */
  get seriesLayers(): string[] {
    return this.layers;
  }

  get tensors(): SeriesTensor[] {
    return seriesTensors(this.records.map((r) => r.tensors));
  }

  get hyperplanes(): HyperplaneLayers | undefined {
    return this.hyperplaneLayers;
  }

  status(): SeriesStatus {
    return {
      scanned: this.scanTotal - this.unscanned.size,
      total: this.scanTotal,
      waiting: [...this.retries.keys()],
      problems: [...this.problems].map(([name, message]) => ({ name, message })),
    };
  }

  /** A tensor's finite range in a checkpoint, undefined when it does not have the tensor. */
  rangeOf(checkpoint: string, tensor: string): ValueRange | undefined {
    return this.byName.get(checkpoint)?.ranges.get(tensor);
  }

  /** A tensor of a checkpoint of the series (and only of one: names come from the view). */
  read(checkpoint: string, tensor: string): Promise<Float32Array> {
    if (!this.byName.has(checkpoint)) {
      return Promise.reject(new Error(`${checkpoint} is not a checkpoint of ${this.store.label}`));
    }
    return this.reader.read(checkpoint, tensor);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.queue.clear();
    this.listeners.clear();
    this.reader.dispose();
  }

  private emit(event: SeriesEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** One reader at a time, in the queue's order, yielding between checkpoints. */
  private drain(): Promise<void> {
    this.draining ??= this.readQueue().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async readQueue(): Promise<void> {
    for (let name = first(this.queue); name !== undefined && !this.disposed; name = first(this.queue)) {
      this.queue.delete(name);
      await this.update(name);
      await yieldToEventLoop();
    }
  }

  private async update(name: string): Promise<void> {
    const file = await this.store.stat(name);
    const known = this.byName.get(name);
    if (!file) {
      this.unscanned.delete(name);
      this.forget(name);
      return;
    }
    const unchanged = known && known.file.size === file.size && known.file.mtimeMs === file.mtimeMs;
    if (unchanged && !this.stale.delete(name)) return;
    if (!unchanged) this.reader.forget(name);
    try {
      const record = await this.readRecord(name, file);
      if (this.disposed) return;
      this.accept(record);
    } catch (error) {
      if (this.disposed) return;
      this.reject(name, file, errorMessage(error));
    }
    this.unscanned.delete(name);
    this.emit({ type: 'status' });
  }

  private accept(record: CheckpointRecord): void {
    const { name } = record.summary;
    this.watches.delete(name);
    this.problems.delete(name);
    const reference = this.records[0];
    const known = this.byName.get(name);
    if (known) this.records.splice(this.records.indexOf(known), 1);
    this.records.splice(insertionIndex(this.checkpoints, record.summary), 0, record);
    this.byName.set(name, record);
    // A new first checkpoint, or the first one read again.
    if (this.records[0] !== reference) this.rebase();
    else this.emit({ type: 'added', checkpoint: record.summary });
  }

  private reject(name: string, file: StoredFile, message: string): void {
    // A checkpoint being rewritten leaves the series until it reads again.
    if (this.removeRecord(name)) this.emit({ type: 'removed', name });
    const { watch, decision } = afterFailedRead(this.watches.get(name), file, this.now(), this.options.policy);
    this.watches.set(name, watch);
    if (decision.action === 'report') {
      this.problems.set(name, message);
      return;
    }
    const timer = setTimeout(() => {
      this.retries.delete(name);
      this.queue.add(name);
      void this.drain();
    }, decision.delayMs);
    this.retries.set(name, timer);
  }

  /** Removes a checkpoint's record; a new first checkpoint rebases the series. */
  private removeRecord(name: string): boolean {
    const record = this.byName.get(name);
    if (!record) return false;
    const index = this.records.indexOf(record);
    this.records.splice(index, 1);
    this.byName.delete(name);
    this.reader.forget(name);
    if (index === 0 && this.records.length) this.rebase();
    return true;
  }

  /**
   * The first checkpoint is new: the layers and the hyperplane tensors are its, and the
   * others are read again for their distances from it (unknown until then).
   */
  private rebase(): void {
    const [reference, ...others] = this.records;
    this.layers = layersOf(reference.tensors.map((t) => t.name));
    this.hyperplaneLayers = findHyperplaneLayers(reference.tensors);
    reference.summary = { ...reference.summary, ...layerDistances(this.layers, selfMovements(reference)) };
    for (const record of others) {
      const unknown = this.layers.map(() => null);
      record.summary = { ...record.summary, distance: unknown, relative: unknown };
      this.stale.add(record.summary.name);
      this.queue.add(record.summary.name);
    }
    this.emit({ type: 'reset' });
    void this.drain();
  }

  /** Reads every tensor once: its range, its movement from the first checkpoint, the snapshot's values. */
  private async readRecord(name: string, file: StoredFile): Promise<CheckpointRecord> {
    const weightFile = await this.reader.open(name);
    if (weightFile.tensors.length === 0) throw new Error(`${name} has no tensors`);
    const number = checkpointNumber(name);
    const reference = this.records[0];
    const isFirst = !reference || compareCheckpoints({ name, number }, reference.summary) <= 0;
    const referenceTensors = new Map(isFirst ? [] : reference.tensors.map((t) => [t.name, t]));
    // A snapshot only where this checkpoint's hidden layer is the series' (the first checkpoint's).
    const own = findHyperplaneLayers(weightFile.tensors);
    const series = isFirst ? own : this.hyperplaneLayers;
    const fits =
      own && series && own.hidden.weight === series.hidden.weight && own.hidden.units === series.hidden.units;
    const snapshotNames = new Set(fits ? hyperplaneTensorNames(own) : []);
    const ranges = new Map<string, ValueRange>();
    const movements = new Map<string, TensorMovement>();
    const snapshotValues = new Map<string, Float32Array>();
    for (const tensor of weightFile.tensors) {
      const values = await this.reader.read(name, tensor.name);
      ranges.set(tensor.name, finiteRange(values));
      if (snapshotNames.has(tensor.name)) snapshotValues.set(tensor.name, values);
      const base = referenceTensors.get(tensor.name);
      if (base && sameShape(base.shape, tensor.shape)) {
        const movement = tensorMovement(values, await this.reader.read(reference.summary.name, tensor.name));
        if (movement) movements.set(tensor.name, movement);
      }
    }
    const layers = isFirst ? layersOf(weightFile.tensors.map((t) => t.name)) : this.layers;
    const distances = isFirst
      ? layerDistances(layers, selfMovements({ tensors: weightFile.tensors }))
      : layerDistances(layers, movements);
    const snapshot = fits ? seriesSnapshot(own, snapshotValues, number ?? 0) : undefined;
    return {
      summary: { name, ...(number === undefined ? {} : { number }), bytes: file.size, ...distances, snapshot },
      file,
      tensors: weightFile.tensors,
      ranges,
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** The first checkpoint against itself: no movement (its norms are not needed for that). */
function selfMovements({ tensors }: { tensors: TensorInfo[] }): Map<string, TensorMovement> {
  return new Map(tensors.map((t) => [t.name, { deltaSquares: 0, baseSquares: 1 }]));
}

function first<T>(set: Set<T>): T | undefined {
  return set.values().next().value;
}
