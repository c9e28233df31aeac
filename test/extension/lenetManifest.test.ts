// "Train LeNet on MNIST" contributions, checked without VS Code: the command in the palette
// under Weight Lens, and the source registering that same id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('Train LeNet on MNIST is a Weight Lens command in the palette', () => {
  const { commands, menus } = manifest.contributes;
  const command = commands.find((c: { command: string }) => c.command === 'weightLens.trainLenet');
  assert.deepEqual(command, {
    command: 'weightLens.trainLenet',
    title: 'Train LeNet on MNIST',
    category: 'Weight Lens',
  });
  const palette = menus.commandPalette.filter((m: { command: string }) => m.command === 'weightLens.trainLenet');
  assert.deepEqual(palette, [], 'no when-clause hides it from the palette');
  const source = readFileSync(join(root, 'src/extension/lenetCommand.ts'), 'utf8');
  assert.match(source, /LENET_COMMAND = 'weightLens\.trainLenet'/);
});
