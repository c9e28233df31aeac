// The weights webview: one weight file's tensors, the selected one's histogram and picture.
// It restores its saved state, says it is ready, then follows the host's messages: the
// file, statistics as they are computed, and the values of the tensor it asked for.
import type { PersistedWeightsState, WeightsWebviewMessage } from '../../src/protocol';
import { h } from '../shared/dom';
import { onNextFrame } from '../shared/frame';
import { connectView } from '../shared/startView';
import { readTheme } from '../shared/theme';
import { FileHeader } from './fileHeader';
import { applyWeightsMessage, isWeightsHostMessage, NO_FILE, restoreWeightsState } from './state';
import { TensorDetail, type DetailContent } from './tensorDetail';
import { TensorList } from './tensorList';

const SUPPORTED =
  'Weight Lens reads safetensors, PyTorch (.pt, .pth, .ckpt, .bin), NumPy (.npy, .npz), ONNX, Keras HDF5 and TF.js weights.';
/** While the arrow keys step through the list, only the tensor they rest on is read. */
const KEYBOARD_REQUEST_DELAY_MS = 150;

const view = connectView<WeightsWebviewMessage, PersistedWeightsState>();
let state = restoreWeightsState(view.saved);
let theme = readTheme();
let data = NO_FILE;
let lastRequestId = 0;
let requestTimer: ReturnType<typeof setTimeout> | undefined;

function update(patch: Partial<PersistedWeightsState>): void {
  state = { ...state, ...patch };
  view.save(state);
  render();
}

function select(name: string, immediate: boolean): void {
  const { selected } = data;
  if (selected?.name === name && (selected.values || selected.error)) return;
  const requestId = ++lastRequestId;
  data = { ...data, selected: { name, requestId } };
  update({ selected: name });
  clearTimeout(requestTimer);
  const request = (): void => view.post({ type: 'requestTensor', requestId, name });
  if (immediate) request();
  else requestTimer = setTimeout(request, KEYBOARD_REQUEST_DELAY_MS);
}

const header = new FileHeader();
const list = new TensorList(select, (filter) => update({ filter }));
const detail = new TensorDetail(update, (png, suggestedName) => view.post({ type: 'exportPng', suggestedName, png }));
const waiting = h('p', { class: 'empty waiting' }, 'Reading the weight file…');
const errorPanel = h('section', { class: 'error-panel', role: 'alert', hidden: true });
const workspace = h(
  'div',
  { class: 'workspace', hidden: true },
  h('section', { class: 'tensor-pane', 'aria-label': 'Tensors' }, list.element),
  h('section', { class: 'detail-pane', 'aria-label': 'Selected tensor' }, detail.element),
);
const app = document.getElementById('app') ?? document.body;
app.className = 'weights';
app.append(header.element, waiting, errorPanel, workspace);

function detailContent(): DetailContent | undefined {
  const { file, selected, stats } = data;
  const summary = selected && file?.tensors.find((t) => t.name === selected?.name);
  if (!selected || !summary) return undefined;
  const { filters, channels, rgb, normalization, zoom } = state;
  const { values, error } = selected;
  return {
    summary,
    stats: stats.get(summary.name) ?? summary.stats,
    values,
    error,
    theme,
    filters,
    channels,
    rgb,
    normalization,
    zoom,
  };
}

const render = onNextFrame(() => {
  const { file, fileError, stats } = data;
  waiting.hidden = file !== undefined || fileError !== undefined;
  errorPanel.hidden = fileError === undefined;
  errorPanel.replaceChildren(
    h('h2', {}, 'This file cannot be shown'),
    h('p', {}, fileError ?? ''),
    h('p', { class: 'error-hint' }, SUPPORTED),
  );
  header.element.hidden = workspace.hidden = !file;
  if (!file) return;
  header.show(file);
  list.show({ tensors: file.tensors, stats, filter: state.filter, selected: state.selected });
  detail.show(detailContent());
});

render();
view.start({
  isHostMessage: isWeightsHostMessage,
  onHostMessage(message) {
    const previous = data.file;
    data = applyWeightsMessage(data, message);
    // A restored view shows the tensor it showed before, if the file still has it.
    const { file } = data;
    if (file && file !== previous && file.tensors.some((t) => t.name === state.selected)) select(state.selected!, true);
    if (message.type === 'exported') detail.exported(message.path);
    render();
  },
  onTheme(next) {
    theme = next;
    render();
  },
  ready: { type: 'weightsReady' },
});
