// The evolution views: one editor-area panel per series, beside the code, brought back
// after a window reload by the serializer (which reopens the folder the view kept in its
// state). A folder's series follows the folder through a FileSystemWatcher.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { folderStore } from '../core/series/checkpointStore';
import { errorMessage } from '../core/util/errorMessage';
import type { EvolutionWebviewMessage, PersistedEvolutionState, TrainingPoint } from '../protocol';
import { EvolutionHost, type SeriesChange, type SeriesSource } from './evolutionHost';
import { loadEvolutionView } from './webviewSetup';

export const EVOLUTION_VIEW_TYPE = 'weightLens.evolution';

/** A series and what tells of its changes (a folder's watcher; a run's own event). */
export interface LiveSeries {
  source: SeriesSource;
  changes?: vscode.Event<SeriesChange>;
  /** Loss and accuracy a run in memory measured, charted against its steps. */
  metrics?: vscode.Event<TrainingPoint[]>;
  dispose?(): void;
}

export class EvolutionPanels implements vscode.WebviewPanelSerializer<PersistedEvolutionState> {
  /** Open panels by series (a folder's path): showing a series again reveals its panel. */
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Shows the checkpoints of a folder on disk, following it as files come and go. */
  showFolder(folder: vscode.Uri): void {
    if (folder.scheme !== 'file') {
      void vscode.window.showErrorMessage(
        `Weight Lens reads checkpoints from the local disk only, and this folder is on "${folder.scheme}:".`,
      );
      return;
    }
    this.showSeries(folder.fsPath, `Evolution: ${path.basename(folder.fsPath)}`, () => folderSeries(folder));
  }

  /**
   * Shows a series in a panel of its own, or reveals the panel already showing `key`. A
   * run training in memory passes a MemoryStore, and fires `changes` with each name its
   * `add` returns.
   */
  showSeries(key: string, title: string, series: () => LiveSeries): void {
    const open = this.panels.get(key);
    if (open) {
      open.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(EVOLUTION_VIEW_TYPE, title, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
    });
    this.adopt(panel, key, series());
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PersistedEvolutionState | undefined): Promise<void> {
    const folder = state?.folder;
    if (!folder) {
      // A run that trained in memory is gone after a reload.
      panel.dispose();
      return;
    }
    this.adopt(panel, folder, folderSeries(vscode.Uri.file(folder)));
  }

  private adopt(panel: vscode.WebviewPanel, key: string, series: LiveSeries): void {
    this.panels.get(key)?.dispose();
    this.panels.set(key, panel);
    loadEvolutionView(panel.webview, this.extensionUri);
    const host = new EvolutionHost(series.source, (message) => void panel.webview.postMessage(message), this.log);
    host.started.catch((error: unknown) => {
      const message = `${series.source.store.label}: ${errorMessage(error)}`;
      this.log.error(message);
      void vscode.window.showErrorMessage(`Weight Lens: ${message}`);
    });
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: EvolutionWebviewMessage) => host.receive(message)),
      ...(series.changes ? [series.changes((change) => host.fileChanged(change))] : []),
      ...(series.metrics ? [series.metrics((points) => host.metricsAdded(points))] : []),
    ];
    panel.onDidDispose(() => {
      subscriptions.forEach((s) => s.dispose());
      host.dispose();
      series.dispose?.();
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
  }
}

/** A folder's checkpoints, and its watcher: files directly in it only, as the store lists them. */
function folderSeries(folder: vscode.Uri): LiveSeries {
  const store = folderStore(folder.fsPath);
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '*'));
  const changes = new vscode.EventEmitter<SeriesChange>();
  const tell = (deleted: boolean) => (uri: vscode.Uri) => changes.fire({ name: path.basename(uri.fsPath), deleted });
  const subscriptions = [
    watcher.onDidCreate(tell(false)),
    watcher.onDidChange(tell(false)),
    watcher.onDidDelete(tell(true)),
  ];
  return {
    source: { store, live: true, readText: store.readText },
    changes: changes.event,
    dispose: () => [...subscriptions, watcher, changes].forEach((d) => d.dispose()),
  };
}
