// A weight file opened in the weights editor: one per file, shared by all its editors.
// The reader's WeightFile stays open (and its tensors readable by byte range) while the
// document lives; a file that cannot be read still makes a document, which says why.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openWeightFile } from '../core/formats/openWeightFile';
import { type WeightFile, WeightFileError } from '../core/formats/weightFile';
import { type TensorStats, tensorStats } from '../core/tensor/statistics';
import { errorMessage } from '../core/util/errorMessage';

/** Larger files open with a notification (and its progress bar) rather than in the status bar. */
const LARGE_FILE_BYTES = 64 * 1024 * 1024;

export type WeightsContent = { ok: true; file: WeightFile } | { ok: false; message: string };

export class WeightsDocument implements vscode.CustomDocument {
  /** Statistics computed or being computed, so two editors of one file read each tensor once. */
  private readonly pendingStats = new Map<string, Promise<TensorStats | undefined>>();
  private readonly knownStats = new Map<string, TensorStats>();

  private constructor(
    readonly uri: vscode.Uri,
    readonly content: WeightsContent,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Opens the file; never rejects: a failure becomes a document whose content is the message. */
  static async open(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<WeightsDocument> {
    try {
      const file = await openWithProgress(uri);
      log.info(`${file.path}: ${file.format}, ${file.tensors.length} tensors`);
      return new WeightsDocument(uri, { ok: true, file }, log);
    } catch (error) {
      const message = describeError(uri, error);
      log.error(message);
      return new WeightsDocument(uri, { ok: false, message }, log);
    }
  }

  get fileName(): string {
    return path.posix.basename(this.uri.path);
  }

  /** The statistics of a tensor once computed, else undefined. */
  knownStatsOf(name: string): TensorStats | undefined {
    return this.knownStats.get(name);
  }

  /** Reads the tensor and computes its statistics, once; undefined (and a log line) if it cannot be read. */
  statsOf(name: string): Promise<TensorStats | undefined> {
    if (!this.content.ok) return Promise.resolve(undefined);
    let pending = this.pendingStats.get(name);
    if (!pending) {
      pending = this.content.file.read(name).then(
        (values) => {
          const stats = tensorStats(values);
          this.knownStats.set(name, stats);
          return stats;
        },
        (error: unknown) => {
          this.log.error(`${describeError(this.uri, error)} (tensor ${name})`);
          return undefined;
        },
      );
      this.pendingStats.set(name, pending);
    }
    return pending;
  }

  dispose(): void {
    if (!this.content.ok) return;
    const { file } = this.content;
    file.close().catch((error: unknown) => this.log.warn(`closing ${file.path}: ${String(error)}`));
  }
}

async function openWithProgress(uri: vscode.Uri): Promise<WeightFile> {
  if (uri.scheme !== 'file') {
    throw new Error(
      `Weight Lens reads weight files from the local disk only, and this one is on "${uri.scheme}:". Save a copy on disk and open that.`,
    );
  }
  const { size } = await vscode.workspace.fs.stat(uri);
  const location = size > LARGE_FILE_BYTES ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  return vscode.window.withProgress({ location, title: `Weight Lens: opening ${path.basename(uri.fsPath)}` }, () =>
    openWeightFile(uri.fsPath),
  );
}

/** The error as "file: problem" (WeightFileErrors are already); other errors get the file's name. */
function describeError(uri: vscode.Uri, error: unknown): string {
  if (error instanceof WeightFileError) return error.message;
  const where = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  return `${where}: ${errorMessage(error)}`;
}
