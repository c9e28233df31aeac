// What the workbench shows while a run trains: a status bar item (backend and iteration),
// the `weightLens.training` context key (enables Stop), and a notification with a
// progress bar whose Cancel stops the run.
import * as vscode from 'vscode';
import { datasetLabel, describeConfig } from '../core/mlp/config';
import type { TrainingSession, TrainingStatus } from './trainingSession';

export const TRAINING_CONTEXT_KEY = 'weightLens.training';

export function showTrainingIndicators(session: TrainingSession, stopCommand: string): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('weightLens.status', vscode.StatusBarAlignment.Left);
  item.name = 'Weight Lens Training';
  item.command = stopCommand;
  let training = false;
  let notification: RunNotification | undefined;
  const subscription = session.onDidChangeStatus((status) => {
    updateStatusBar(item, status);
    if (status.running !== training) {
      training = status.running;
      void vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, training);
    }
    if (!status.running) {
      notification?.end();
      notification = undefined;
      return;
    }
    if (notification?.runId !== status.runId) {
      notification?.end();
      notification = openNotification(status, () => void session.stop());
    }
    notification.report(status);
  });
  return vscode.Disposable.from(item, subscription, { dispose: () => notification?.end() });
}

function updateStatusBar(item: vscode.StatusBarItem, { running, backend, iteration, config }: TrainingStatus): void {
  if (!running) {
    item.hide();
    return;
  }
  item.text = `$(pulse) Weight Lens: ${backend} · ${iteration}/${config.iterations}`;
  item.tooltip = `Training ${describeConfig(config)} on the ${backend} backend. Click to stop.`;
  item.show();
}

interface RunNotification {
  runId: string;
  report(status: TrainingStatus): void;
  end(): void;
}

function openNotification(status: TrainingStatus, cancel: () => void): RunNotification {
  let end = (): void => {};
  const ended = new Promise<void>((resolve) => (end = resolve));
  let report: (s: TrainingStatus) => void = () => {};
  const options = {
    location: vscode.ProgressLocation.Notification,
    title: `Weight Lens: training on ${datasetLabel(status.config)}, ${status.config.hidden} hidden units`,
    cancellable: true,
  };
  void vscode.window.withProgress(options, (progress, token) => {
    token.onCancellationRequested(cancel);
    let percent = 0;
    report = ({ iteration, config }) => {
      const now = Math.floor((100 * iteration) / config.iterations);
      progress.report({ increment: now - percent, message: `iteration ${iteration} of ${config.iterations}` });
      percent = now;
    };
    return ended;
  });
  return { runId: status.runId, report: (s) => report(s), end: () => end() };
}
