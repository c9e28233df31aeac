// CodeLenses over PyTorch MLPs in Python files (see core/mlp/sequentialParser for the policy):
// "Train & show hyperplanes" over Linear(2, H) → ReLU|Tanh|Sigmoid → Linear(H, 2), which
// trains that architecture beside the code; "cannot train this (why)" over other MLPs.
import * as vscode from 'vscode';
import { findSequentials, type SequentialMatch } from '../core/mlp/sequentialParser';
import { COMMANDS } from './hyperplanesCommands';
import { CODELENS_SETTING, SETTINGS_SECTION } from './settings';

export function registerSequentialCodeLens(): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses: (document) =>
      lensesEnabled() ? findSequentials(document.getText()).map((m) => lens(document, m)) : [],
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.${CODELENS_SETTING}`)) changed.fire();
    }),
  );
}

function lensesEnabled(): boolean {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(CODELENS_SETTING, true);
}

function lens(document: vscode.TextDocument, match: SequentialMatch): vscode.CodeLens {
  const range = new vscode.Range(document.positionAt(match.start), document.positionAt(match.end));
  if (match.kind === 'untrainable') {
    return new vscode.CodeLens(range, {
      title: `Weight Lens: cannot train this (${match.reason})`,
      command: COMMANDS.explainUntrainable,
      arguments: [match.reason],
    });
  }
  const { hidden, activation } = match;
  return new vscode.CodeLens(range, {
    title: '$(graph-line) Train & show hyperplanes',
    tooltip: `Train this network (${hidden} hidden units, ${activation}) with the other settings from weightLens.* and show its hidden units' lines`,
    command: COMMANDS.train,
    arguments: [{ hidden, activation }],
  });
}
