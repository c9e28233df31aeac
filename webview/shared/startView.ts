// What every view does at start: take VS Code's handle (typed with the view's own messages and
// state), keep its state at most every SAVE_INTERVAL_MS, follow the colour theme, apply the
// host's messages of the types it knows, and say it is ready once it has drawn.
import { observeTheme, type ViewTheme } from './theme';
import { throttle } from './throttle';
import { acquireApi } from './vscodeApi';

/** Often enough that hiding the view right after a change keeps it; rarely enough to stay cheap. */
const SAVE_INTERVAL_MS = 200;

export interface ViewStart<HostMessage, Message> {
  isHostMessage: (data: unknown) => data is HostMessage;
  onHostMessage: (message: HostMessage) => void;
  onTheme: (theme: ViewTheme) => void;
  /** The view's first message: it listens from now on. */
  ready: Message;
}

export interface ViewConnection<Message, State> {
  /** What getState kept (undefined when the view opens for the first time). */
  readonly saved: State | undefined;
  post(message: Message): void;
  /** Keeps the state through getState/setState (throttled). */
  save(state: State): void;
  /** Follows the host and the theme, then tells the host the view is ready. */
  start<HostMessage>(start: ViewStart<HostMessage, Message>): void;
}

export function connectView<Message, State>(): ViewConnection<Message, State> {
  const api = acquireApi<Message, State>();
  return {
    saved: api.getState(),
    post: (message) => api.postMessage(message),
    save: throttle((state: State) => api.setState(state), SAVE_INTERVAL_MS),
    start({ isHostMessage, onHostMessage, onTheme, ready }) {
      observeTheme(onTheme);
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isHostMessage(event.data)) onHostMessage(event.data);
      });
      api.postMessage(ready);
    },
  };
}
