import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFileSource } from '../../../src/core/formats/byteSource';
import { fortranToRowMajor, readNpz } from '../../../src/core/formats/numpy';
import { openWeightFile } from '../../../src/core/formats/openWeightFile';
import { openZip } from '../../../src/core/formats/zip';
import {
  FIXTURES,
  assertBadFile,
  assertOrdinaryProtoNames,
  badFixtures,
  copyFixture,
  countingSource,
  itReadsEveryFixture,
  fixtureBytes,
  float32Bytes,
  npyBytes,
  storedZip,
  tempFolder,
  writeFile,
} from '../../support/weightFiles';

const f4 = (shape: string) => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;

describe('NumPy .npy and .npz', () => {
  itReadsEveryFixture('numpy');

  it('knows .npy and .npz by their bytes, whatever the name', async (t) => {
    const folder = tempFolder(t);
    for (const fixture of ['conv1.npy', 'lenet.npz', 'lenet_compressed.npz']) {
      const file = await openWeightFile(copyFixture(fixture, folder, 'data.bin'));
      assert.equal(file.format, 'numpy', fixture);
      await file.close();
    }
  });

  it('lists a .npz from its directory and headers, and reads a stored entry by byte range', async (t) => {
    const big = new Uint8Array(4 << 20);
    const npz = storedZip({
      'big.npy': npyBytes(f4(`(${big.length / 4},)`), big),
      'small.npy': npyBytes(f4('(2,)'), float32Bytes([1, 2])),
    });
    const path = writeFile(tempFolder(t), 'big.npz', npz);
    const source = countingSource(await openFileSource(path));
    const file = await readNpz(source, await openZip(source));
    // yauzl looks for the end of the central directory in the last 64 kB.
    assert.ok(source.bytesRead < 70_000, `listing read ${source.bytesRead} bytes`);
    const listing = source.bytesRead;
    assert.deepEqual([...(await file.read('small'))], [1, 2]);
    assert.ok(source.bytesRead - listing <= 8 + 200, `reading 8 bytes read ${source.bytesRead - listing}`);
    await file.close();
  });

  it("reads the fixture's stored entries by byte range", async () => {
    const source = countingSource(await openFileSource(join(FIXTURES, 'lenet.npz')));
    const file = await readNpz(source, await openZip(source));
    const listing = source.bytesRead;
    const values = await file.read('conv2.weight');
    const read = source.bytesRead - listing;
    assert.ok(read >= values.length * 4 && read < values.length * 4 + 512, `read ${read} bytes`);
    await file.close();
  });

  it('transposes Fortran-ordered data to row-major', () => {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    assert.deepEqual([...fortranToRowMajor(new Float32Array([1, 4, 2, 5, 3, 6]), [2, 3])], [1, 2, 3, 4, 5, 6]);
    const shape = [2, 3, 4];
    const rowMajor = Float32Array.from({ length: 24 }, (_, i) => i);
    const columnMajor = new Float32Array(24);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) columnMajor[i + 2 * j + 6 * k] = rowMajor[12 * i + 4 * j + k];
    assert.deepEqual(fortranToRowMajor(columnMajor, shape), rowMajor);
  });

  it('parses version 2 headers and Python literals without evaluating them', async (t) => {
    const folder = tempFolder(t);
    const v1 = npyBytes(`{"descr": "<f4", "fortran_order": False, "shape": (2L,)}`, float32Bytes([1, 2]));
    const v2 = new Uint8Array(v1.length + 2);
    v2.set(v1.subarray(0, 8));
    v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, new DataView(v1.buffer).getUint16(8, true), true);
    v2.set(v1.subarray(10), 12);
    const file = await openWeightFile(writeFile(folder, 'v2.npy', v2));
    assert.deepEqual([...(await file.read('v2.npy'))], [1, 2]);
    await file.close();
  });

  it('treats __proto__ and constructor as ordinary entry names', async (t) => {
    const npz = storedZip({
      '__proto__.npy': npyBytes(f4('(2,)'), float32Bytes([1, 2])),
      'constructor.npy': npyBytes(f4('()'), float32Bytes([3])),
    });
    await assertOrdinaryProtoNames(writeFile(tempFolder(t), 'p.npz', npz));
  });

  it('leaves out .npz entries it cannot show and names them', async (t) => {
    const npz = storedZip({
      'w.npy': npyBytes(f4('(1,)'), float32Bytes([1])),
      'names.npy': npyBytes(`{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(20)),
    });
    const file = await openWeightFile(writeFile(tempFolder(t), 'mixed.npz', npz));
    assert.deepEqual(
      file.tensors.map((x) => x.name),
      ['w'],
    );
    assert.match(file.metadata['not shown (unsupported dtype)'], /names \(dtype "<U5" is not supported\)/);
    await file.close();
  });

  describe('bad input', () => {
    for (const [fixture, problem] of badFixtures('numpy')) {
      it(`${fixture} (${problem})`, () => assertBadFile(join(FIXTURES, fixture)));
    }

    const bad = (t: Parameters<typeof tempFolder>[0], bytes: Uint8Array, problem: RegExp) =>
      assertBadFile(writeFile(tempFolder(t), 'bad.npy', bytes), problem);

    it('object dtype, refused on the header', async (t) => {
      await bad(t, npyBytes(`{'descr': '|O', 'fortran_order': False, 'shape': (1,), }`), /object dtype "\|O"/);
    });

    it('a structured dtype', async (t) => {
      const header = `{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }`;
      await bad(t, npyBytes(header, new Uint8Array(8)), /structured dtype/);
    });

    it('a shape whose size overflows', async (t) => {
      await bad(t, npyBytes(f4('(4294967296, 4294967296)')), /overflows/);
    });

    it('a header that is code, not a literal', async (t) => {
      await bad(t, npyBytes(`{'descr': __import__('os').system('true'), 'shape': (1,)}`), /not a Python literal dict/);
      await bad(t, npyBytes(`${'('.repeat(1000)}`), /nested too deeply/);
    });

    it('a .npz whose directory points an entry at something else than its local header', async (t) => {
      const npz = storedZip({ 'w.npy': npyBytes(f4('(1,)'), float32Bytes([1])) });
      const directory = npz.length - 22 - 46 - 'w.npy'.length;
      new DataView(npz.buffer, npz.byteOffset).setUint32(directory + 42, directory, true);
      await assertBadFile(writeFile(tempFolder(t), 'bad.npz', npz), /zip entry "w.npy" cannot be read/);
    });

    it('truncated files and random bytes', async (t) => {
      const whole = fixtureBytes('conv1.npy');
      await bad(t, whole.subarray(0, whole.length - 4), /truncated/);
      await bad(t, whole.subarray(0, 40), /runs past the end|truncated/);
      const npz = fixtureBytes('lenet.npz');
      await assertBadFile(writeFile(tempFolder(t), 'bad.npz', npz.subarray(0, npz.length / 2)));
      const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
      random.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      await bad(t, random, /header/);
    });
  });
});
