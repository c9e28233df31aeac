// A checkpoint that fails to open while a training run writes it is most likely
// half-written, not corrupt: it is tried again, later and later, and reported only once
// the writer has stopped (its size and modification time unchanged for a while) and it
// still cannot be read.

export interface RetryPolicy {
  /** The first retry's delay; each next one doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A file unchanged this long is no longer being written. */
  stableMs: number;
}

export const RETRY_POLICY: RetryPolicy = { firstDelayMs: 200, maxDelayMs: 2000, stableMs: 3000 };

/** What the file system says about the file now. */
export interface FileState {
  size: number;
  mtimeMs: number;
}

/** What is remembered about a file that failed to open. */
export interface WriteWatch extends FileState {
  /** Since when the file is unchanged, as far as we know. */
  stableSince: number;
  attempts: number;
}

export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'report' };

/**
 * After a failed attempt to read a file: try again (when), or report it as unreadable.
 * A file seen for the first time is unchanged since its modification time, so a file
 * that was damaged long ago is reported at once; one that changed since the previous
 * attempt is being written now.
 */
export function afterFailedRead(
  previous: WriteWatch | undefined,
  file: FileState,
  now: number,
  policy: RetryPolicy = RETRY_POLICY,
): { watch: WriteWatch; decision: RetryDecision } {
  const changed = previous !== undefined && (previous.size !== file.size || previous.mtimeMs !== file.mtimeMs);
  const stableSince = previous === undefined ? Math.min(now, file.mtimeMs) : changed ? now : previous.stableSince;
  const attempts = (previous?.attempts ?? 0) + 1;
  const watch: WriteWatch = { ...file, stableSince, attempts };
  const stableFor = now - stableSince;
  if (stableFor >= policy.stableMs) return { watch, decision: { action: 'report' } };
  const backoff = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempts - 1));
  // No later than the moment the file would count as stable: it is then reported without delay.
  const delayMs = Math.max(policy.firstDelayMs, Math.min(backoff, policy.stableMs - stableFor));
  return { watch, decision: { action: 'retry', delayMs } };
}
