// A run's loss and accuracy at its checkpoints' steps, as the evolution view charts them
// beside the checkpoints of a run training in memory (LeNet on MNIST). Points join as the
// run goes; a point of a step already known replaces it.

/** Loss and accuracy measured at one step; each absent when the run did not measure it there. */
export interface TrainingPoint {
  step: number;
  loss?: number;
  trainAccuracy?: number;
  testAccuracy?: number;
}

/** The points with `added` merged in, by step (a step seen again takes the new point), ascending. */
export function mergeTrainingPoints(
  current: readonly TrainingPoint[],
  added: readonly TrainingPoint[],
): TrainingPoint[] {
  const byStep = new Map(current.map((p) => [p.step, p]));
  for (const point of added) byStep.set(point.step, point);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
