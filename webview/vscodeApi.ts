// The webview's handle on VS Code, typed with our protocol. VS Code injects
// `acquireVsCodeApi`, which may be called only once per page.
import type { PersistedViewState, WebviewMessage } from '../src/protocol';

export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PersistedViewState | undefined;
  setState(state: PersistedViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
