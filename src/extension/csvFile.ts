// Where a CSV dataset lives. The config keeps a workspace-relative path when it can (short
// in the view, portable in settings); reading goes through workspace.fs.
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Larger files are refused before reading: the dataset parser caps points far below this. */
const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** The path to store in the config for a file the user picked. */
export function csvPathFor(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

/** The text of the CSV at `csvPath`: absolute, or relative to one of the workspace folders. */
export async function readCsv(csvPath: string): Promise<string> {
  const uri = await locate(csvPath);
  const { size } = await vscode.workspace.fs.stat(uri);
  if (size > MAX_CSV_BYTES) {
    throw new Error(`${csvPath}: ${size} bytes is too large for a CSV dataset (at most ${MAX_CSV_BYTES})`);
  }
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

async function locate(csvPath: string): Promise<vscode.Uri> {
  const candidates = path.isAbsolute(csvPath)
    ? [vscode.Uri.file(csvPath)]
    : (vscode.workspace.workspaceFolders ?? []).map((folder) => vscode.Uri.joinPath(folder.uri, csvPath));
  for (const uri of candidates) {
    if (await exists(uri)) return uri;
  }
  throw new Error(`CSV file "${csvPath}" not found (a relative path is read from the workspace folder)`);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
