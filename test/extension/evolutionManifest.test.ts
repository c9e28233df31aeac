// The evolution view's contributions, checked without VS Code: the command in the palette
// and on folders in the Explorer, and the activation that restores its panels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const source = (file: string): string => readFileSync(join(root, 'src/extension', file), 'utf8');

test('Show Evolution is in the palette and on folders in the Explorer; restored panels activate the extension', () => {
  const { commands, menus } = manifest.contributes;
  const command = commands.find((c: { command: string }) => c.command === 'weightLens.showEvolution');
  assert.deepEqual(command, { command: 'weightLens.showEvolution', title: 'Show Evolution', category: 'Weight Lens' });
  const palette = menus.commandPalette.filter((m: { command: string }) => m.command === 'weightLens.showEvolution');
  assert.deepEqual(palette, [], 'no when-clause hides it from the palette');
  const explorer = menus['explorer/context'].find((m: { command: string }) => m.command === 'weightLens.showEvolution');
  assert.equal(explorer?.when, 'explorerResourceIsFolder');
  assert.ok(manifest.activationEvents.includes('onWebviewPanel:weightLens.evolution'));
  assert.match(source('evolutionCommands.ts'), /EVOLUTION_COMMAND = 'weightLens\.showEvolution'/);
  assert.match(source('evolutionPanel.ts'), /EVOLUTION_VIEW_TYPE = 'weightLens\.evolution'/);
});
