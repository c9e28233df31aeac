// Which iterations of a run keep a snapshot: log-spaced so the early, fast changes are
// seen in detail, always including the iterations the lecture's figures show.

/** Iterations of the lecture's two snapshot grids (EE-559, 8.1), 1-based as on the slides. */
export const LECTURE_ITERATIONS = [1, 4, 7, 10, 16, 34, 77, 100, 272, 556, 703, 1407, 2222, 2789, 4999, 9999] as const;

/** The first lecture run's grid (the second run shows 100, 272, 556, 2222, 4999 instead). */
export const LECTURE_GRID_ITERATIONS = [1, 4, 7, 10, 16, 34, 77, 100, 703, 1407, 2789, 9999] as const;

/** How many log-spaced points per decade of iterations. */
const POINTS_PER_DECADE = 60;

/**
 * The sorted, distinct iterations in [1, total] at which to keep a snapshot: log-spaced
 * points (every iteration while they are closer than one apart), the lecture's
 * iterations, and the last one.
 */
export function snapshotSchedule(total: number): number[] {
  const kept = new Set<number>([1, total]);
  const decades = Math.log10(total);
  const count = Math.ceil(decades * POINTS_PER_DECADE);
  for (let i = 0; i <= count; i++) {
    kept.add(Math.max(1, Math.min(total, Math.round(10 ** (i / POINTS_PER_DECADE)))));
  }
  for (const it of LECTURE_ITERATIONS) if (it <= total) kept.add(it);
  return [...kept].sort((a, b) => a - b);
}
