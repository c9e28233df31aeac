// The weights view's saved state (what getState/setState keep), the host messages it
// accepts, and the few facts about tensors the list and the detail pane share.
import type { Normalization } from '../../src/core/tensor/kernel';
import type { PersistedWeightsState, TensorStats, TensorSummary, WeightsHostMessage } from '../../src/protocol';
import { messageGuard } from '../shared/messageGuard';
import { NORMALIZATIONS, ZOOMS } from '../tensorPictures/pictureOptions';

export type WeightsFile = Extract<WeightsHostMessage, { type: 'weightsFile' }>;

/** The lecture's LeNet second layer at once (its 32 filters × 32 channels), at a zoom that fits it beside the list. */
export const DEFAULT_STATE: PersistedWeightsState = {
  filter: '',
  filters: 32,
  channels: 32,
  rgb: false,
  normalization: 'global',
  zoom: 3,
};

export const isWeightsHostMessage = messageGuard<WeightsHostMessage>([
  'weightsFile',
  'tensorStats',
  'tensorData',
  'tensorError',
  'fileError',
  'exported',
]);

/** The tensor shown in the detail pane: asked for by `requestId`, then its values or why it cannot be read. */
export interface SelectedTensor {
  name: string;
  requestId: number;
  values?: Float32Array;
  error?: string;
}

/** What the host told the view (not saved: a reloaded view is sent the file again). */
export interface WeightsViewData {
  file?: WeightsFile;
  fileError?: string;
  /** Statistics that came after the file (the host computes them in the background). */
  stats: ReadonlyMap<string, TensorStats>;
  selected?: SelectedTensor;
}

export const NO_FILE: WeightsViewData = { stats: new Map() };

/**
 * The view after a host message. A new file clears the statistics and the selection; values
 * and errors count only for the request still awaited. `exported` changes nothing here.
 */
export function applyWeightsMessage(data: WeightsViewData, message: WeightsHostMessage): WeightsViewData {
  const { selected } = data;
  switch (message.type) {
    case 'weightsFile':
      return { file: message, stats: new Map() };
    case 'tensorStats':
      return { ...data, stats: new Map([...data.stats, ...message.stats.map((s) => [s.name, s.stats] as const)]) };
    case 'tensorData':
      return selected?.requestId === message.requestId
        ? { ...data, selected: { ...selected, values: message.values } }
        : data;
    case 'tensorError':
      return selected?.requestId === message.requestId
        ? { ...data, selected: { ...selected, error: message.message } }
        : data;
    case 'fileError':
      return { ...data, file: undefined, fileError: message.message };
    case 'exported':
      return data;
  }
}

/** What getState returned, field by field; anything missing or malformed takes its default. */
export function restoreWeightsState(saved: Partial<PersistedWeightsState> | undefined): PersistedWeightsState {
  const s = saved ?? {};
  const count = (n: unknown, fallback: number): number =>
    Number.isInteger(n) && (n as number) >= 1 ? (n as number) : fallback;
  return {
    ...(typeof s.selected === 'string' ? { selected: s.selected } : {}),
    filter: typeof s.filter === 'string' ? s.filter : DEFAULT_STATE.filter,
    filters: count(s.filters, DEFAULT_STATE.filters),
    channels: count(s.channels, DEFAULT_STATE.channels),
    rgb: s.rgb === true,
    normalization: NORMALIZATIONS.some((n) => n.value === s.normalization)
      ? (s.normalization as Normalization)
      : DEFAULT_STATE.normalization,
    zoom: ZOOMS.includes(s.zoom as number) ? (s.zoom as number) : DEFAULT_STATE.zoom,
  };
}

/** The number of values in a tensor of this shape (a scalar holds one). */
export function parameterCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Names containing the filter text, case-insensitively (spaces separate words that must all match). */
export function filterTensors(tensors: TensorSummary[], filter: string): TensorSummary[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return tensors;
  return tensors.filter((t) => {
    const name = t.name.toLowerCase();
    return words.every((w) => name.includes(w));
  });
}
