// The webview's handle on VS Code, typed with a view's own messages and state. VS Code
// injects `acquireVsCodeApi`, which may be called only once per page: each view's main
// module calls acquireApi once.
export interface VsCodeApi<Message, State> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

export function acquireApi<Message, State>(): VsCodeApi<Message, State> {
  return acquireVsCodeApi() as VsCodeApi<Message, State>;
}
