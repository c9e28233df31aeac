// Runs inside VS Code's extension host (launched by extensionHost.test.ts with the
// examples/ folder open). No test framework: VS Code calls `run` and a rejection fails
// the run. Runs are short so the whole suite takes seconds.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainRun } from '../../../src/core/mlp/run';
import type { WeightLensApi } from '../../../src/extension/extension';

const EXTENSION_ID = 'weight-lens.weight-lens';
const SHORT_RUN = { iterations: 40, hidden: 4 };

const checks: [string, (api: WeightLensApi) => Promise<void>][] = [
  [
    'every contributed command is registered',
    async () => {
      const contributed: { command: string }[] =
        vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands;
      const registered = new Set(await vscode.commands.getCommands(true));
      for (const { command } of contributed) assert.ok(registered.has(command), `${command} is not registered`);
    },
  ],
  [
    'the API trains a short run and keeps it as the current run',
    async (api) => {
      const run = await api.trainRun(SHORT_RUN);
      assert.ok(run, 'the run was not started');
      assert.equal(run.config.iterations, 40);
      assert.equal(run.snapshots.at(-1)?.iteration, 40);
      assert.equal(run.snapshots[0].w.length, 4);
      assert.match(run.backend, /^(tensorflow|wasm|cpu)$/);
      assert.equal(api.currentRun()?.status, 'done');
    },
  ],
  [
    'the API rejects a bad config, naming the value',
    async (api) => {
      await assert.rejects(api.trainRun({ hidden: 0 }), /hidden width .* got 0/);
    },
  ],
  [
    'the train command with a config trains without asking and opens the panel',
    async (api) => {
      const run = await vscode.commands.executeCommand<TrainRun | undefined>('weightLens.trainHyperplanes', {
        ...SHORT_RUN,
        dataset: 'xor',
      });
      assert.equal(run?.config.dataset, 'xor');
      assert.equal(api.currentRun()?.config.dataset, 'xor');
      const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
      assert.ok(
        tabs.some(
          (tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('weightLens.hyperplanes'),
        ),
        'no hyperplane panel is open',
      );
    },
  ],
  [
    'the train command reports a bad config instead of failing',
    async () => {
      const run = await vscode.commands.executeCommand('weightLens.trainHyperplanes', { learningRate: -1 });
      assert.equal(run, undefined);
    },
  ],
  [
    'the CodeLens offers to train the lecture network',
    async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'lecture_mlp.py'));
      assert.equal(document.languageId, 'python');
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        document.uri,
      );
      const train = lenses.find((lens) => lens.command?.command === 'weightLens.trainHyperplanes');
      assert.ok(train, `no train lens among ${lenses.map((l) => l.command?.title).join(', ')}`);
      assert.deepEqual(train.command?.arguments, [{ hidden: 20, activation: 'relu' }]);
      assert.match(document.lineAt(train.range.start.line).text, /nn\.Sequential\(/);
    },
  ],
  [
    'Inspect Weights opens the weights editor, for a corrupt file too (which shows the error)',
    async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri;
      for (const name of ['lenet.pt', 'corrupt.pt']) {
        const uri = vscode.Uri.joinPath(folder, name);
        await vscode.commands.executeCommand('weightLens.inspectWeights', uri);
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        assert.ok(input instanceof vscode.TabInputCustom, `${name}: the active tab is not a custom editor`);
        assert.equal(input.viewType, 'weightLens.weights');
        assert.equal(input.uri.toString(), uri.toString());
      }
    },
  ],
];

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<WeightLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check(api);
      console.log(`ok - ${name}`);
    } catch (error) {
      failures.push(name);
      console.error(`not ok - ${name}\n${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  if (failures.length > 0)
    throw new Error(`${failures.length} of ${checks.length} extension-host checks failed: ${failures.join('; ')}`);
}
