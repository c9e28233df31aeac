// The lecture grid: which snapshots it picks and what it draws.
import { createCanvas } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { TrainRun } from '../../src/core/mlp/run';
import { LECTURE_GRID_ITERATIONS } from '../../src/core/mlp/schedule';
import { drawLectureGrid, lectureGridScenes, lectureGridSize } from '../../src/render/lectureGrid';
import { DARK_THEME, LIGHT_THEME, type Theme } from '../../src/render/theme';
import { discDataset, lectureRun, snapshot } from './scenes';

function runAt(iterations: number[]): TrainRun {
  return {
    ...lectureRun(),
    iterations,
    snapshots: iterations.map((i) => snapshot(i, [[1, 0]], [-0.5], [[0, 0]], [0, 0])),
  };
}

describe('lectureGridScenes', () => {
  it('picks the snapshot at each lecture iteration', () => {
    const scenes = lectureGridScenes(lectureRun(), discDataset());
    assert.deepEqual(
      scenes.map((s) => s.snapshot.iteration),
      [...LECTURE_GRID_ITERATIONS],
    );
  });

  it('falls back to the last snapshot before a missing iteration', () => {
    const scenes = lectureGridScenes(runAt([1, 3, 5, 9, 12]), discDataset(), [1, 4, 7, 10]);
    assert.deepEqual(
      scenes.map((s) => s.snapshot.iteration),
      [1, 3, 5, 9],
    );
  });

  it('leaves out iterations before the first snapshot and repeats past the end of a short run', () => {
    const scenes = lectureGridScenes(runAt([5, 100, 300]), discDataset());
    assert.deepEqual(
      scenes.map((s) => s.snapshot.iteration),
      [5, 100, 300],
    );
  });

  it('marks the dead units of each snapshot on the training points', () => {
    const run = runAt([1]);
    run.snapshots[0] = snapshot(
      1,
      [
        [1, 0],
        [-1, 0],
      ],
      [-0.5, -2],
      [
        [0, 0],
        [0, 0],
      ],
      [0, 0],
    );
    assert.deepEqual(lectureGridScenes(run, discDataset(), [1])[0].deadUnits, [false, true]);
  });
});

describe('drawLectureGrid', () => {
  const scenes = lectureGridScenes(lectureRun(), discDataset());

  function render(theme: Theme) {
    const { width, height } = lectureGridSize(1200, scenes.length);
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    drawLectureGrid(ctx as unknown as CanvasRenderingContext2D, { x: 0, y: 0, width, height }, scenes, theme);
    return { canvas, ctx, width, height };
  }

  it('sizes 12 cells as 3 rows of 4 square plots under their titles', () => {
    const { height } = lectureGridSize(1200, 12);
    assert.ok(height > 3 * 300 && height < 3 * 300 + 3 * 50, `height ${height}`);
    assert.equal(lectureGridSize(1200, 5).height, lectureGridSize(1200, 8).height);
  });

  it('draws 12 cells, each with a title and a framed plot', () => {
    const { ctx, height } = render(LIGHT_THEME);
    const cellWidth = 300;
    const cellHeight = height / 3;
    const titleBand = cellHeight - cellWidth;
    for (let i = 0; i < 12; i++) {
      const [x, y] = [(i % 4) * cellWidth, Math.floor(i / 4) * cellHeight];
      const title = ctx.getImageData(x, Math.round(y), cellWidth, Math.floor(titleBand)).data;
      let ink = 0;
      for (let p = 0; p < title.length; p += 4) if (title[p] < 128) ink++;
      assert.ok(ink > 150, `cell ${i}: ${ink} dark pixels in the title band`);
      const plot = ctx.getImageData(x + 40, Math.round(y + titleBand + 40), cellWidth - 80, cellWidth - 80).data;
      let coloured = 0;
      for (let p = 0; p < plot.length; p += 4)
        if (Math.max(plot[p], plot[p + 1], plot[p + 2]) - Math.min(plot[p], plot[p + 1], plot[p + 2]) > 60) coloured++;
      assert.ok(coloured > 1000, `cell ${i}: ${coloured} coloured pixels in the plot`);
    }
  });

  it('leaves the cells past the last scene empty', () => {
    const few = scenes.slice(0, 5);
    const { width, height } = lectureGridSize(800, few.length);
    const ctx = createCanvas(width, height).getContext('2d');
    drawLectureGrid(ctx as unknown as CanvasRenderingContext2D, { x: 0, y: 0, width, height }, few, LIGHT_THEME);
    const empty = ctx.getImageData(width / 2, height / 2 + 10, width / 2, height / 2 - 10).data;
    assert.ok(
      empty.every((v) => v === 255),
      'the last row beyond cell 5 is background',
    );
  });

  it('saves the grid in light and dark themes under test-results/', async () => {
    mkdirSync('test-results', { recursive: true });
    for (const [name, theme] of [
      ['light', LIGHT_THEME],
      ['dark', DARK_THEME],
    ] as const) {
      writeFileSync(`test-results/lecture-grid-${name}.png`, await render(theme).canvas.encode('png'));
    }
  });
});
