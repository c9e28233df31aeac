// The editor-area hyperplane view: one panel at a time, opened beside the code, and
// brought back after a window reload by the serializer. No retainContextWhenHidden: the
// webview keeps its own state (getState/setState) and asks the host for the run again.
import * as vscode from 'vscode';
import type { TrainingSession } from './trainingSession';
import { loadHyperplanesView } from './webviewSetup';

export const HYPERPLANES_VIEW_TYPE = 'weightLens.hyperplanes';

export class HyperplanesPanel implements vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: TrainingSession,
  ) {}

  /** Reveals the panel, or opens it beside the active editor; the editor keeps the focus. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(HYPERPLANES_VIEW_TYPE, 'Weight Lens: Hyperplanes', {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
    });
    this.adopt(panel);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    loadHyperplanesView(panel.webview, this.extensionUri, 'panel');
    const connection = this.session.connect(panel.webview);
    panel.onDidDispose(() => {
      connection.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }
}
