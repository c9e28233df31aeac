// The view's state (what getState/setState keep) and how host messages change it.
// Pure functions, so the rules (follow the newest frame, keep a scrubbed frame) are
// easy to see and to test.
import { type HostMessage, type PersistedViewState, startedRunState } from '../src/protocol';

export type RunState = NonNullable<PersistedViewState['run']>;

export const INITIAL_STATE: PersistedViewState = { frame: 0, tab: 'live' };

/**
 * A guard for messages of these types: messages of a type we do not know (a newer host,
 * another extension) are ignored.
 */
export function messageGuard<T extends { type: string }>(types: T['type'][]): (data: unknown) => data is T {
  const known = new Set<unknown>(types);
  return (data): data is T => typeof data === 'object' && data !== null && known.has((data as { type?: unknown }).type);
}

export const isHostMessage = messageGuard<HostMessage>(['runStarted', 'snapshots', 'runEnded', 'runState']);

/** What getState returned, or the initial state if there was nothing usable. */
export function restoreState(saved: PersistedViewState | undefined): PersistedViewState {
  if (!saved || typeof saved.frame !== 'number') return INITIAL_STATE;
  const last = Math.max(0, (saved.run?.snapshots.length ?? 0) - 1);
  return {
    ...saved,
    frame: Math.min(Math.max(0, Math.round(saved.frame)), last),
    tab: saved.tab === 'lecture' ? 'lecture' : 'live',
  };
}

/** The scrubber shows the newest snapshot, so new ones move it along. */
export function isFollowingNewest(state: PersistedViewState): boolean {
  return !state.run || state.frame >= state.run.snapshots.length - 1;
}

export function applyHostMessage(state: PersistedViewState, message: HostMessage): PersistedViewState {
  switch (message.type) {
    case 'runStarted':
      return { ...state, run: startedRunState(message), frame: 0 };
    case 'snapshots': {
      if (state.run?.runId !== message.runId) return state;
      const snapshots = [...state.run.snapshots, ...message.snapshots];
      const frame = isFollowingNewest(state) ? Math.max(0, snapshots.length - 1) : state.frame;
      return { ...state, run: { ...state.run, snapshots }, frame };
    }
    case 'runEnded':
      if (state.run?.runId !== message.runId) return state;
      return { ...state, run: { ...state.run, status: message.status, message: message.message } };
    case 'runState': {
      // A restored view gets its own run again: keep the frame the user had scrubbed to.
      const keepFrame = state.run?.runId === message.runId && !isFollowingNewest(state);
      const last = Math.max(0, message.snapshots.length - 1);
      return { ...state, run: message, frame: keepFrame ? Math.min(state.frame, last) : last };
    }
  }
}

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
