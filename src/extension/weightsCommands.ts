// The two ways to open the weights view besides "Open With…": the Explorer's context menu
// on a weight file, and the palette's file picker.
import * as vscode from 'vscode';
import { WEIGHTS_VIEW_TYPE } from './weightsEditor';
import { WEIGHT_FILE_EXTENSIONS } from './weightsFiles';

export const WEIGHTS_COMMANDS = {
  /** Explorer context menu (hidden from the palette): the URI comes from the menu. */
  inspect: 'weightLens.inspectWeights',
  inspectFile: 'weightLens.inspectWeightsFile',
} as const;

export function registerWeightsCommands(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(WEIGHTS_COMMANDS.inspect, async (uri?: vscode.Uri) =>
      openWeights(uri ?? (await pickWeightFile())),
    ),
    vscode.commands.registerCommand(WEIGHTS_COMMANDS.inspectFile, async () => openWeights(await pickWeightFile())),
  ];
}

/** Opens the file in the weights editor; resolves once it is shown. */
async function openWeights(uri: vscode.Uri | undefined): Promise<void> {
  if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, WEIGHTS_VIEW_TYPE);
}

async function pickWeightFile(): Promise<vscode.Uri | undefined> {
  const [file] =
    (await vscode.window.showOpenDialog({
      title: 'Weight Lens: a weights file to inspect',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      canSelectMany: false,
      // model.json (TF.js) and *.safetensors.index.json need "json".
      filters: { 'Weight files': [...WEIGHT_FILE_EXTENSIONS, 'json'], 'All files': ['*'] },
      openLabel: 'Inspect',
    })) ?? [];
  return file;
}
