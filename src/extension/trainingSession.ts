// Owns the current training run: starts it (stopping the previous one), streams its
// snapshots to every connected webview in batches, and keeps the whole run so a view that
// opens (or reloads) later gets it at once as `runState`.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { makeDataset } from '../core/mlp/dataset';
import type { Dataset, Snapshot, TrainRun } from '../core/mlp/run';
import { snapshotSchedule } from '../core/mlp/schedule';
import { describeConfig, resolveTrainConfig, type TrainConfig } from '../core/mlp/config';
import { trainMlp } from '../core/mlp/trainer';
import {
  type HyperplanesHostMessage,
  type RunStartedMessage,
  type RunStateMessage,
  startedRunState,
  type HyperplanesWebviewMessage,
} from '../protocol';
import { reportErrors } from './reportErrors';
import { errorMessage } from '../core/util/errorMessage';

export type RunState = RunStateMessage;

/** What the status bar, context key and progress notification show. */
export interface TrainingStatus {
  runId: string;
  running: boolean;
  config: TrainConfig;
  backend: string;
  iteration: number;
}

export interface SessionDependencies {
  log: vscode.LogOutputChannel;
  /** Starts the tfjs backend (once) and names it. */
  startBackend: () => Promise<string>;
  /** The user's settings, under any explicit overrides. */
  defaults: () => Partial<TrainConfig>;
  readCsv: (csvPath: string) => Promise<string>;
}

/** Snapshots are sent in batches at most this often: a message per snapshot floods the webview early on. */
const FLUSH_MS = 50;

interface ActiveRun {
  state: RunState;
  controller: AbortController;
  /** Kept but not yet sent to the views. */
  pending: Snapshot[];
  iteration: number;
  snapshotRequested: boolean;
}

export class TrainingSession implements vscode.Disposable {
  private readonly views = new Set<vscode.Webview>();
  private readonly statusEmitter = new vscode.EventEmitter<TrainingStatus>();
  readonly onDidChangeStatus = this.statusEmitter.event;
  private state: RunState | undefined;
  private active: ActiveRun | undefined;
  /** Settles when the active run has ended and said so to the views. */
  private idle: Promise<void> = Promise.resolve();
  /** Counts prepared requests: only the latest one starts once the previous run has stopped. */
  private requests = 0;

  constructor(private readonly deps: SessionDependencies) {}

  /** The latest run (running or ended), as a view opening now would receive it. */
  get current(): Readonly<RunState> | undefined {
    return this.state;
  }

  /**
   * Trains with `overrides` over the settings, replacing any run in progress. Throws on a
   * bad config, CSV or backend; resolves undefined if a newer request replaced this one
   * before it started, else with the run (partial if stopped).
   */
  async train(overrides: Partial<TrainConfig> = {}): Promise<TrainRun | undefined> {
    const config = resolveTrainConfig({ ...this.deps.defaults(), ...overrides });
    const csvText = config.dataset === 'csv' && config.csvPath ? await this.deps.readCsv(config.csvPath) : undefined;
    const dataset = makeDataset(config, csvText);
    const backend = await this.deps.startBackend();
    const request = ++this.requests;
    await this.stop();
    if (request !== this.requests) return undefined;
    const active = this.begin(config, dataset, backend);
    const finished = this.execute(active);
    this.idle = finished.then(
      () => undefined,
      () => undefined,
    );
    return finished;
  }

  /** `train` for user actions: failures become an error notification and a log line. */
  start(overrides: Partial<TrainConfig> = {}): Promise<TrainRun | undefined> {
    return reportErrors(this.deps.log, () => this.train(overrides));
  }

  /** Stops the run in progress, if any, and waits until it has ended. */
  async stop(): Promise<void> {
    this.active?.controller.abort();
    await this.idle;
  }

  /** Sends this webview every run from now on; the webview's messages drive the session. */
  connect(webview: vscode.Webview): vscode.Disposable {
    this.views.add(webview);
    const listener = webview.onDidReceiveMessage((message: HyperplanesWebviewMessage) =>
      this.receive(webview, message),
    );
    return new vscode.Disposable(() => {
      this.views.delete(webview);
      listener.dispose();
    });
  }

  dispose(): void {
    this.active?.controller.abort();
    this.statusEmitter.dispose();
    this.views.clear();
  }

  private receive(webview: vscode.Webview, message: HyperplanesWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        // Send what is pending first, so the full state that follows supersedes it; a copy,
        // as the run keeps growing.
        if (this.active) this.flush(this.active);
        if (this.state) void webview.postMessage({ ...this.state, snapshots: [...this.state.snapshots] });
        return;
      case 'train':
        void this.start(message.config);
        return;
      case 'stop':
        void this.stop();
        return;
      case 'snapshotNow':
        if (this.active) this.active.snapshotRequested = true;
        return;
    }
  }

  private begin(config: TrainConfig, dataset: Dataset, backend: string): ActiveRun {
    const iterations = snapshotSchedule(config.iterations);
    const started: RunStartedMessage = {
      type: 'runStarted',
      runId: randomUUID(),
      config,
      dataset,
      backend,
      iterations,
    };
    const state = startedRunState(started);
    const active: ActiveRun = {
      state,
      controller: new AbortController(),
      pending: [],
      iteration: 0,
      snapshotRequested: false,
    };
    this.state = state;
    this.active = active;
    this.deps.log.info(
      `run ${state.runId}: ${describeConfig(config)} on ${dataset.train.length} points, backend ${backend}`,
    );
    this.broadcast(started);
    this.fireStatus(active);
    return active;
  }

  private async execute(active: ActiveRun): Promise<TrainRun> {
    const { state, controller } = active;
    const timer = setInterval(() => this.flush(active), FLUSH_MS);
    try {
      const run = await trainMlp(state.config, state.dataset, {
        signal: controller.signal,
        onSnapshot: (snapshot) => {
          state.snapshots.push(snapshot);
          active.pending.push(snapshot);
          active.iteration = snapshot.iteration;
        },
        onProgress: (iteration) => {
          active.iteration = iteration;
        },
        snapshotRequested: () => {
          const requested = active.snapshotRequested;
          active.snapshotRequested = false;
          return requested;
        },
      });
      this.end(active, controller.signal.aborted ? 'cancelled' : 'done');
      return run;
    } catch (error) {
      this.end(active, 'error', errorMessage(error));
      throw error;
    } finally {
      clearInterval(timer);
    }
  }

  private end(active: ActiveRun, status: Exclude<RunState['status'], 'running'>, message?: string): void {
    this.flush(active);
    const { state } = active;
    state.status = status;
    state.message = message;
    if (this.active === active) this.active = undefined;
    const last = state.snapshots.at(-1);
    const summary = last
      ? `iteration ${last.iteration}, loss ${last.loss.toFixed(4)}, train accuracy ${last.trainAccuracy.toFixed(3)}`
      : 'no snapshot';
    this.deps.log.info(`run ${state.runId} ${status}: ${message ?? summary}`);
    this.broadcast({ type: 'runEnded', runId: state.runId, status, message });
    this.fireStatus(active);
  }

  private flush(active: ActiveRun): void {
    if (active.pending.length > 0) {
      this.broadcast({ type: 'snapshots', runId: active.state.runId, snapshots: active.pending });
      active.pending = [];
    }
    if (this.active === active) this.fireStatus(active);
  }

  private fireStatus({ state, iteration }: ActiveRun): void {
    const { runId, config, backend, status } = state;
    this.statusEmitter.fire({ runId, running: status === 'running', config, backend, iteration });
  }

  private broadcast(message: HyperplanesHostMessage): void {
    // A hidden webview drops messages; it reloads when shown and asks again with `ready`.
    for (const view of this.views) void view.postMessage(message);
  }
}
