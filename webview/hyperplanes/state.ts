// The hyperplanes view's state (what getState/setState keep) and how host messages change it.
// Pure functions, so the rules (follow the newest frame, keep a scrubbed frame) are
// easy to see and to test.
import { messageGuard } from '../shared/messageGuard';
import { type HyperplanesHostMessage, type PersistedHyperplanesState, startedRunState } from '../../src/protocol';

export type RunState = NonNullable<PersistedHyperplanesState['run']>;

export const INITIAL_STATE: PersistedHyperplanesState = { frame: 0, tab: 'live' };

export const isHyperplanesHostMessage = messageGuard<HyperplanesHostMessage>([
  'runStarted',
  'snapshots',
  'runEnded',
  'runState',
]);

/** What getState returned, or the initial state if there was nothing usable. */
export function restoreState(saved: PersistedHyperplanesState | undefined): PersistedHyperplanesState {
  if (!saved || typeof saved.frame !== 'number') return INITIAL_STATE;
  const last = Math.max(0, (saved.run?.snapshots.length ?? 0) - 1);
  return {
    ...saved,
    frame: Math.min(Math.max(0, Math.round(saved.frame)), last),
    tab: saved.tab === 'lecture' ? 'lecture' : 'live',
  };
}

/** The scrubber shows the newest snapshot, so new ones move it along. */
export function isFollowingNewest(state: PersistedHyperplanesState): boolean {
  return !state.run || state.frame >= state.run.snapshots.length - 1;
}

export function applyHyperplanesMessage(
  state: PersistedHyperplanesState,
  message: HyperplanesHostMessage,
): PersistedHyperplanesState {
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
