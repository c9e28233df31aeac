// One evolution view's host side: the model over a store of checkpoints, told of every
// file that appears, changes or goes; the view's messages answered (tensors newest
// request first, histograms streamed); the model's changes sent in batches, so a scan of
// a thousand checkpoints is a few dozen messages rather than thousands. Pure (no
// `vscode` import): the panel wires it to a webview and a watcher, the Chromium tests
// and the benchmark to a page.
import { randomUUID } from 'node:crypto';
import { pointsFileOf } from '../core/series/checkpointSeries';
import type { CheckpointStore } from '../core/series/checkpointStore';
import { parseCsvPoints, boundingBox } from '../core/mlp/dataset';
import { errorMessage } from '../core/util/errorMessage';
import {
  EvolutionModel,
  type CheckpointSummary,
  type EvolutionOptions,
  type SeriesEvent,
} from '../core/series/evolutionModel';
import { FetchQueue } from '../core/series/fetchQueue';
import type { Point } from '../core/mlp/run';
import { HistogramFeed } from '../core/series/histograms';
import { boxAroundLines } from '../core/series/hyperplanes';
import { mergeTrainingPoints, type TrainingPoint } from '../core/series/trainingCurve';
import type { EvolutionHostMessage, EvolutionWebviewMessage, SeriesState } from '../protocol';

/** How long changes gather before they go to the view. */
const BATCH_MS = 100;

export interface SeriesChange {
  name: string;
  deleted: boolean;
}

/** Where a series comes from. */
export interface SeriesSource {
  store: CheckpointStore;
  /** New checkpoints join (and `fileChanged` is told of them): a watched folder, a run in progress. */
  live: boolean;
  /** A file beside the checkpoints (the CSV of points). */
  readText?(name: string): Promise<string>;
}

export interface HostLog {
  info(message: string): void;
  warn(message: string): void;
}

export class EvolutionHost {
  /** Settles once every checkpoint found at the start was tried; rejects if the store cannot be listed. */
  readonly started: Promise<void>;
  private readonly model: EvolutionModel;
  private readonly seriesId = randomUUID();
  private readonly stopListening: () => void;
  private points?: { name: string; points: Point[] };
  /** The run's loss and accuracy by step, when it measures them. */
  private metrics: TrainingPoint[] = [];
  private ready = false;
  /** Changes not sent yet: the whole state, or checkpoints added and removed and metrics (with the status, always). */
  private pending = emptyBatch();
  private flushTimer?: ReturnType<typeof setTimeout>;
  private histograms?: HistogramFeed;
  private readonly fetches = new FetchQueue();
  private fetching = false;
  private disposed = false;

  constructor(
    private readonly source: SeriesSource,
    private readonly postMessage: (message: EvolutionHostMessage) => void,
    private readonly log: HostLog,
    options: EvolutionOptions = {},
  ) {
    this.model = new EvolutionModel(source.store, options);
    this.stopListening = this.model.onEvent((event) => this.modelChanged(event));
    this.started = this.start();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.flushTimer);
    this.histograms?.dispose();
    this.stopListening();
    this.model.dispose();
  }

  private async start(): Promise<void> {
    const { label } = this.source.store;
    await this.loadPoints();
    const started = Date.now();
    await this.model.start();
    const { problems } = this.model.status();
    this.log.info(
      `${label}: ${this.model.checkpoints.length} checkpoints read in ${Date.now() - started} ms` +
        (problems.length ? `; unreadable: ${problems.map((p) => `${p.name} (${p.message})`).join(', ')}` : ''),
    );
  }

  /** The CSV of points beside the checkpoints, if there is one that parses. */
  private async loadPoints(): Promise<void> {
    const { readText } = this.source;
    if (!readText) return;
    const name = pointsFileOf((await this.source.store.list()).map((f) => f.name));
    if (!name) {
      this.points = undefined;
      return;
    }
    try {
      this.points = { name, points: parseCsvPoints(await readText(name), name) };
    } catch (error) {
      this.points = undefined;
      this.log.warn(`${this.source.store.label}: ${errorMessage(error)}; the hyperplanes are drawn without points`);
    }
  }

  /** A file of the series' folder was created, changed or deleted; a run in memory added a checkpoint. */
  fileChanged({ name, deleted }: SeriesChange): void {
    if (/\.csv$/i.test(name)) {
      void this.loadPoints().then(() => this.schedule(true));
    } else if (deleted) {
      this.model.forget(name);
    } else {
      void this.model.notice(name);
    }
  }

  /** A run in memory measured loss and accuracy: charted beside its checkpoints, sent with the next batch. */
  metricsAdded(points: readonly TrainingPoint[]): void {
    if (!points.length) return;
    this.metrics = mergeTrainingPoints(this.metrics, points);
    this.pending.metrics.push(...points);
    this.schedule();
  }

  receive(message: EvolutionWebviewMessage): void {
    switch (message.type) {
      case 'evolutionReady':
        // A (re)loaded view starts from the whole state; what was pending is in it.
        this.ready = true;
        this.post(this.state());
        this.pending = emptyBatch();
        return;
      case 'requestSeriesTensors':
        if (message.seriesId !== this.seriesId) return;
        this.fetches.want(message.checkpoints.map((checkpoint) => ({ checkpoint, tensor: message.tensor })));
        void this.serveFetches();
        return;
      case 'requestSeriesHistograms':
        if (message.seriesId !== this.seriesId) return;
        this.histograms?.dispose();
        this.histograms = new HistogramFeed(this.model, message.tensor, (rows) =>
          this.post({ type: 'seriesHistograms', seriesId: this.seriesId, ...rows }),
        );
        void this.histograms.restart();
        return;
    }
  }

  private async serveFetches(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    try {
      for (let fetch = this.fetches.next(); fetch && !this.disposed; fetch = this.fetches.next()) {
        const { checkpoint, tensor } = fetch;
        try {
          const values = await this.model.read(checkpoint, tensor);
          this.post({ type: 'seriesTensor', seriesId: this.seriesId, checkpoint, tensor, values });
        } catch (error) {
          const message = errorMessage(error);
          this.post({ type: 'seriesTensorError', seriesId: this.seriesId, checkpoint, tensor, message });
        }
      }
    } finally {
      this.fetching = false;
    }
  }

  private modelChanged(event: SeriesEvent): void {
    switch (event.type) {
      case 'reset':
        void this.histograms?.restart();
        this.schedule(true);
        return;
      case 'added':
        this.pending.removed.delete(event.checkpoint.name);
        this.pending.added.set(event.checkpoint.name, event.checkpoint);
        void this.histograms?.added(event.checkpoint.name);
        this.schedule();
        return;
      case 'removed':
        this.pending.added.delete(event.name);
        this.pending.removed.add(event.name);
        this.schedule();
        return;
      case 'status':
        this.schedule();
        return;
    }
  }

  private schedule(full = false): void {
    this.pending.full ||= full;
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const { full, added, removed, metrics } = this.pending;
    this.pending = emptyBatch();
    if (!this.ready) return;
    const seriesId = this.seriesId;
    if (full) {
      this.post(this.state());
      return;
    }
    if (metrics.length) this.post({ type: 'seriesMetrics', seriesId, points: metrics });
    if (removed.size) this.post({ type: 'checkpointsRemoved', seriesId, names: [...removed] });
    if (added.size) {
      const checkpoints = [...added.values()];
      this.post({ type: 'checkpointsAdded', seriesId, checkpoints, tensors: this.model.tensors });
    }
    this.post({ type: 'seriesStatus', seriesId, status: this.model.status() });
  }

  private state(): SeriesState {
    const { store } = this.source;
    const checkpoints = this.model.checkpoints;
    const layers = this.model.hyperplanes;
    const first = checkpoints[0]?.snapshot;
    const points = this.points?.points ?? [];
    const box = points.length ? boundingBox(points) : first ? boxAroundLines(first) : undefined;
    return {
      type: 'series',
      seriesId: this.seriesId,
      title: store.label,
      ...(store.folder ? { folder: store.folder } : {}),
      live: this.source.live,
      layers: this.model.seriesLayers,
      tensors: this.model.tensors,
      checkpoints,
      ...(layers && box
        ? {
            hyperplanes: {
              regions: layers.output !== undefined,
              dataset: { name: this.points?.name ?? '', train: points, test: [], box },
            },
          }
        : {}),
      ...(this.metrics.length ? { metrics: this.metrics } : {}),
      status: this.model.status(),
    };
  }

  private post(message: EvolutionHostMessage): void {
    // A hidden or closed webview drops messages; a reloaded one says `evolutionReady` again.
    if (!this.disposed) this.postMessage(message);
  }
}

interface Batch {
  full: boolean;
  added: Map<string, CheckpointSummary>;
  removed: Set<string>;
  metrics: TrainingPoint[];
}

function emptyBatch(): Batch {
  return { full: false, added: new Map(), removed: new Set(), metrics: [] };
}
