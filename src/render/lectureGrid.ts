// The lecture's figure: small multiples of a run at the slides' iterations, each titled
// "Iteration N".
import { deadUnits } from '../core/mlp/hyperplane';
import type { Dataset, Snapshot, TrainRun } from '../core/mlp/run';
import { LECTURE_GRID_ITERATIONS } from '../core/mlp/schedule';
import { drawHyperplaneScene, type HyperplaneScene, type Rect } from './hyperplanes';
import type { Theme } from './theme';

/**
 * One scene per requested iteration: the kept snapshot at that iteration, or the last one
 * before it. Iterations with no snapshot yet are left out, and so are repeats of the same
 * snapshot (a run shorter than the lecture's).
 */
export function lectureGridScenes(
  run: TrainRun,
  dataset: Dataset,
  iterations: readonly number[] = LECTURE_GRID_ITERATIONS,
): HyperplaneScene[] {
  const picked: Snapshot[] = [];
  for (const iteration of iterations) {
    const snapshot = lastSnapshotAtOrBefore(run.snapshots, iteration);
    if (snapshot && snapshot !== picked.at(-1)) picked.push(snapshot);
  }
  const activation = run.config.activation;
  return picked.map((snapshot) => ({
    dataset,
    snapshot,
    activation,
    showTest: false,
    showRegions: true,
    deadUnits: deadUnits(snapshot, activation, dataset.train),
  }));
}

function lastSnapshotAtOrBefore(snapshots: Snapshot[], iteration: number): Snapshot | undefined {
  let found: Snapshot | undefined;
  for (const s of snapshots) if (s.iteration <= iteration && (!found || s.iteration > found.iteration)) found = s;
  return found;
}

/** Horizontal space on each side of a plot, as a fraction of the cell width, so frames do not touch. */
const CELL_GUTTER = 0.015;

interface GridLayout {
  cellWidth: number;
  titleHeight: number;
  fontSize: number;
  rows: number;
}

function gridLayout(width: number, count: number, columns: number): GridLayout {
  const cellWidth = width / columns;
  const fontSize = Math.round(Math.min(18, Math.max(10, cellWidth * 0.055)));
  return { cellWidth, titleHeight: Math.round(fontSize * 1.9), fontSize, rows: Math.ceil(count / columns) };
}

/** The size a grid of `count` scenes needs at this width: square plots under their titles. */
export function lectureGridSize(width: number, count: number, columns = 4): { width: number; height: number } {
  const layout = gridLayout(width, count, columns);
  return { width, height: Math.ceil(layout.rows * (layout.cellWidth + layout.titleHeight)) };
}

export function drawLectureGrid(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  scenes: HyperplaneScene[],
  theme: Theme,
  columns = 4,
): void {
  const layout = gridLayout(rect.width, scenes.length, columns);
  const cellHeight = rect.height / Math.max(1, layout.rows);
  ctx.save();
  ctx.fillStyle = theme.background;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  ctx.font = `${layout.fontSize}px ${theme.fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  scenes.forEach((scene, i) => {
    const x = rect.x + (i % columns) * layout.cellWidth;
    const y = rect.y + Math.floor(i / columns) * cellHeight;
    ctx.fillStyle = theme.foreground;
    ctx.fillText(`Iteration ${scene.snapshot.iteration}`, x + layout.cellWidth / 2, y + layout.titleHeight * 0.6);
    const gutter = Math.round(layout.cellWidth * CELL_GUTTER);
    const plot: Rect = {
      x: x + gutter,
      y: y + layout.titleHeight,
      width: layout.cellWidth - 2 * gutter,
      height: cellHeight - layout.titleHeight,
    };
    drawHyperplaneScene(ctx, plot, scene, theme, { compact: true });
  });
  ctx.restore();
}
