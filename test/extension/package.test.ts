// The .vsix of `npm run package`: what it holds, that its extension loads without
// node_modules, and the manifest fields the Marketplace and VS Code read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { openFileSource } from '../../src/core/formats/byteSource';
import { openZip, type ZipArchive } from '../../src/core/formats/zip';
import { packageVsix } from '../support/vsix';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'weight-lens-vsix-'));
const vsix = join(dir, 'weight-lens.vsix');
let printed: string;
let archive: ZipArchive;
let files: string[];

before(async () => {
  printed = packageVsix(vsix);
  archive = await openZip(await openFileSource(vsix));
  files = [...archive.entries.keys()].filter((f) => f.startsWith('extension/')).map((f) => f.slice(10));
});
after(() => {
  archive?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('npm run package prints the file count and size', () => {
  assert.match(printed, /Packaged: .*weight-lens\.vsix \(\d+ files, [\d.]+ [KM]B\)/);
});

test('the .vsix holds the bundles, media, README, CHANGELOG and LICENSE, and no sources, tests or node_modules', () => {
  const runtime = readdirSync(join(root, 'dist'))
    .filter((f) => !f.endsWith('.map') && f !== 'cli.js')
    .map((f) => `dist/${f}`);
  const expected = ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'media/icon.png', ...runtime];
  for (const file of expected) assert.ok(files.includes(file), `${file} is missing from the .vsix`);
  const unwanted =
    /^(src|webview|test|bench|scripts|examples|node_modules|media\/screenshots)\/|\.(ts|map)$|^dist\/cli\.js$/;
  assert.deepEqual(
    files.filter((f) => unwanted.test(f)),
    [],
  );
});

test("the packaged extension loads from the .vsix's files alone (its bundle needs no node_modules)", async () => {
  const unpacked = join(dir, 'unpacked');
  for (const file of files.filter((f) => f.startsWith('dist/'))) {
    mkdirSync(dirname(join(unpacked, file)), { recursive: true });
    writeFileSync(join(unpacked, file), await archive.read(`extension/${file}`));
  }
  // Outside the repo no node_modules can be found; only `vscode` (which VS Code provides) is stubbed.
  const load = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return request === 'vscode' ? request : resolve.call(this, request, ...rest);
    };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: {} };
    console.log(typeof require('./dist/extension.js').activate);`;
  const result = spawnSync(process.execPath, ['-e', load], { cwd: unpacked, encoding: 'utf8' });
  assert.equal(result.stdout.trim(), 'function', result.stderr);
});

test('the manifest: icon, repository, categories, lazy activation, capabilities, commands with categories', () => {
  const icon = readFileSync(join(root, manifest.icon));
  assert.equal(icon.toString('latin1', 1, 4), 'PNG');
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'a 128 px icon');
  assert.match(manifest.repository.url, /^https:\/\/github\.com\//);
  assert.ok(manifest.categories.length > 0 && manifest.keywords.length > 0);
  assert.ok(!manifest.activationEvents.includes('*') && !manifest.activationEvents.includes('onStartupFinished'));
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');
  assert.ok(manifest.capabilities.virtualWorkspaces.description);
  for (const command of manifest.contributes.commands) {
    assert.equal(command.category, 'Weight Lens', `${command.command} has the category`);
    assert.ok(!command.title.startsWith('Weight Lens'), `${command.command}'s title repeats the category`);
  }
});
