// Every message between the extension host and the webviews, typed in one place.
// Both sides import these types; the host validates nothing it did not send itself,
// and the webview ignores messages whose `type` it does not know.
import type { Dataset, Snapshot } from './core/mlp/run';
import type { TrainConfig } from './core/mlp/config';
import type { DType, FormatName, KernelLayout } from './core/formats/weightFile';
import type { Normalization } from './core/tensor/kernel';
import type { TensorStats } from './core/tensor/statistics';
import type { SeriesTensor } from './core/series/checkpointSeries';
import type { CheckpointSummary, SeriesStatus } from './core/series/evolutionModel';
import type { HistogramRow } from './core/series/histograms';
import type { Activation } from './core/mlp/config';
import type { TrainingPoint } from './core/series/trainingCurve';

// ---- The hyperplanes view (editor panel and side panel): the 2-D MLP training in the extension ----

/** Where the hyperplanes view lives: an editor-area panel, or the compact side-panel view. */
export type ViewPlacement = 'panel' | 'sidebar';

export type RunStatus = 'running' | 'done' | 'cancelled' | 'error';

/** Extension host → hyperplanes webview. */
export type HyperplanesHostMessage =
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

export type RunStartedMessage = Extract<HyperplanesHostMessage, { type: 'runStarted' }>;
export type RunStateMessage = Extract<HyperplanesHostMessage, { type: 'runState' }>;

/** A run that has just started, as both sides keep it: built from its `runStarted` message. */
export function startedRunState({ runId, config, dataset, backend, iterations }: RunStartedMessage): RunStateMessage {
  return { type: 'runState', runId, config, dataset, backend, iterations, snapshots: [], status: 'running' };
}

/** Hyperplanes webview → extension host. */
export type HyperplanesWebviewMessage =
  /** The webview script has loaded and can receive messages. */
  | { type: 'ready'; placement: ViewPlacement }
  /** Start a new run with these settings (missing ones come from the user's settings). */
  | { type: 'train'; config: Partial<TrainConfig> }
  | { type: 'stop' }
  /** Keep a snapshot at the iteration the trainer is at now. */
  | { type: 'snapshotNow' };

/** What the hyperplanes webview keeps through getState/setState and the panel serializer. */
export interface PersistedHyperplanesState {
  run?: Extract<HyperplanesHostMessage, { type: 'runState' }>;
  /** Index into run.snapshots shown by the scrubber. */
  frame: number;
  tab: 'live' | 'lecture';
  /** Live-tab toggles; absent means on (so the host can build a state without them). */
  showRegions?: boolean;
  showTest?: boolean;
}

// ---- The weights view (custom editor / "Inspect Weights"): one weight file per view ----

export type { TensorStats } from './core/tensor/statistics';

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
  /** Statistics computed since the last such message (batched: a file may have thousands of tensors). */
  | { type: 'tensorStats'; stats: { name: string; stats: TensorStats }[] }
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

// ---- The evolution view: a training run's checkpoints (a folder, or a run in memory) on a timeline ----

export type { SeriesTensor } from './core/series/checkpointSeries';
export type { CheckpointSummary, SeriesProblem, SeriesStatus } from './core/series/evolutionModel';
export type { HistogramRow } from './core/series/histograms';
export type { SeriesSnapshot } from './core/series/hyperplanes';
export type { TrainingPoint } from './core/series/trainingCurve';

/** The whole series at once: when the view (re)loads, and when the first checkpoint changed. */
export interface SeriesState {
  type: 'series';
  /** Changes when the view shows another series: messages of an older one are ignored. */
  seriesId: string;
  title: string;
  /** The folder, for a series of files. */
  folder?: string;
  /** New checkpoints join (a watched folder, a run in progress). */
  live: boolean;
  /** The first checkpoint's layers, in the order of each checkpoint's distances. */
  layers: string[];
  tensors: SeriesTensor[];
  checkpoints: CheckpointSummary[];
  /**
   * For a network whose first Linear layer takes 2 inputs: whether a layer after it gives
   * decision regions, and the points of a CSV beside the checkpoints (none: an empty dataset).
   */
  hyperplanes?: { regions: boolean; dataset: Dataset };
  /** Loss and accuracy by step, for a run that measures them (LeNet training in memory); ascending. */
  metrics?: TrainingPoint[];
  status: SeriesStatus;
}

/** Extension host → evolution webview. */
export type EvolutionHostMessage =
  | SeriesState
  /** Checkpoints that joined, or were read again after their file changed (same name). */
  | { type: 'checkpointsAdded'; seriesId: string; checkpoints: CheckpointSummary[]; tensors: SeriesTensor[] }
  | { type: 'checkpointsRemoved'; seriesId: string; names: string[] }
  | { type: 'seriesStatus'; seriesId: string; status: SeriesStatus }
  /** Loss and accuracy the run measured since: added to `metrics` (a step already there is replaced). */
  | { type: 'seriesMetrics'; seriesId: string; points: TrainingPoint[] }
  /** Answers to `requestSeriesTensors`, one tensor of one checkpoint each. */
  | { type: 'seriesTensor'; seriesId: string; checkpoint: string; tensor: string; values: Float32Array }
  | { type: 'seriesTensorError'; seriesId: string; checkpoint: string; tensor: string; message: string }
  /** A tensor's histogram at each checkpoint, over edges shared by the series; `replace` drops earlier rows. */
  | {
      type: 'seriesHistograms';
      seriesId: string;
      tensor: string;
      edges: number[];
      rows: HistogramRow[];
      replace: boolean;
    };

/** Evolution webview → extension host. */
export type EvolutionWebviewMessage =
  | { type: 'evolutionReady' }
  /** The frame shown first, then the neighbours worth having before the scrubber gets there. */
  | { type: 'requestSeriesTensors'; seriesId: string; tensor: string; checkpoints: string[] }
  /** The histograms of this tensor over the series, and of checkpoints that join later. */
  | { type: 'requestSeriesHistograms'; seriesId: string; tensor: string };

/** What the evolution webview keeps through getState/setState and the panel serializer. */
export interface PersistedEvolutionState extends Omit<PersistedWeightsState, 'selected' | 'filter'> {
  /** The series' folder: a restored panel opens it again. */
  folder?: string;
  /** The frame shown, by checkpoint name; absent: the newest (and follow new ones). */
  checkpoint?: string;
  /** Absent: the hyperplanes when the series has them, else the tensor. */
  view?: 'hyperplanes' | 'tensor';
  /** The tensor the picture and the histogram show. */
  tensor?: string;
  activation: Activation;
  showRegions: boolean;
  distance: 'relative' | 'absolute';
  /** The filter grid's colours over the range of the whole series, not of each checkpoint. */
  sameScale: boolean;
}
