// One way to surface a failed user action: a log line and an error notification that names
// the bad value (the core's messages do). Callers get undefined instead of a rejection, so
// nothing reaches VS Code as an unhandled error.
import * as vscode from 'vscode';
import { errorMessage } from '../core/util/errorMessage';

export async function reportErrors<T>(log: vscode.LogOutputChannel, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    const message = errorMessage(error);
    log.error(message);
    void vscode.window.showErrorMessage(`Weight Lens: ${message}`);
    return undefined;
  }
}
