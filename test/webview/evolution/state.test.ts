// The evolution webview's state rules, in plain Node: which frame shows as checkpoints
// join and leave, which tensor and view, what is fetched ahead, histogram rows, the
// tensors kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckpointSummary, EvolutionHostMessage, SeriesState } from '../../../src/protocol';
import {
  applyEvolutionMessage,
  applyHistogramRows,
  applySeriesMessage,
  frameIndex,
  prefetchOrder,
  shownTensor,
  shownView,
} from '../../../webview/evolution/state';
import { TensorFrames } from '../../../webview/evolution/tensorFrames';

const checkpoint = (number: number): CheckpointSummary => ({
  name: `iter_${number}.pt`,
  number,
  bytes: 1,
  distance: [0],
  relative: [0],
});

const series: SeriesState = {
  type: 'series',
  seriesId: 's',
  title: 'run',
  live: true,
  layers: ['conv1'],
  tensors: [
    { name: 'fc.bias', shape: [10], count: 3 },
    { name: 'conv1.weight', shape: [32, 1, 5, 5], layout: 'OIHW', count: 3 },
  ],
  checkpoints: [checkpoint(1), checkpoint(5), checkpoint(9)],
  status: { scanned: 3, total: 3, waiting: [], problems: [] },
};

describe('evolution view state', () => {
  it('inserts joining checkpoints in order, replaces re-read ones, ignores other series', () => {
    const added = applySeriesMessage(series, {
      type: 'checkpointsAdded',
      seriesId: 's',
      checkpoints: [checkpoint(7), { ...checkpoint(9), bytes: 2 }],
      tensors: series.tensors,
    })!;
    assert.deepEqual(
      added.checkpoints.map((c) => [c.number, c.bytes]),
      [
        [1, 1],
        [5, 1],
        [7, 1],
        [9, 2],
      ],
    );
    const removed = applySeriesMessage(added, { type: 'checkpointsRemoved', seriesId: 's', names: ['iter_5.pt'] })!;
    assert.deepEqual(
      removed.checkpoints.map((c) => c.number),
      [1, 7, 9],
    );
    const other = applySeriesMessage(series, { type: 'checkpointsRemoved', seriesId: 'old', names: ['iter_1.pt'] });
    assert.equal(other, series);
  });

  it('shows the kept checkpoint, else the newest; the view and tensor that apply', () => {
    assert.equal(frameIndex(series, 'iter_5.pt'), 1);
    assert.equal(frameIndex(series, undefined), 2, 'no kept frame: the newest (following the run)');
    assert.equal(frameIndex(series, 'gone.pt'), 2);
    assert.equal(shownView(series, 'hyperplanes'), 'tensor', 'no hyperplanes in this series');
    assert.equal(shownTensor(series, undefined)?.name, 'conv1.weight', 'a convolution first');
    assert.equal(shownTensor(series, 'fc.bias')?.name, 'fc.bias');
  });

  it('fetches the frame shown first, then ahead in the direction of travel, then behind', () => {
    assert.deepEqual(prefetchOrder(5, 10, 1, 3, 2), [5, 6, 7, 8, 4, 3]);
    assert.deepEqual(prefetchOrder(1, 10, -1, 3, 2), [1, 0, 2, 3]);
    assert.deepEqual(prefetchOrder(9, 10, 1, 3, 1), [9, 8]);
  });

  it('adds histogram rows of the same tensor; new edges or another tensor start over', () => {
    const edges = [0, 1, 2];
    let h = applyHistogramRows(undefined, {
      type: 'seriesHistograms',
      seriesId: 's',
      tensor: 't',
      edges,
      rows: [{ checkpoint: 'a', counts: [1, 4] }],
      replace: true,
    });
    h = applyHistogramRows(h, {
      type: 'seriesHistograms',
      seriesId: 's',
      tensor: 't',
      edges,
      rows: [{ checkpoint: 'b', counts: [7, 0] }],
      replace: false,
    });
    assert.deepEqual([[...h.rows.keys()], h.countMax], [['a', 'b'], 7]);
    h = applyHistogramRows(h, {
      type: 'seriesHistograms',
      seriesId: 's',
      tensor: 'u',
      edges,
      rows: [{ checkpoint: 'a', counts: [2, 2] }],
      replace: false,
    });
    assert.deepEqual([[...h.rows.keys()], h.countMax], [['a'], 2]);
  });
});

describe('applyEvolutionMessage', () => {
  const rows = (seriesId: string): EvolutionHostMessage => ({
    type: 'seriesHistograms',
    seriesId,
    tensor: 't',
    edges: [0, 1],
    rows: [{ checkpoint: 'iter_1.pt', counts: [3] }],
    replace: true,
  });

  it("keeps a series' histograms while it is shown; another series starts without them", () => {
    let data = applyEvolutionMessage({}, series);
    data = applyEvolutionMessage(data, rows('s'));
    assert.deepEqual([...data.histograms!.rows.keys()], ['iter_1.pt']);
    data = applyEvolutionMessage(data, { type: 'seriesStatus', seriesId: 's', status: series.status });
    assert.ok(data.histograms, 'a status leaves the histograms');
    data = applyEvolutionMessage(data, { ...series, title: 'again' });
    assert.ok(data.histograms, 'the same series sent again keeps them');
    data = applyEvolutionMessage(data, { ...series, seriesId: 'other' });
    assert.equal(data.histograms, undefined);
    assert.equal(data.series?.seriesId, 'other');
  });

  it("ignores another series' histograms and leaves tensors to the frame cache", () => {
    const data = applyEvolutionMessage({}, series);
    assert.equal(applyEvolutionMessage(data, rows('old')), data);
    const tensor: EvolutionHostMessage = {
      type: 'seriesTensor',
      seriesId: 's',
      checkpoint: 'iter_1.pt',
      tensor: 't',
      values: new Float32Array(1),
    };
    assert.equal(applyEvolutionMessage(data, tensor), data);
  });

  it('adds joining checkpoints to the series shown', () => {
    const data = applyEvolutionMessage(applyEvolutionMessage({}, series), {
      type: 'checkpointsAdded',
      seriesId: 's',
      checkpoints: [checkpoint(3)],
      tensors: series.tensors,
    });
    assert.deepEqual(
      data.series?.checkpoints.map((c) => c.number),
      [1, 3, 5, 9],
    );
  });
});

describe('the tensors kept in the webview', () => {
  const value = (): Float32Array => new Float32Array(1);

  it('asks for what is missing, the frame shown again (to go first), the others once', () => {
    const asked: string[][] = [];
    const frames = new TensorFrames((_, checkpoints) => asked.push(checkpoints));
    frames.received('b', 't', value());
    frames.want('t', ['a', 'b', 'c'], 0);
    frames.want('t', ['a', 'b', 'c', 'd'], 1);
    assert.deepEqual(asked, [
      ['a', 'c'],
      ['a', 'd'],
    ]);
  });

  it('keeps a wanted frame over those arriving after it, when the cache is full', () => {
    // Room for three tensors of one value.
    const frames = new TensorFrames(() => undefined, 12);
    for (const checkpoint of ['a', 'b', 'c']) frames.received(checkpoint, 't', value());
    // The scrubber is heading for `a`, which is here: `d` arrives for the frame after it.
    frames.want('t', ['x', 'a', 'd'], 0);
    frames.received('d', 't', value());
    assert.ok(frames.get('a', 't'), 'a, wanted, is kept');
    assert.equal(frames.get('b', 't'), undefined, 'b, the least recently used, is not');
  });

  it('keeps the last tensor too large for the cache, so that it can be shown', () => {
    const frames = new TensorFrames(() => undefined, 8);
    frames.received('a', 't', new Float32Array(3));
    assert.equal(frames.get('a', 't')?.length, 3);
    frames.received('b', 't', new Float32Array(3));
    assert.equal(frames.get('a', 't'), undefined, 'the next large one replaces it');
    frames.forget('b');
    assert.equal(frames.get('b', 't'), undefined, 'forgotten with its checkpoint');
  });
});
