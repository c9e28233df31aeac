// Every message between the extension host and the webviews, typed in one place.
// Both sides import these types; the host validates nothing it did not send itself,
// and the webview ignores messages whose `type` it does not know.
import type { Dataset, Snapshot } from './core/run';
import type { TrainConfig } from './core/trainConfig';
import type { DType, FormatName, KernelLayout } from './core/formats/weightFile';
import type { Normalization } from './core/kernel';
import type { TensorStats } from './core/tensorStats';

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

export type RunStartedMessage = Extract<HostMessage, { type: 'runStarted' }>;
export type RunStateMessage = Extract<HostMessage, { type: 'runState' }>;

/** A run that has just started, as both sides keep it: built from its `runStarted` message. */
export function startedRunState({ runId, config, dataset, backend, iterations }: RunStartedMessage): RunStateMessage {
  return { type: 'runState', runId, config, dataset, backend, iterations, snapshots: [], status: 'running' };
}

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

// ---- The weights view (custom editor / "Inspect Weights"): one weight file per view ----

export type { TensorStats } from './core/tensorStats';

export interface TensorSummary {
  name: string;
  dtype: DType;
  shape: number[];
  layout?: KernelLayout;
  /** Filled in as the host computes them (after the list is shown). */
  stats?: TensorStats;
}

/** Extension host → weights webview. */
export type WeightsHostMessage =
  | {
      type: 'weightsFile';
      path: string;
      fileName: string;
      format: FormatName;
      metadata: Record<string, string>;
      tensors: TensorSummary[];
    }
  | { type: 'tensorStats'; name: string; stats: TensorStats }
  /** Answer to `requestTensor`: the values in row-major order of the tensor's shape. */
  | { type: 'tensorData'; requestId: number; name: string; values: Float32Array }
  | { type: 'tensorError'; requestId: number; name: string; message: string }
  /** The file could not be read: the message names the file and the problem. */
  | { type: 'fileError'; message: string }
  | { type: 'exported'; path: string };

/** Weights webview → extension host. */
export type WeightsWebviewMessage =
  | { type: 'weightsReady' }
  | { type: 'requestTensor'; requestId: number; name: string }
  /** A PNG the webview drew (the filter grid as shown), to be saved in the workspace. */
  | { type: 'exportPng'; suggestedName: string; png: Uint8Array };

/** What the weights webview keeps through getState/setState. */
export interface PersistedWeightsState {
  selected?: string;
  filter: string;
  filters: number;
  channels: number;
  rgb: boolean;
  normalization: Normalization;
  zoom: number;
}
