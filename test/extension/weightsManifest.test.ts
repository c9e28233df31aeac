// The weights editor's contributions agree with the code, checked without VS Code: the
// custom editor's patterns, the Explorer menu's when-clause, the commands and their menus.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportFileName, weightFilePatterns, weightFileWhenClause } from '../../src/extension/weightsFiles';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { commands, customEditors, menus } = manifest.contributes;

test('the weights editor opens weight files, only through "Open With…"', () => {
  const [editor] = customEditors.filter((e: { viewType: string }) => e.viewType === 'weightLens.weights');
  assert.ok(editor, 'no weightLens.weights custom editor');
  assert.equal(editor.priority, 'option');
  assert.deepEqual(
    editor.selector.map((s: { filenamePattern: string }) => s.filenamePattern),
    weightFilePatterns(),
  );
});

test('Inspect Weights is in the Explorer menu of weight files and out of the palette; the picker is in it', () => {
  const titles = new Map(commands.map((c: { command: string; title: string }) => [c.command, c.title]));
  assert.equal(titles.get('weightLens.inspectWeights'), 'Inspect Weights');
  assert.equal(titles.get('weightLens.inspectWeightsFile'), 'Inspect Weights File…');
  const explorer = menus['explorer/context'].find(
    (m: { command: string }) => m.command === 'weightLens.inspectWeights',
  );
  assert.equal(explorer?.when, weightFileWhenClause());
  const palette = menus.commandPalette.filter((m: { command: string }) => m.command.startsWith('weightLens.inspect'));
  assert.deepEqual(palette, [{ command: 'weightLens.inspectWeights', when: 'false' }]);
});

test("the when-clause's patterns match weight files and nothing else", () => {
  const [extensions, index] = [...weightFileWhenClause().matchAll(/=~ \/(.+?)\/i/g)].map((m) => new RegExp(m[1], 'i'));
  for (const ext of ['.pt', '.PTH', '.ckpt', '.bin', '.safetensors', '.npy', '.npz', '.onnx', '.h5', '.keras'])
    assert.ok(extensions.test(ext), ext);
  for (const ext of ['.py', '.json', '.pt.bak', '.txt']) assert.ok(!extensions.test(ext), ext);
  assert.ok(index.test('model.safetensors.index.json'));
  assert.ok(!index.test('config.json'));
  assert.match(weightFileWhenClause(), /resourceFilename == model\.json/);
});

test('exported PNGs are offered as <file>-<tensor>.png, one file name', () => {
  assert.equal(exportFileName('lenet.pt', 'conv1.weight.png'), 'lenet-conv1.weight.png');
  assert.equal(exportFileName('model.json', 'conv2d_kernel'), 'model-conv2d_kernel.png');
  assert.equal(exportFileName('weights', 'a.PNG'), 'weights-a.png');
  assert.equal(exportFileName('x.pt', '../../etc/passwd'), 'x-.._.._etc_passwd.png');
  assert.equal(exportFileName('x.pt', 'C:\\a:b*?'), 'x-C__a_b__.png');
  assert.equal(exportFileName('x.pt', 'a\nb\u0000'), 'x-a_b_.png');
});
