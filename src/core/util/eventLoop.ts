// Long computations (training) give the event loop a turn between chunks of work, so the
// extension host keeps answering and an AbortSignal can fire.

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
