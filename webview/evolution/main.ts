// The evolution webview: a series of checkpoints on a timeline. It restores its saved
// choices, says it is ready, then follows the host: the series (and checkpoints joining
// it), the tensors of the frames around the one shown, the histograms. Every frame shown
// is timed, from the scrubber's move to its picture drawn (the `evolution-frame` measure).
import type { EvolutionWebviewMessage, PersistedEvolutionState, SeriesState } from '../../src/protocol';
import { h } from '../shared/dom';
import { formatIteration } from '../shared/format';
import { onNextFrame } from '../shared/frame';
import { Scrubber } from '../shared/scrubber';
import { connectView } from '../shared/startView';
import { Tabs } from '../shared/tabs';
import { readTheme } from '../shared/theme';
import { DistanceChart } from './distanceChart';
import { HyperplanePane } from './hyperplanePane';
import { MetricsChart } from './metricsChart';
import { SeriesHeader } from './seriesHeader';
import { SeriesHistogram } from './seriesHistogram';
import {
  applyEvolutionMessage,
  FRAME_MEASURE,
  frameIndex,
  isEvolutionHostMessage,
  prefetchOrder,
  restoreEvolutionState,
  shownTensor,
  shownView,
  type SeriesHistograms,
} from './state';
import { TensorFrames } from './tensorFrames';
import { TensorPane } from './tensorPane';

/**
 * Frames fetched ahead of the scrubber and behind it, once the frame shown is here; behind
 * a scrubber moving back, as many as ahead, since they are the first that playback shows.
 * While playing, one more ahead with each frame played, up to AHEAD_PLAYING: a dozen
 * tensors asked for at once when playback starts would hold up its first frames.
 */
const AHEAD = 4;
const AHEAD_PLAYING = 12;
const BEHIND = 2;

const view = connectView<EvolutionWebviewMessage, PersistedEvolutionState>();
let state = restoreEvolutionState(view.saved);
let theme = readTheme();
let series: SeriesState | undefined;
let histograms: SeriesHistograms | undefined;
let direction: 1 | -1 = 1;
/** Frames shown since playback started (0 when not playing). */
let played = 0;
/** The oldest frame asked for and not drawn yet, and when: measured once a picture is drawn (playback holds meanwhile). */
let timing: { start: number } | undefined;
/** What was last asked of the host, so that it is asked once per change. */
let asked = { frames: '', histograms: '' };
const frames = new TensorFrames((tensor, checkpoints) => {
  if (series) view.post({ type: 'requestSeriesTensors', seriesId: series.seriesId, tensor, checkpoints });
});

function update(patch: Partial<PersistedEvolutionState>, now = false): void {
  state = { ...state, ...patch };
  view.save(state);
  if (now) draw();
  else render();
}

/** Shows a frame; the last one means "the newest", so the view follows checkpoints as they join. */
function showFrame(index: number): void {
  if (!series?.checkpoints.length) return;
  const last = series.checkpoints.length - 1;
  const target = Math.min(Math.max(0, index), last);
  const current = frameIndex(series, state.checkpoint);
  if (target !== current) direction = target > current ? 1 : -1;
  played = scrubber.playing ? played + 1 : 0;
  // A frame asked for while the one before still waits for its tensor replaces it on screen:
  // the wait is timed from the older request, which the user has been waiting on all along.
  timing ??= { start: performance.now() };
  // Drawn at once, not on the next animation frame: the scrubber's input events come once a frame already.
  update({ checkpoint: target === last ? undefined : series.checkpoints[target].name }, true);
}

function describeFrame(index: number): string {
  const checkpoint = series?.checkpoints[index];
  if (!checkpoint) return '';
  const number = checkpoint.number === undefined ? '' : ` · ${formatIteration(checkpoint.number)}`;
  return `${checkpoint.name}${number} (${index + 1} of ${series!.checkpoints.length})`;
}

const header = new SeriesHeader();
const scrubber = new Scrubber(showFrame, describeFrame, () => timing === undefined);
const hyperplanes = new HyperplanePane(update);
const tensor = new TensorPane((name) => update({ tensor: name }), update);
const histogram = new SeriesHistogram();
/** A click on a chart: the scrubber goes to that checkpoint. */
const scrubFromChart = (index: number): void => {
  scrubber.pause();
  showFrame(index);
};
const distance = new DistanceChart(scrubFromChart, (mode) => update({ distance: mode }));
const metrics = new MetricsChart(scrubFromChart);
const tabs = new Tabs(
  [
    { name: 'hyperplanes', label: 'Hyperplanes' },
    { name: 'tensor', label: 'Tensor' },
  ],
  { hyperplanes: hyperplanes.element, tensor: tensor.element },
  (view) => update({ view }),
);
const empty = h('p', { class: 'empty' });
const body = h(
  'div',
  { class: 'evolution-body' },
  h('section', { class: 'main-pane' }, tabs.element, hyperplanes.element, tensor.element),
  h('aside', { class: 'side-pane' }, metrics.element, histogram.element, distance.element),
);
const app = document.getElementById('app') ?? document.body;
app.className = 'evolution';
app.append(header.element, empty, scrubber.element, body);

/** Shows the state; parts whose content did not change are left as they are. */
function draw(): void {
  header.show(series);
  const checkpoints = series?.checkpoints ?? [];
  empty.hidden = checkpoints.length > 0;
  empty.textContent = !series
    ? 'Reading the checkpoints…'
    : series.status.scanned < series.status.total
      ? 'Reading the first checkpoint…'
      : `No checkpoint in ${series.title} yet${series.live ? ': waiting for the run to save one.' : '.'}`;
  scrubber.element.hidden = body.hidden = checkpoints.length === 0;
  if (!series || !checkpoints.length) return;
  const index = frameIndex(series, state.checkpoint);
  const checkpoint = checkpoints[index];
  scrubber.show(
    checkpoints.map((c, i) => c.number ?? i),
    index,
    0,
  );
  const view = shownView(series, state.view);
  tabs.element.hidden = !series.hyperplanes;
  tabs.show(view, series.hyperplanes ? ['hyperplanes', 'tensor'] : ['tensor']);
  const chosen = shownTensor(series, state.tensor);
  const values = chosen && frames.get(checkpoint.name, chosen.name);
  const here = view === 'tensor' ? values !== undefined : undefined;
  // A missing frame is asked for before the rest is drawn, so that its request is on its way
  // meanwhile; the neighbours of a frame here after its picture, which fetching them would slow.
  if (chosen && !here) ask(series, index, chosen.name, here);
  let drawn = true;
  if (view === 'hyperplanes' && series.hyperplanes) {
    const { dataset, regions } = series.hyperplanes;
    const { showRegions, activation } = state;
    hyperplanes.show({ snapshot: checkpoint.snapshot, dataset, regions, showRegions, activation, theme });
  } else {
    const error = chosen && frames.error(checkpoint.name, chosen.name);
    drawn = !chosen || values !== undefined || error !== undefined;
    const seriesEdges = histograms?.tensor === chosen?.name ? histograms?.edges : undefined;
    const { filters, channels, rgb, normalization, zoom, sameScale } = state;
    const { tensors } = series;
    tensor.show({
      filters,
      channels,
      rgb,
      normalization,
      zoom,
      sameScale,
      seriesEdges,
      theme,
      tensors,
      values,
      error,
      tensor: chosen,
      checkpoint: checkpoint.name,
    });
  }
  const shownHistograms = histograms?.tensor === chosen?.name ? histograms : undefined;
  histogram.show(shownHistograms, checkpoint.name, checkpoints[0].name, theme);
  distance.show({ series, frame: index, mode: state.distance, theme });
  metrics.show({ series, frame: index, theme });
  if (drawn && timing) {
    performance.measure(FRAME_MEASURE, { start: timing.start });
    timing = undefined;
  }
  if (chosen && here) ask(series, index, chosen.name, here);
}

/** Whether the tensor view shows this tensor of this checkpoint. */
function isShown(shown: SeriesState, checkpoint: string, tensorName: string): boolean {
  return (
    shownView(shown, state.view) === 'tensor' &&
    shown.checkpoints[frameIndex(shown, state.checkpoint)]?.name === checkpoint &&
    shownTensor(shown, state.tensor)?.name === tensorName
  );
}

/** Host messages can come many a frame: they are drawn once, on the next one. */
const render = onNextFrame(draw);

/**
 * The tensor's histograms; and when the tensor is shown (`here` says whether the frame
 * shown has it), that frame alone until it is here (so that nothing queues before it after
 * a jump), then the frames around it. While playing, the frames ahead are asked for with
 * the missing one: the playhead needs them next, and asking for one frame at a time never
 * gets ahead of it again. Asked once per change.
 */
function ask(shown: SeriesState, index: number, tensorName: string, here: boolean | undefined): void {
  const { playing } = scrubber;
  const ahead = playing ? Math.min(AHEAD_PLAYING, AHEAD + played) : AHEAD;
  const behind = direction < 0 ? AHEAD : BEHIND;
  const order = here || playing ? prefetchOrder(index, shown.checkpoints.length, direction, ahead, behind) : [index];
  const names = order.map((i) => shown.checkpoints[i].name);
  const framesKey = `${shown.seriesId}\n${tensorName}\n${names.join('\n')}`;
  if (here !== undefined && framesKey !== asked.frames) {
    asked.frames = framesKey;
    frames.want(tensorName, names);
  }
  const histogramsKey = `${shown.seriesId}\n${tensorName}`;
  if (histogramsKey !== asked.histograms) {
    asked.histograms = histogramsKey;
    view.post({ type: 'requestSeriesHistograms', seriesId: shown.seriesId, tensor: tensorName });
  }
}

render();
view.start({
  isHostMessage: isEvolutionHostMessage,
  onHostMessage(message) {
    const shown = series?.seriesId;
    ({ series, histograms } = applyEvolutionMessage({ series, histograms }, message));
    if (series?.seriesId !== shown) {
      frames.clear();
      asked = { frames: '', histograms: '' };
    }
    switch (message.type) {
      case 'series':
        // Kept so that the serializer can reopen the folder after a reload.
        update({ folder: message.folder });
        return;
      case 'checkpointsAdded':
        // A checkpoint read again (its file changed) has new values.
        for (const c of message.checkpoints) frames.forget(c.name);
        asked.frames = '';
        break;
      case 'seriesTensor':
        if (message.seriesId !== series?.seriesId) return;
        frames.received(message.checkpoint, message.tensor, message.values);
        // The frame the user waits for is drawn at once; prefetched ones need no drawing.
        if (timing && isShown(series, message.checkpoint, message.tensor)) {
          draw();
          return;
        }
        break;
      case 'seriesTensorError':
        if (message.seriesId !== series?.seriesId) return;
        frames.failed(message.checkpoint, message.tensor, message.message);
        break;
    }
    render();
  },
  onTheme(next) {
    theme = next;
    render();
  },
  ready: { type: 'evolutionReady' },
});
