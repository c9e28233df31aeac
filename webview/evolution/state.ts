// The evolution view's state: what getState/setState keep (choices, the frame by name),
// how host messages change the series shown, which frame and tensor are shown, and which
// frames to fetch ahead. Pure functions, tested in Node.
import { insertionIndex } from '../../src/core/series/checkpointSeries';
import { ACTIVATIONS } from '../../src/core/mlp/config';
import { mergeTrainingPoints } from '../../src/core/series/trainingCurve';
import type { EvolutionHostMessage, PersistedEvolutionState, SeriesState, SeriesTensor } from '../../src/protocol';
import { messageGuard } from '../shared/messageGuard';
import { restoreWeightsState } from '../weights/state';
import { ZOOMS } from '../tensorPictures/pictureOptions';

/** Large enough tiles to see a 5×5 filter change from frame to frame. */
const DEFAULT_ZOOM = 6;

/** The performance measure of each frame shown: from the scrubber's move to the picture drawn. */
export const FRAME_MEASURE = 'evolution-frame';

export type View = NonNullable<PersistedEvolutionState['view']>;

export const isEvolutionHostMessage = messageGuard<EvolutionHostMessage>([
  'series',
  'checkpointsAdded',
  'checkpointsRemoved',
  'seriesStatus',
  'seriesMetrics',
  'seriesTensor',
  'seriesTensorError',
  'seriesHistograms',
]);

/** What getState returned, field by field; anything missing or malformed takes its default. */
export function restoreEvolutionState(saved: Partial<PersistedEvolutionState> | undefined): PersistedEvolutionState {
  const s = saved ?? {};
  const { filters, channels, rgb, normalization, zoom } = restoreWeightsState({
    ...s,
    zoom: ZOOMS.includes(s.zoom as number) ? s.zoom : DEFAULT_ZOOM,
  });
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    ...(text(s.folder) ? { folder: s.folder } : {}),
    ...(text(s.checkpoint) ? { checkpoint: s.checkpoint } : {}),
    ...(s.view === 'hyperplanes' || s.view === 'tensor' ? { view: s.view } : {}),
    ...(text(s.tensor) ? { tensor: s.tensor } : {}),
    activation: ACTIVATIONS.includes(s.activation as never) ? s.activation! : 'relu',
    showRegions: s.showRegions !== false,
    distance: s.distance === 'absolute' ? 'absolute' : 'relative',
    sameScale: s.sameScale === true,
    filters,
    channels,
    rgb,
    normalization,
    zoom,
  };
}

type SeriesMessage = Extract<
  EvolutionHostMessage,
  { type: 'series' | 'checkpointsAdded' | 'checkpointsRemoved' | 'seriesStatus' | 'seriesMetrics' }
>;

/** The series after a message about it; messages of another series change nothing. */
export function applySeriesMessage(series: SeriesState | undefined, message: SeriesMessage): SeriesState | undefined {
  if (message.type === 'series') return message;
  if (series?.seriesId !== message.seriesId) return series;
  switch (message.type) {
    case 'checkpointsAdded': {
      const checkpoints = [...series.checkpoints];
      for (const checkpoint of message.checkpoints) {
        const known = checkpoints.findIndex((c) => c.name === checkpoint.name);
        if (known >= 0) checkpoints.splice(known, 1);
        checkpoints.splice(insertionIndex(checkpoints, checkpoint), 0, checkpoint);
      }
      return { ...series, checkpoints, tensors: message.tensors };
    }
    case 'checkpointsRemoved': {
      const gone = new Set(message.names);
      return { ...series, checkpoints: series.checkpoints.filter((c) => !gone.has(c.name)) };
    }
    case 'seriesStatus':
      return { ...series, status: message.status };
    case 'seriesMetrics':
      return { ...series, metrics: mergeTrainingPoints(series.metrics ?? [], message.points) };
  }
}

/** The frame shown: the kept checkpoint's, else the newest (the view follows the run). */
export function frameIndex(series: SeriesState, checkpoint: string | undefined): number {
  const last = series.checkpoints.length - 1;
  const index = checkpoint === undefined ? -1 : series.checkpoints.findIndex((c) => c.name === checkpoint);
  return index >= 0 ? index : Math.max(0, last);
}

/** The view asked for, when the series has it; hyperplanes first when there are some. */
export function shownView(series: SeriesState, view: View | undefined): View {
  if (!series.hyperplanes) return 'tensor';
  return view ?? 'hyperplanes';
}

/** The tensor asked for when the series has it; else the first convolution kernel, else the first tensor. */
export function shownTensor(series: SeriesState, name: string | undefined): SeriesTensor | undefined {
  const { tensors } = series;
  return tensors.find((t) => t.name === name) ?? tensors.find((t) => t.shape.length === 4) ?? tensors[0];
}

/**
 * The frames to have before the scrubber gets there: the one shown first, then `ahead`
 * frames in the direction it moves, then `behind` the other way; within the series.
 */
export function prefetchOrder(
  index: number,
  count: number,
  direction: 1 | -1,
  ahead: number,
  behind: number,
): number[] {
  const order = [index];
  for (let i = 1; i <= ahead; i++) order.push(index + direction * i);
  for (let i = 1; i <= behind; i++) order.push(index - direction * i);
  return order.filter((i) => i >= 0 && i < count);
}

/** A tensor's histograms over the series: each checkpoint's counts over the shared edges. */
export interface SeriesHistograms {
  tensor: string;
  edges: number[];
  rows: Map<string, number[]>;
  /** The largest count of any row: the count axis stays put while scrubbing. */
  countMax: number;
}

type HistogramMessage = Extract<EvolutionHostMessage, { type: 'seriesHistograms' }>;

/** Rows added to those of the same tensor, or starting over (new edges, another tensor). */
export function applyHistogramRows(current: SeriesHistograms | undefined, message: HistogramMessage): SeriesHistograms {
  const keep = !message.replace && current?.tensor === message.tensor;
  const rows = new Map(keep ? current.rows : []);
  let countMax = keep ? current.countMax : 0;
  for (const { checkpoint, counts } of message.rows) {
    rows.set(checkpoint, counts);
    countMax = Math.max(countMax, ...counts);
  }
  return { tensor: message.tensor, edges: message.edges, rows, countMax };
}

/** What the host told the view of its series (not saved: a reloaded view is sent it again). */
export interface EvolutionViewData {
  series?: SeriesState;
  histograms?: SeriesHistograms;
}

/**
 * The series and histograms after a host message; another series starts with no histograms,
 * and messages of a series not shown change nothing. Tensors (`seriesTensor`, `seriesTensorError`)
 * go to the view's frame cache, not here.
 */
export function applyEvolutionMessage(data: EvolutionViewData, message: EvolutionHostMessage): EvolutionViewData {
  switch (message.type) {
    case 'series':
      return {
        series: applySeriesMessage(data.series, message),
        histograms: message.seriesId === data.series?.seriesId ? data.histograms : undefined,
      };
    case 'checkpointsAdded':
    case 'checkpointsRemoved':
    case 'seriesStatus':
    case 'seriesMetrics':
      return { ...data, series: applySeriesMessage(data.series, message) };
    case 'seriesHistograms':
      if (message.seriesId !== data.series?.seriesId) return data;
      return { ...data, histograms: applyHistogramRows(data.histograms, message) };
    case 'seriesTensor':
    case 'seriesTensorError':
      return data;
  }
}
