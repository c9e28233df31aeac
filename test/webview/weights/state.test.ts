// The weights webview's state rules, in plain Node: what the host's messages do to the file,
// the statistics and the selected tensor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WeightsHostMessage } from '../../../src/protocol';
import { applyWeightsMessage, NO_FILE, type WeightsFile } from '../../../webview/weights/state';

const file: WeightsFile = {
  type: 'weightsFile',
  path: '/w/lenet.pt',
  fileName: 'lenet.pt',
  format: 'pytorch',
  metadata: {},
  tensors: [{ name: 'conv1.weight', dtype: 'float32', shape: [32, 1, 5, 5], layout: 'OIHW' }],
};
const stats = { min: -1, max: 1, mean: 0, std: 0.5, nan: 0, inf: 0 };

function apply(...messages: WeightsHostMessage[]) {
  return messages.reduce(applyWeightsMessage, NO_FILE);
}

describe('applyWeightsMessage', () => {
  it('keeps statistics as they come, and a new file starts without them', () => {
    const data = apply(file, { type: 'tensorStats', stats: [{ name: 'conv1.weight', stats }] });
    assert.deepEqual(data.stats.get('conv1.weight'), stats);
    assert.equal(NO_FILE.stats.size, 0, 'the state it started from is unchanged');
    assert.equal(applyWeightsMessage(data, file).stats.size, 0);
  });

  it('takes values and errors only for the request it awaits', () => {
    const waiting = { ...apply(file), selected: { name: 'conv1.weight', requestId: 2 } };
    const values = new Float32Array(800);
    const stale = applyWeightsMessage(waiting, { type: 'tensorData', requestId: 1, name: 'conv1.weight', values });
    assert.equal(stale, waiting);
    assert.equal(
      applyWeightsMessage(waiting, { type: 'tensorData', requestId: 2, name: 'conv1.weight', values }).selected?.values,
      values,
    );
    const failed = applyWeightsMessage(waiting, { type: 'tensorError', requestId: 2, name: 'x', message: 'bad' });
    assert.equal(failed.selected?.error, 'bad');
  });

  it('a file error replaces the file; the next file clears the error', () => {
    const broken = apply(file, { type: 'fileError', message: 'lenet.pt: truncated' });
    assert.deepEqual([broken.file, broken.fileError], [undefined, 'lenet.pt: truncated']);
    const fixed = applyWeightsMessage(broken, file);
    assert.deepEqual([fixed.file, fixed.fileError], [file, undefined]);
  });
});
