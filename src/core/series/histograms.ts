// One tensor's histogram at every checkpoint of a series, over bin edges the whole series
// shares, so the bars of one checkpoint and the next stand on the same axis. Rows go out
// in batches as they are read; a checkpoint that joins adds its row, or, when its values
// spread past the edges, every row is counted again over wider ones.
import { yieldToEventLoop } from '../util/eventLoop';
import type { EvolutionModel } from './evolutionModel';
import { sharedBinEdges } from './metrics';
import { binCounts } from '../tensor/statistics';

export const HISTOGRAM_BINS = 48;
/** Rows sent at once, at most; fewer when they take long to read. */
const BATCH_ROWS = 64;
const BATCH_MS = 100;

export interface HistogramRow {
  checkpoint: string;
  counts: number[];
}

export interface HistogramRows {
  tensor: string;
  edges: number[];
  rows: HistogramRow[];
  /** These rows start over (new edges): drop those sent before. */
  replace: boolean;
}

type Model = Pick<EvolutionModel, 'checkpoints' | 'rangeOf' | 'read'>;

export class HistogramFeed {
  private edges: number[] = [];
  /** Bumped to stop the rows being counted. */
  private generation = 0;
  /** Restarts and added rows run one after the other, so rows never overtake a restart. */
  private work: Promise<void> = Promise.resolve();
  /** A recount waits its turn: more restarts until it starts are the same one (a scan adds checkpoints by the hundred). */
  private recountQueued = false;

  constructor(
    private readonly model: Model,
    readonly tensor: string,
    private readonly send: (rows: HistogramRows) => void,
    private readonly bins = HISTOGRAM_BINS,
  ) {}

  /** Every row again, over edges spanning every checkpoint's values; stops a count under way. */
  restart(): Promise<void> {
    this.generation++;
    if (this.recountQueued) return this.work;
    this.recountQueued = true;
    return this.enqueue(() => {
      this.recountQueued = false;
      return this.countAll(this.generation);
    });
  }

  /** A checkpoint joined or changed; resolves when its row (or the recount it needs) is sent. */
  added(checkpoint: string): Promise<void> {
    const generation = this.generation;
    const task = this.enqueue(async () => {
      const range = this.model.rangeOf(checkpoint, this.tensor);
      if (!range || generation !== this.generation || this.recountQueued) return;
      const [low, high] = [this.edges[0], this.edges[this.edges.length - 1]];
      if (!this.edges.length || range.low < low || range.high > high) {
        void this.restart();
        return;
      }
      const row = await this.row(checkpoint);
      if (row && generation === this.generation)
        this.send({ tensor: this.tensor, edges: this.edges, rows: [row], replace: false });
    });
    return task.then(() => this.work);
  }

  dispose(): void {
    this.generation++;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work.then(task, task);
    return this.work;
  }

  private async countAll(generation: number): Promise<void> {
    const names = this.model.checkpoints.map((c) => c.name);
    const ranges = names.map((name) => this.model.rangeOf(name, this.tensor)).filter((r) => r !== undefined);
    this.edges = sharedBinEdges(ranges, this.bins);
    let [rows, replace, since] = [[] as HistogramRow[], true, Date.now()];
    const flush = (): void => {
      this.send({ tensor: this.tensor, edges: this.edges, rows, replace });
      [rows, replace, since] = [[], false, Date.now()];
    };
    for (const name of names) {
      if (generation !== this.generation) return;
      const row = await this.row(name);
      if (row) rows.push(row);
      if (rows.length >= BATCH_ROWS || Date.now() - since > BATCH_MS) flush();
      await yieldToEventLoop();
    }
    if (generation === this.generation && (rows.length || replace)) flush();
  }

  /** Undefined when the checkpoint lacks the tensor, or it cannot be read any more. */
  private async row(checkpoint: string): Promise<HistogramRow | undefined> {
    if (!this.edges.length || !this.model.rangeOf(checkpoint, this.tensor)) return undefined;
    try {
      const { counts } = binCounts(await this.model.read(checkpoint, this.tensor), this.edges);
      return { checkpoint, counts };
    } catch {
      return undefined;
    }
  }
}
