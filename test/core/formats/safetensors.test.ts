import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFileSource } from '../../../src/core/formats/byteSource';
import { openWeightFile } from '../../../src/core/formats/openWeightFile';
import { readSafetensors } from '../../../src/core/formats/safetensors';
import {
  FIXTURES,
  assertBadFile,
  assertOrdinaryProtoNames,
  badFixtures,
  copyFixture,
  countingSource,
  itReadsEveryFixture,
  float32Bytes,
  fixtureBytes,
  safetensorsBytes,
  tempFolder,
  writeFile,
} from '../../support/weightFiles';

const tensor = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

describe('safetensors', () => {
  itReadsEveryFixture('safetensors');

  it('knows the format by its bytes, whatever the name', async (t) => {
    const file = await openWeightFile(copyFixture('lenet.safetensors', tempFolder(t), 'weights.dat'));
    assert.equal(file.format, 'safetensors');
    assert.equal(file.tensors.find((x) => x.shape.length === 4)?.layout, 'OIHW');
    await file.close();
  });

  it('lists from the header alone and reads one byte range per tensor', async () => {
    const source = countingSource(await openFileSource(join(FIXTURES, 'lenet.safetensors')));
    const bytes = fixtureBytes('lenet.safetensors');
    const headerBytes = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const file = await readSafetensors(source);
    assert.equal(source.bytesRead, headerBytes);
    const [conv] = file.tensors.filter((x) => x.shape.length === 4);
    const values = await file.read(conv.name);
    assert.equal(source.bytesRead, headerBytes + values.length * 4);
    await file.close();
  });

  it('keeps a sharded index’s metadata and counts its shards', async () => {
    const file = await openWeightFile(join(FIXTURES, 'sharded', 'model.safetensors.index.json'));
    assert.deepEqual(file.metadata, { total_size: '23336', shards: '2' });
    await file.close();
  });

  it('leaves out tensors of dtypes it cannot show, and names them', async (t) => {
    const header = { w: tensor('F32', [1], 0, 4), ids: tensor('U16', [2], 4, 8) };
    const file = await openWeightFile(
      writeFile(tempFolder(t), 'u.safetensors', safetensorsBytes(header, new Uint8Array(8))),
    );
    assert.deepEqual(
      file.tensors.map((x) => x.name),
      ['w'],
    );
    assert.equal(file.metadata['not shown (unsupported dtype)'], 'ids (U16)');
    await file.close();
  });

  it('keeps __metadata__ as metadata', async (t) => {
    const path = writeFile(
      tempFolder(t),
      'm.safetensors',
      safetensorsBytes({ __metadata__: { format: 'pt', n: 3 }, w: tensor('F32', [1], 0, 4) }, float32Bytes([1])),
    );
    const file = await openWeightFile(path);
    assert.deepEqual(file.metadata, { format: 'pt', n: '3' });
    await file.close();
  });

  it('treats __proto__ and constructor as ordinary tensor names', async (t) => {
    // Text, not an object literal: in a literal, __proto__ would set the prototype.
    const header =
      '{"__proto__": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},' +
      ' "constructor": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]},' +
      ' "__metadata__": {"__proto__": "x", "polluted": "no"}}';
    const path = writeFile(tempFolder(t), 'p.safetensors', safetensorsBytes(header, float32Bytes([1, 2, 3])));
    await assertOrdinaryProtoNames(path, async (opened) => {
      assert.equal(Object.getOwnPropertyDescriptor(opened.metadata, '__proto__')?.value, 'x');
      await assert.rejects(opened.read('toString'), /no tensor named "toString"/);
    });
  });

  describe('bad input', () => {
    for (const [fixture, problem] of badFixtures('safetensors')) {
      it(`${fixture} (${problem})`, () => assertBadFile(join(FIXTURES, fixture)));
    }

    const bad = async (t: Parameters<typeof tempFolder>[0], bytes: Uint8Array, problem: RegExp) =>
      assertBadFile(writeFile(tempFolder(t), 'bad.safetensors', bytes), problem);

    it('a header length of 2^40', async (t) => {
      const bytes = new Uint8Array(64).fill(0x20);
      new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
      bytes[8] = 0x7b;
      await bad(t, bytes, /header length 1099511627776 is over the 100 MB limit/);
    });

    it('a header length past the end of the file', async (t) => {
      const bytes = safetensorsBytes({});
      new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
      await bad(t, bytes, /runs past the end/);
    });

    it('a shape whose size overflows', async (t) => {
      await bad(
        t,
        safetensorsBytes({ w: tensor('F32', [2 ** 31, 2 ** 31, 2 ** 31], 0, 4) }, new Uint8Array(4)),
        /overflows/,
      );
    });

    it('a byte range that does not fit the shape', async (t) => {
      await bad(
        t,
        safetensorsBytes({ w: tensor('F32', [2], 0, 4) }, new Uint8Array(8)),
        /needs 8 bytes but the file gives it 4/,
      );
    });

    it('overlapping tensors', async (t) => {
      const header = { a: tensor('F32', [2], 0, 8), b: tensor('F32', [2], 4, 12) };
      await bad(t, safetensorsBytes(header, new Uint8Array(12)), /"a" \[0, 8\] and "b" \[4, 12\] overlap/);
    });

    it('offsets past the data section', async (t) => {
      await bad(
        t,
        safetensorsBytes({ w: tensor('F32', [2], 0, 8) }, new Uint8Array(4)),
        /past the end of the 4-byte data section/,
      );
    });

    it('a header that is not JSON', async (t) => {
      const bytes = safetensorsBytes({});
      bytes.set(new TextEncoder().encode('{x'), 8);
      await bad(t, bytes, /not valid JSON/);
    });

    it('truncated files and random bytes', async (t) => {
      const whole = fixtureBytes('lenet.safetensors');
      await bad(t, whole.subarray(0, Math.floor(whole.length / 2)), /past the end/);
      await bad(t, whole.subarray(0, 20), /past the end/);
      const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
      random[8] = 0x7b; // looks like safetensors to the detection
      await bad(t, random, /header length/);
    });

    it('an index whose shard leaves the folder or lacks the tensor', async (t) => {
      const folder = tempFolder(t);
      const index = (map: Record<string, string>) =>
        writeFile(folder, 'model.safetensors.index.json', JSON.stringify({ weight_map: map }));
      await assertBadFile(index({ w: '../outside.safetensors' }), /outside the model's folder/);
      writeFile(folder, 'shard.safetensors', safetensorsBytes({ w: tensor('F32', [1], 0, 4) }, new Uint8Array(4)));
      await assertBadFile(
        index({ v: 'shard.safetensors' }),
        /puts "v" in "shard.safetensors", which has no such tensor/,
      );
    });
  });
});
