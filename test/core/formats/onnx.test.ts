import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { openWeightFile } from '../../../src/core/formats/openWeightFile';
import {
  FIXTURES,
  assertBadFile,
  assertOrdinaryProtoNames,
  badFixtures,
  copyFixture,
  itReadsEveryFixture,
  fixtureBytes,
  float32Bytes,
  tempFolder,
  writeFile,
} from '../../support/weightFiles';

const { DataType, DataLocation } = onnx.TensorProto;

function model(initializer: onnx.ITensorProto[]): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', initializer },
  }).finish();
}

const float = (name: string, dims: number[], values: number[]): onnx.ITensorProto => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  rawData: float32Bytes(values),
});

const external = (location: string, extra: Record<string, string> = {}): onnx.ITensorProto => ({
  name: 'w',
  dims: [2],
  dataType: DataType.FLOAT,
  dataLocation: DataLocation.EXTERNAL,
  externalData: Object.entries({ location, ...extra }).map(([key, value]) => ({ key, value })),
});

describe('ONNX', () => {
  itReadsEveryFixture('onnx');

  it('knows a model by its bytes, whatever the name; external data still found', async (t) => {
    const folder = tempFolder(t);
    const lenet = await openWeightFile(copyFixture('lenet.onnx', folder, 'model.bin'));
    assert.equal(lenet.format, 'onnx');
    assert.equal(lenet.metadata.producer_name, 'pytorch');
    assert.equal(lenet.metadata.opset, 'ai.onnx 13');
    await lenet.close();
    copyFileSync(join(FIXTURES, 'external', 'weights.bin'), join(folder, 'weights.bin'));
    const ext = await openWeightFile(copyFixture('external/model.onnx', folder, 'graph.pb'));
    assert.equal(ext.format, 'onnx');
    assert.equal((await ext.read('conv1.weight')).length, 200);
    await ext.close();
  });

  it('treats __proto__ and constructor as ordinary initializer names', async (t) => {
    const bytes = model([float('__proto__', [2], [1, 2]), float('constructor', [1], [3])]);
    await assertOrdinaryProtoNames(writeFile(tempFolder(t), 'p.onnx', bytes));
  });

  it('leaves out string initializers and names them', async (t) => {
    const strings = { name: 'vocab', dims: [1], dataType: DataType.STRING, stringData: [new Uint8Array([97])] };
    const file = await openWeightFile(writeFile(tempFolder(t), 's.onnx', model([strings, float('w', [1], [1])])));
    assert.deepEqual(
      file.tensors.map((x) => x.name),
      ['w'],
    );
    assert.equal(file.metadata['not shown (unsupported dtype)'], 'vocab (STRING)');
    await file.close();
  });

  describe('bad input', () => {
    for (const [fixture, problem] of badFixtures('onnx')) {
      it(`${fixture} (${problem})`, () =>
        assertBadFile(join(FIXTURES, fixture), /tensor "w": external data refers to "..\/..\/secret.bin", outside/));
    }

    const bad = (t: Parameters<typeof tempFolder>[0], bytes: Uint8Array, problem: RegExp, folder = tempFolder(t)) =>
      assertBadFile(writeFile(folder, 'bad.onnx', bytes), problem);

    it('external data outside the model folder, or past the end of its file', async (t) => {
      const folder = tempFolder(t);
      mkdirSync(join(folder, 'models'));
      writeFile(folder, 'secret.bin', float32Bytes([1, 2]));
      const inner = join(folder, 'models');
      await bad(
        t,
        model([external('../secret.bin')]),
        /tensor "w": external data refers to "..\/secret.bin", outside/,
        inner,
      );
      await bad(t, model([external(join(folder, 'secret.bin'))]), /outside the model's folder/, inner);
      writeFile(inner, 'w.bin', float32Bytes([1]));
      await bad(t, model([external('w.bin')]), /needs bytes 0–8 of "w.bin", which has 4/, inner);
      await bad(t, model([external('w.bin', { length: '4' })]), /needs 8 bytes but the file gives it 4/, inner);
      await bad(t, model([external('w.bin', { offset: '-1' })]), /invalid offset "-1"/, inner);
    });

    it('dimensions out of range or whose product overflows', async (t) => {
      await bad(t, model([float('w', [2 ** 31, 2 ** 31, 2 ** 31], [1])]), /whose size overflows/);
      const huge = { ...float('w', [], [1]), dims: [{ low: 0, high: 0x40000000, unsigned: false } as never] };
      await bad(t, model([huge]), /dimension 4611686018427387904 is out of range/);
    });

    it('data that does not fit the shape', async (t) => {
      await bad(t, model([float('w', [3], [1, 2])]), /needs 12 bytes but the file gives it 8/);
      await bad(
        t,
        model([{ name: 'w', dims: [3], dataType: DataType.FLOAT, floatData: [1, 2] }]),
        /needs 3 values but has 2/,
      );
    });

    it('truncated files and random bytes', async (t) => {
      const whole = fixtureBytes('lenet.onnx');
      await bad(t, whole.subarray(0, whole.length / 2), /not a valid ONNX model/);
      const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
      random[0] = 0x08; // a protobuf whose first field is a varint, like ir_version
      await bad(t, random, /not a valid ONNX model|has no graph/);
      await bad(t, new Uint8Array([0x08, 0x07]), /has no graph/);
    });
  });
});
