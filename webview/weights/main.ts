// The weights webview: one weight file's tensors, the selected one's histogram and picture.
// It restores its saved state, says it is ready, then follows the host's messages: the
// file, statistics as they are computed, and the values of the tensor it asked for.
import type { PersistedWeightsState, TensorStats, WeightsHostMessage, WeightsWebviewMessage } from '../../src/protocol';
import { h } from '../dom';
import { onNextFrame } from '../frame';
import { throttle } from '../state';
import { observeTheme, readTheme } from '../theme';
import { acquireApi } from '../vscodeApi';
import { FileHeader } from './fileHeader';
import { isWeightsHostMessage, restoreWeightsState, type WeightsFile } from './state';
import { TensorDetail, type DetailContent } from './tensorDetail';
import { TensorList } from './tensorList';

/** Often enough that hiding the view right after a change keeps it; rarely enough to stay cheap. */
const SAVE_INTERVAL_MS = 200;
const SUPPORTED =
  'Weight Lens reads safetensors, PyTorch (.pt, .pth, .ckpt, .bin), NumPy (.npy, .npz), ONNX, Keras HDF5 and TF.js weights.';
/** While the arrow keys step through the list, only the tensor they rest on is read. */
const KEYBOARD_REQUEST_DELAY_MS = 150;

interface Selected {
  name: string;
  requestId: number;
  values?: Float32Array;
  error?: string;
}

const vscode = acquireApi<WeightsWebviewMessage, PersistedWeightsState>();
let state = restoreWeightsState(vscode.getState());
let theme = readTheme();
let file: WeightsFile | undefined;
let fileError: string | undefined;
let selected: Selected | undefined;
let lastRequestId = 0;
let requestTimer: ReturnType<typeof setTimeout> | undefined;
/** Statistics that came after the file (the host computes them in the background). */
let stats = new Map<string, TensorStats>();
const save = throttle((s: PersistedWeightsState) => vscode.setState(s), SAVE_INTERVAL_MS);

function update(patch: Partial<PersistedWeightsState>): void {
  state = { ...state, ...patch };
  save(state);
  render();
}

function select(name: string, immediate: boolean): void {
  if (selected?.name === name && (selected.values || selected.error)) return;
  const requestId = ++lastRequestId;
  selected = { name, requestId };
  update({ selected: name });
  clearTimeout(requestTimer);
  const request = (): void => vscode.postMessage({ type: 'requestTensor', requestId, name });
  if (immediate) request();
  else requestTimer = setTimeout(request, KEYBOARD_REQUEST_DELAY_MS);
}

const header = new FileHeader();
const list = new TensorList(select, (filter) => update({ filter }));
const detail = new TensorDetail(update, (png, suggestedName) =>
  vscode.postMessage({ type: 'exportPng', suggestedName, png }),
);
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

function receive(message: WeightsHostMessage): void {
  switch (message.type) {
    case 'weightsFile':
      file = message;
      fileError = undefined;
      stats = new Map();
      selected = undefined;
      // A restored view shows the tensor it showed before, if the file still has it.
      if (state.selected && file.tensors.some((t) => t.name === state.selected)) select(state.selected, true);
      break;
    case 'tensorStats':
      stats.set(message.name, message.stats);
      break;
    case 'tensorData':
      if (selected?.requestId === message.requestId) selected = { ...selected, values: message.values };
      break;
    case 'tensorError':
      if (selected?.requestId === message.requestId) selected = { ...selected, error: message.message };
      break;
    case 'fileError':
      fileError = message.message;
      file = undefined;
      break;
    case 'exported':
      detail.exported(message.path);
      break;
  }
  render();
}

observeTheme((next) => {
  theme = next;
  render();
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isWeightsHostMessage(event.data)) receive(event.data);
});

render();
vscode.postMessage({ type: 'weightsReady' });
