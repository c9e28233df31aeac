// Saving a view's state on every change would serialize it for every snapshot that streams in
// and every frame played.

/**
 * Calls `save` at most once per `intervalMs`: at once when idle, then with the latest
 * state at the end of the interval (a run streams snapshots, playback moves the frame).
 */
export function throttle<T>(save: (value: T) => void, intervalMs: number): (value: T) => void {
  let pending: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    save(value);
    timer = setTimeout(flush, intervalMs);
  };
  return (value) => {
    pending = { value };
    if (!timer) flush();
  };
}
