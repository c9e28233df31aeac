// The weights view's saved state (what getState/setState keep), the host messages it
// accepts, and the few facts about tensors the list and the detail pane share.
import type { Normalization } from '../../src/core/kernel';
import type { PersistedWeightsState, TensorSummary, WeightsHostMessage } from '../../src/protocol';
import { messageGuard } from '../state';

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

/** Tile scales offered (CSS pixels per kernel value). */
export const ZOOMS = [1, 2, 3, 4, 6, 8, 12, 16];

export const NORMALIZATIONS: { value: Normalization; label: string }[] = [
  { value: 'global', label: 'Global min–max' },
  { value: 'filter', label: 'Per-filter min–max' },
  { value: 'symmetric', label: 'Symmetric about 0' },
];

export const isWeightsHostMessage = messageGuard<WeightsHostMessage>([
  'weightsFile',
  'tensorStats',
  'tensorData',
  'tensorError',
  'fileError',
  'exported',
]);

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

/** Sizes with × between them ("64×32×5×5"), "scalar" for []. */
export function formatShape(shape: readonly number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
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
