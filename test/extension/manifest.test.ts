// The manifest's contributions agree with the code, checked without VS Code: each setting
// has the trainer's default, choices and limits; menus name contributed commands.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACTIVATIONS, DATASET_NAMES, DEFAULT_TRAIN_CONFIG, LIMITS } from '../../src/core/mlp/config';
import { OPTIMIZERS } from '../../src/core/util/configChecks';
import { CODELENS_SETTING, readTrainSettings, SETTINGS_SECTION, TRAIN_SETTINGS } from '../../src/extension/settings';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;
const property = (name: string): Record<string, unknown> => properties[`${SETTINGS_SECTION}.${name}`];

test('every training setting is contributed with the trainer default', () => {
  for (const [setting, field] of Object.entries(TRAIN_SETTINGS)) {
    assert.ok(property(setting), `weightLens.${setting} is not contributed`);
    assert.ok(
      property(setting).description || property(setting).markdownDescription,
      `weightLens.${setting} has no description`,
    );
    assert.equal(property(setting).default, DEFAULT_TRAIN_CONFIG[field] ?? '', `default of weightLens.${setting}`);
  }
  const known = [...Object.keys(TRAIN_SETTINGS), CODELENS_SETTING].map((s) => `${SETTINGS_SECTION}.${s}`);
  assert.deepEqual(Object.keys(properties).sort(), known.sort());
});

test('setting choices and limits are the trainer’s', () => {
  assert.deepEqual(property('dataset').enum, [...DATASET_NAMES]);
  assert.deepEqual(property('activation').enum, [...ACTIVATIONS]);
  assert.deepEqual(property('optimizer').enum, [...OPTIMIZERS]);
  const limited = { hiddenWidth: LIMITS.hidden, batchSize: LIMITS.batchSize, iterations: LIMITS.iterations };
  for (const [setting, { min, max }] of Object.entries(limited)) {
    assert.deepEqual(
      [property(setting).minimum, property(setting).maximum],
      [min, max],
      `limits of weightLens.${setting}`,
    );
  }
  assert.deepEqual(
    [property('learningRate').exclusiveMinimum, property('learningRate').maximum],
    [LIMITS.learningRate.min, LIMITS.learningRate.max],
  );
});

test('settings become a partial config; an empty CSV path means none and zeros are kept', () => {
  const values: Record<string, unknown> = { hiddenWidth: 7, csvPath: '', learningRate: 0, dataset: 'xor' };
  const config = readTrainSettings({ get: <T>(key: string) => values[key] as T });
  assert.equal(config.hidden, 7);
  assert.equal(config.csvPath, undefined);
  assert.equal(config.learningRate, 0);
  assert.equal(config.dataset, 'xor');
  assert.equal(config.seed, undefined);
});

test('menus name contributed commands, the activity bar icon exists, the serializer activates', () => {
  const commands = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  const menuEntries: { command: string }[] = Object.values(manifest.contributes.menus).flat() as { command: string }[];
  for (const { command } of menuEntries) assert.ok(commands.has(command), `menu names unknown command ${command}`);
  for (const { icon } of manifest.contributes.viewsContainers.activitybar)
    assert.ok(existsSync(join(root, icon)), `${icon} is missing`);
  assert.ok(manifest.activationEvents.includes('onWebviewPanel:weightLens.hyperplanes'));
});
