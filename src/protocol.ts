// Every message between the extension host and the webviews, typed in one place.
// Both sides import these types; the host validates nothing it did not send itself,
// and the webview ignores messages whose `type` it does not know.
import type { Dataset, Snapshot } from './core/run';
import type { TrainConfig } from './core/trainConfig';

/** Where the hyperplane view lives: an editor-area panel, or the compact side-panel view. */
export type ViewPlacement = 'panel' | 'sidebar';

export type RunStatus = 'running' | 'done' | 'cancelled' | 'error';

/** Extension host → webview. */
export type HostMessage =
  /** A new run begins: clears the view. */
  | { type: 'runStarted'; runId: string; config: TrainConfig; dataset: Dataset; backend: string; iterations: number[] }
  /** Snapshots kept since the last message, in iteration order. */
  | { type: 'snapshots'; runId: string; snapshots: Snapshot[] }
  | { type: 'runEnded'; runId: string; status: Exclude<RunStatus, 'running'>; message?: string }
  /** The whole state of a run at once (a view opened or restored while a run exists). */
  | {
      type: 'runState';
      runId: string;
      config: TrainConfig;
      dataset: Dataset;
      backend: string;
      iterations: number[];
      snapshots: Snapshot[];
      status: RunStatus;
      message?: string;
    };

/** Webview → extension host. */
export type WebviewMessage =
  /** The webview script has loaded and can receive messages. */
  | { type: 'ready'; placement: ViewPlacement }
  /** Start a new run with these settings (missing ones come from the user's settings). */
  | { type: 'train'; config: Partial<TrainConfig> }
  | { type: 'stop' }
  /** Keep a snapshot at the iteration the trainer is at now. */
  | { type: 'snapshotNow' };

/** What the webview keeps through getState/setState and the panel serializer. */
export interface PersistedViewState {
  run?: Extract<HostMessage, { type: 'runState' }>;
  /** Index into run.snapshots shown by the scrubber. */
  frame: number;
  tab: 'live' | 'lecture';
  /** Live-tab toggles; absent means on (so the host can build a state without them). */
  showRegions?: boolean;
  showTest?: boolean;
}
