// The weights view: a read-only custom editor for weight files (like vscode-hexeditor's
// for binary files). The document keeps the file open; each editor lists its tensors
// (metadata only), computes their statistics in the background, sends a tensor's values
// when the webview asks, and writes a PNG only when the user exports one.
import * as vscode from 'vscode';
import type { TensorStats, TensorSummary, WeightsHostMessage, WeightsWebviewMessage } from '../protocol';
import { reportErrors } from './reportErrors';
import { WeightsDocument } from './weightsDocument';
import { exportFileName } from './weightsFiles';
import { loadWeightsView } from './webviewSetup';
import { errorMessage } from '../core/util/errorMessage';

/** How long statistics gather before they go to the view: ten messages a second, not one per tensor. */
const STATS_BATCH_MS = 100;

export const WEIGHTS_VIEW_TYPE = 'weightLens.weights';

export function registerWeightsEditor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider<WeightsDocument> = {
    openCustomDocument: (uri) => WeightsDocument.open(uri, log),
    resolveCustomEditor: (document, panel) => {
      // No retainContextWhenHidden: a hidden webview reloads when shown and says `weightsReady` again.
      loadWeightsView(panel.webview, extensionUri);
      const editor = new WeightsEditor(document, panel.webview, log);
      panel.onDidDispose(() => editor.dispose());
    },
  };
  return vscode.window.registerCustomEditorProvider(WEIGHTS_VIEW_TYPE, provider, {
    supportsMultipleEditorsPerDocument: true,
  });
}

/** One editor (webview) of a document. */
class WeightsEditor implements vscode.Disposable {
  private readonly listener: vscode.Disposable;
  /** Aborts the background statistics of the previous page load. */
  private statsJob = new AbortController();
  private disposed = false;

  constructor(
    private readonly document: WeightsDocument,
    private readonly webview: vscode.Webview,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.listener = webview.onDidReceiveMessage((message: WeightsWebviewMessage) => this.receive(message));
  }

  dispose(): void {
    this.disposed = true;
    this.statsJob.abort();
    this.listener.dispose();
  }

  private receive(message: WeightsWebviewMessage): void {
    switch (message.type) {
      case 'weightsReady':
        this.sendFile();
        return;
      case 'requestTensor':
        void this.sendTensor(message.requestId, message.name);
        return;
      case 'exportPng':
        void this.exportPng(message.suggestedName, message.png);
        return;
    }
  }

  /** The tensor list with the statistics known so far; the others follow one by one. */
  private sendFile(): void {
    const { content } = this.document;
    if (!content.ok) {
      this.post({ type: 'fileError', message: content.message });
      return;
    }
    const { file } = content;
    const tensors: TensorSummary[] = file.tensors.map(({ name, dtype, shape, layout }) => ({
      name,
      dtype,
      shape,
      layout,
      stats: this.document.knownStatsOf(name),
    }));
    this.post({
      type: 'weightsFile',
      path: file.path,
      fileName: this.document.fileName,
      format: file.format,
      metadata: file.metadata,
      tensors,
    });
    this.statsJob.abort();
    this.statsJob = new AbortController();
    void this.sendStats(
      tensors.filter((t) => !t.stats).map((t) => t.name),
      this.statsJob.signal,
    );
  }

  /**
   * Tensor by tensor, yielding to the event loop in between so the extension host stays
   * responsive; sent in batches of STATS_BATCH_MS, since the view copies its statistics per message.
   */
  private async sendStats(names: string[], signal: AbortSignal): Promise<void> {
    let batch: { name: string; stats: TensorStats }[] = [];
    let since = Date.now();
    const flush = () => {
      if (batch.length && !signal.aborted) this.post({ type: 'tensorStats', stats: batch });
      [batch, since] = [[], Date.now()];
    };
    for (const name of names) {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) return;
      const stats = await this.document.statsOf(name);
      if (stats) batch.push({ name, stats });
      if (Date.now() - since >= STATS_BATCH_MS) flush();
    }
    flush();
  }

  private async sendTensor(requestId: number, name: string): Promise<void> {
    const { content } = this.document;
    try {
      if (!content.ok) throw new Error(content.message);
      const values = await content.file.read(name);
      this.post({ type: 'tensorData', requestId, name, values });
    } catch (error) {
      const message = errorMessage(error);
      this.log.error(`tensor ${name}: ${message}`);
      this.post({ type: 'tensorError', requestId, name, message });
    }
  }

  /** The only write: after the user chose where, in a save dialog that starts in the workspace. */
  private async exportPng(suggestedName: string, png: Uint8Array): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      title: 'Weight Lens: export the filter grid',
      defaultUri: vscode.Uri.joinPath(this.exportFolder(), exportFileName(this.document.fileName, suggestedName)),
      filters: { 'PNG image': ['png'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const shown = target.scheme === 'file' ? target.fsPath : target.toString();
    await reportErrors(this.log, async () => {
      try {
        await vscode.workspace.fs.writeFile(target, png);
      } catch (error) {
        throw new Error(`cannot export ${shown}: ${errorMessage(error)}`);
      }
      this.log.info(`exported ${shown}`);
      this.post({ type: 'exported', path: shown });
      const choice = await vscode.window.showInformationMessage(`Weight Lens: exported ${shown}`, 'Reveal');
      if (choice) await reveal(target);
    });
  }

  /** The workspace folder of the weight file, else the first one, else the file's own folder. */
  private exportFolder(): vscode.Uri {
    const { uri } = this.document;
    return (
      vscode.workspace.getWorkspaceFolder(uri)?.uri ??
      vscode.workspace.workspaceFolders?.[0]?.uri ??
      vscode.Uri.joinPath(uri, '..')
    );
  }

  private post(message: WeightsHostMessage): void {
    // A hidden or closed webview drops messages; a reloaded one asks again with `weightsReady`.
    if (!this.disposed) void this.webview.postMessage(message);
  }
}

/** In the Explorer when the file is in the workspace, else in the system's file manager. */
function reveal(uri: vscode.Uri): Thenable<unknown> {
  const command = vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS';
  return vscode.commands.executeCommand(command, uri);
}
