// "Weight Lens: Show Evolution": on a folder from the Explorer's context menu, or from
// the palette, which asks for the folder.
import * as vscode from 'vscode';
import type { EvolutionPanels } from './evolutionPanel';

export const EVOLUTION_COMMAND = 'weightLens.showEvolution';

export function registerEvolutionCommand(panels: EvolutionPanels): vscode.Disposable {
  return vscode.commands.registerCommand(EVOLUTION_COMMAND, async (uri?: vscode.Uri) => {
    const folder = uri instanceof vscode.Uri ? uri : await pickFolder();
    if (folder) panels.showFolder(folder);
  });
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const [folder] =
    (await vscode.window.showOpenDialog({
      title: 'Weight Lens: a folder of checkpoints (a training run)',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Show Evolution',
    })) ?? [];
  return folder;
}
