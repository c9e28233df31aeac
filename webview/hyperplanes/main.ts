// The hyperplane webview: restores its saved state and draws it at once, tells the host
// it is ready, then follows the host's run messages. All state changes go through
// `update`, which saves the state (throttled) and redraws on the next animation frame.
import { deadUnits } from '../../src/core/mlp/hyperplane';
import type { HyperplaneScene } from '../../src/render/hyperplanes';
import type { PersistedHyperplanesState, ViewPlacement, HyperplanesWebviewMessage } from '../../src/protocol';
import { Curves } from './charts';
import { h } from '../shared/dom';
import { onNextFrame } from '../shared/frame';
import { HyperplaneCanvas } from './hyperplaneCanvas';
import { livePanel } from './layout';
import { LectureGrid } from './lectureGrid';
import { Scrubber } from '../shared/scrubber';
import { applyHyperplanesMessage, isHyperplanesHostMessage, restoreState, type RunState } from './state';
import { StatusLine } from './statusLine';
import { Tabs } from '../shared/tabs';
import { connectView } from '../shared/startView';
import { readTheme } from '../shared/theme';
import { Toggle } from '../shared/toggle';
import { TrainForm } from './trainForm';
import { UnitList } from './unitList';

const view = connectView<HyperplanesWebviewMessage, PersistedHyperplanesState>();
const placement: ViewPlacement = document.body.dataset.placement === 'sidebar' ? 'sidebar' : 'panel';
const compact = placement === 'sidebar';
let state = restoreState(view.saved);
let theme = readTheme();

function update(next: PersistedHyperplanesState): void {
  state = next;
  view.save(state);
  render();
}

/** Shows a frame; clamped, as playback may still step through the previous run's frames. */
function showFrame(index: number): void {
  const last = Math.max(0, (state.run?.snapshots.length ?? 0) - 1);
  update({ ...state, frame: Math.min(Math.max(0, index), last) });
}

const status = new StatusLine();
const form = new TrainForm((message) => view.post(message), compact);
const units = new UnitList((unit) => plot.pick(unit));
const plot = new HyperplaneCanvas(compact, (unit) => units.mark(unit));
const regions = new Toggle('Decision regions', (showRegions) => update({ ...state, showRegions }));
const testPoints = new Toggle('Test points', (showTest) => update({ ...state, showTest }));
const scrubber = new Scrubber(showFrame);
const curves = new Curves((frame) => {
  scrubber.pause();
  showFrame(frame);
});
const lecture = new LectureGrid();
const empty = h('p', { class: 'empty' });
const lectureEmpty = h('p', { class: 'empty' });

const live = livePanel(placement, {
  status: status.element,
  empty,
  plot: plot.element,
  scrubber: scrubber.element,
  options: h('div', { class: 'toggles' }, regions.element, testPoints.element),
  units: units.element,
  charts: curves.element,
  form: form.element,
});
const lecturePanel = h('section', { class: 'lecture-panel' }, lectureEmpty, lecture.element);
const tabs = compact
  ? undefined
  : new Tabs(
      [
        { name: 'live', label: 'Live' },
        { name: 'lecture', label: 'Lecture' },
      ],
      { live, lecture: lecturePanel },
      (tab) => update({ ...state, tab }),
    );
const app = document.getElementById('app') ?? document.body;
app.className = placement;
app.append(...(tabs ? [status.element, tabs.element, live, lecturePanel] : [live]));

function sceneOf(run: RunState, frame: number): HyperplaneScene {
  const snapshot = run.snapshots[frame];
  const { activation } = run.config;
  return {
    dataset: run.dataset,
    snapshot,
    activation,
    showRegions: state.showRegions ?? true,
    showTest: state.showTest ?? true,
    deadUnits: deadUnits(snapshot, activation, run.dataset.train),
  };
}

const render = onNextFrame(() => {
  const { run, frame } = state;
  tabs?.show(state.tab);
  status.show(run, frame);
  form.show(run?.config, run?.status === 'running');
  regions.show(state.showRegions ?? true);
  testPoints.show(state.showTest ?? true);
  const snapshots = run?.snapshots ?? [];
  // Before the first snapshot this also stops playback of the previous run.
  scrubber.show(
    snapshots.map((s) => s.iteration),
    frame,
    run?.config.iterations ?? 0,
  );
  app.classList.toggle('no-frame', snapshots.length === 0);
  empty.textContent = lectureEmpty.textContent = run
    ? 'Waiting for the first iteration…'
    : 'No training run yet. Press Train to start one.';
  if (!run || snapshots.length === 0) return;
  const scene = sceneOf(run, frame);
  plot.show(scene, theme.render);
  units.show(scene.deadUnits ?? []);
  curves.show({ snapshots: run.snapshots, frame, total: run.config.iterations, theme });
  if (state.tab === 'lecture' && !compact) lecture.show(run, theme.render);
});

render();
view.start({
  isHostMessage: isHyperplanesHostMessage,
  onHostMessage: (message) => update(applyHyperplanesMessage(state, message)),
  onTheme(next) {
    theme = next;
    render();
  },
  ready: { type: 'ready', placement },
});
