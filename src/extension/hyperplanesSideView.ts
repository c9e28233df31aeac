// The compact hyperplane view in the Weight Lens side bar: shows the current run while
// the user edits. Like the panel, it restores itself when shown again.
import * as vscode from 'vscode';
import type { TrainingSession } from './trainingSession';
import { loadHyperplanesView } from './webviewSetup';

export const SIDE_VIEW_ID = 'weightLens.training';

export class HyperplanesSideViewProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: TrainingSession,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    loadHyperplanesView(view.webview, this.extensionUri, 'sidebar');
    const connection = this.session.connect(view.webview);
    view.onDidDispose(() => connection.dispose());
  }
}
