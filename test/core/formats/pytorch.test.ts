// The PyTorch readers (zip, TorchScript, legacy) against what torch recorded in
// test/fixtures/expected.json, their laziness (bytes read through a counting source), and
// bad input: hand-made archives whose data.pkl is written here opcode by opcode.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { memorySource, openFileSource } from '../../../src/core/formats/byteSource';
import { openWeightFile, readWeightSource } from '../../../src/core/formats/openWeightFile';
import { PYTORCH_LEGACY_MAGIC_PICKLE } from '../../../src/core/formats/pytorchLegacy';
import { type WeightFile, WeightFileError } from '../../../src/core/formats/weightFile';
import { openZip } from '../../../src/core/formats/zip';
import {
  assertBadFile,
  assertNoPollution,
  badFixtures,
  countingSource,
  itReadsEveryFixture,
  fixtureBytes,
  FIXTURES,
  float32Bytes,
  storedZip,
  tempFolder,
  writeFile,
} from '../../support/weightFiles';

async function withFile<T>(path: string, use: (file: WeightFile) => Promise<T>): Promise<T> {
  const file = await openWeightFile(path);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** Opens bytes in memory and reads every tensor: what a viewer does with a file. */
async function openAndReadBytes(name: string, bytes: Uint8Array): Promise<WeightFile> {
  const file = await readWeightSource(memorySource(name, bytes));
  for (const t of file.tensors) await file.read(t.name);
  return file;
}

describe('PyTorch fixtures decode as torch recorded them', () => {
  itReadsEveryFixture('pytorch');

  it('says what kind of archive it read', async () => {
    const lenet = await withFile(join(FIXTURES, 'lenet.pt'), async (f) => f.metadata);
    assert.deepEqual(lenet, { archive: 'lenet', byteorder: 'little', version: '3' });
    const script = await withFile(join(FIXTURES, 'torchscript.pt'), async (f) => f.metadata);
    assert.equal(script.torchscript, 'yes');
    const legacy = await withFile(join(FIXTURES, 'legacy.pt'), async (f) => f.metadata);
    assert.equal(legacy.byteorder, 'little');
    assert.match(legacy.format, /legacy/);
  });

  it('keeps __proto__ and constructor as ordinary tensor names', async () => {
    await withFile(join(FIXTURES, 'proto_names.pt'), async (file) => {
      assert.deepEqual(await file.read('__proto__'), Float32Array.of(1, 2));
      assert.deepEqual(await file.read('constructor'), Float32Array.of(3));
      await assert.rejects(file.read('valueOf'), /has no tensor "valueOf"/);
    });
    assertNoPollution();
  });
});

describe('PyTorch readers are lazy', () => {
  /** Bytes read to open the fixture, and to read one of its tensors after that. */
  async function bytesRead(fixture: string, tensor: string): Promise<{ size: number; open: number; read: number }> {
    const source = countingSource(await openFileSource(join(FIXTURES, fixture)));
    const file = await readWeightSource(source);
    const open = source.bytesRead;
    await file.read(tensor);
    await file.close();
    return { size: source.size, open, read: source.bytesRead - open };
  }

  it('lists a zip checkpoint from its directory and data.pkl only', async () => {
    const { size, open } = await bytesRead('alexnet_features.pt', 'features.0.bias');
    assert.ok(open < size / 10, `listing read ${open} of ${size} bytes`);
  });

  it("reads a tensor's own byte range (plus the entry's local header)", async () => {
    const weight = 192 * 64 * 5 * 5 * 4;
    const big = await bytesRead('alexnet_features.pt', 'features.3.weight');
    assert.ok(big.read >= weight && big.read < weight + 1024, `read ${big.read} for ${weight}`);
    const small = await bytesRead('alexnet_features.pt', 'features.0.bias');
    assert.ok(small.read < 64 * 4 + 1024, `read ${small.read} for a 256-byte bias`);
  });

  it('reads a view from its first to its last element only', async () => {
    // views.pt: slice = base[3:20:2] spans elements 3..19 of a 60-float storage.
    const { read } = await bytesRead('views.pt', 'slice');
    assert.ok(read >= 17 * 4 && read < 17 * 4 + 1024, `read ${read}`);
  });

  it('reads a legacy tensor by range, after its count', async () => {
    const { read } = await bytesRead('legacy.pt', 'conv1.bias');
    assert.equal(read, 32 * 4);
  });
});

describe('PyTorch bad fixtures fail clearly, running nothing', () => {
  const problems: Record<string, RegExp> = {
    'bad/os_system.pt': /^pickle global os\.system is not allowed/,
    'bad/os_system_stack_global.pt': /^pickle global os\.system is not allowed/,
    'bad/builtins_eval.pt': /^pickle global builtins\.eval is not allowed/,
  };
  for (const [fixture, error] of badFixtures('pytorch')) {
    it(`${fixture}: ${error}`, () => assertBadFile(join(FIXTURES, fixture), problems[fixture]));
  }
});

// Hand-made archives: data.pkl written opcode by opcode (protocol 2, as torch.save writes).
const latin1 = (s: string) => [...Buffer.from(s, 'latin1')];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
type Ops = number[];
const str = (s: string): Ops => [...latin1('X'), ...le32(s.length), ...latin1(s)];
const int = (n: number): Ops => [...latin1('J'), ...le32(n)];
const tuple = (items: number[]): Ops => [...latin1('('), ...items.flatMap(int), ...latin1('t')];
/** The persistent id ('storage', torch.<type>Storage, key, 'cpu', numel[, legacy view metadata]). */
function storage(key: string, numel: number, type = 'Float', view: Ops = []): Ops {
  return [
    ...latin1('('),
    ...str('storage'),
    ...latin1(`ctorch\n${type}Storage\n`),
    ...str(key),
    ...str('cpu'),
    ...int(numel),
    ...view,
    ...latin1('tQ'),
  ];
}
/** _rebuild_tensor_v2(storage, offset, size, stride, False, None). */
function tensor(storageId: Ops, offset: number, size: number[], stride: number[]): Ops {
  return [
    ...latin1('ctorch._utils\n_rebuild_tensor_v2\n('),
    ...storageId,
    ...int(offset),
    ...tuple(size),
    ...tuple(stride),
    ...latin1('\x89NtR'),
  ];
}
const dictPickle = (entries: [string, Ops][]) =>
  Uint8Array.from([...latin1('\x80\x02}('), ...entries.flatMap(([k, v]) => [...str(k), ...v]), ...latin1('u.')]);
const TWELVE = float32Bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
const archive = (pickle: Uint8Array, more: Record<string, Uint8Array> = {}) =>
  storedZip({ 'arch/data.pkl': pickle, 'arch/data/0': TWELVE, 'arch/version': Buffer.from('3\n'), ...more });

describe('PyTorch zip: offsets and strides', () => {
  it('decodes overlapping, strided and expanded views of one storage', async () => {
    const pickle = dictPickle([
      ['every_third', tensor(storage('0', 12), 2, [3], [3])],
      ['transposed', tensor(storage('0', 12), 1, [2, 2], [1, 4])],
      ['expanded', tensor(storage('0', 12), 9, [2, 3], [0, 1])],
      ['scalar', tensor(storage('0', 12), 11, [], [])],
      ['empty', tensor(storage('0', 12), 0, [0, 4], [4, 1])],
    ]);
    const file = await readWeightSource(memorySource('views.pt', archive(pickle)));
    assert.deepEqual(await file.read('every_third'), Float32Array.of(2, 5, 8));
    assert.deepEqual(await file.read('transposed'), Float32Array.of(1, 5, 2, 6));
    assert.deepEqual(await file.read('expanded'), Float32Array.of(9, 10, 11, 9, 10, 11));
    assert.deepEqual(await file.read('scalar'), Float32Array.of(11));
    assert.deepEqual(await file.read('empty'), new Float32Array(0));
    assert.deepEqual(
      file.tensors.map((t) => t.shape),
      [[3], [2, 2], [2, 3], [], [0, 4]],
    );
  });

  it('decodes a big-endian archive (byteorder "big")', async () => {
    const swapped = Uint8Array.from(TWELVE);
    for (let i = 0; i < swapped.length; i += 4) swapped.subarray(i, i + 4).reverse();
    const bytes = archive(dictPickle([['t', tensor(storage('0', 12), 0, [12], [1])]]), {
      'arch/data/0': swapped,
      'arch/byteorder': Buffer.from('big'),
    });
    const file = await readWeightSource(memorySource('big.pt', bytes));
    assert.deepEqual(await file.read('t'), new Float32Array(TWELVE.buffer));
    assert.equal(file.metadata.byteorder, 'big');
  });

  it("names a TorchScript archive's tensor constants CONSTANTS.c<i>, their storages in constants/", async () => {
    const constants = Uint8Array.from([
      ...latin1('\x80\x02('),
      ...tensor(storage('0', 8), 4, [2], [1]),
      ...latin1('t.'),
    ]);
    const bytes = archive(dictPickle([]), {
      'arch/constants.pkl': constants,
      'arch/constants/0': TWELVE.slice(16) /* floats 4..11 */,
    });
    const file = await readWeightSource(memorySource('script.pt', bytes));
    assert.deepEqual(
      file.tensors.map((t) => t.name),
      ['CONSTANTS.c0'],
    );
    assert.deepEqual(await file.read('CONSTANTS.c0'), Float32Array.of(8, 9));
  });

  it('lists tensors of storage types it does not decode in the metadata, not as tensors', async () => {
    const pickle = dictPickle([
      ['real', tensor(storage('0', 12), 0, [2], [1])],
      ['complex', tensor(storage('0', 6, 'ComplexFloat'), 0, [6], [1])],
    ]);
    const file = await readWeightSource(memorySource('complex.pt', archive(pickle)));
    assert.deepEqual(
      file.tensors.map((t) => t.name),
      ['real'],
    );
    assert.match(file.metadata.skipped, /complex \(ComplexFloat\)/);
  });
});

describe('PyTorch zip: bad archives fail clearly within a second', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'a view past the end of its storage',
      archive(dictPickle([['w', tensor(storage('0', 12), 10, [5], [1])]])),
      /tensor "w" needs elements 10–14 of storage "arch\/data\/0", which holds 12/,
    ],
    [
      'strides that leave the storage',
      archive(dictPickle([['w', tensor(storage('0', 12), 0, [2, 2], [1, 11])]])),
      /needs elements 0–12 of storage/,
    ],
    [
      'a storage larger than its entry',
      archive(dictPickle([['w', tensor(storage('0', 100), 0, [2], [1])]])),
      /storage "arch\/data\/0" should hold 400 bytes but has 48/,
    ],
    [
      'a storage the archive lacks',
      archive(dictPickle([['w', tensor(storage('7', 12), 0, [2], [1])]])),
      /refers to storage "arch\/data\/7", which the file lacks/,
    ],
    [
      'a shape whose size overflows',
      archive(dictPickle([['w', tensor(storage('0', 12), 0, [2 ** 30, 2 ** 30, 2 ** 30], [0, 0, 0])]])),
      /shape \[1073741824,1073741824,1073741824\] is too large/,
    ],
    [
      'a storage type torch does not have',
      archive(dictPickle([['w', tensor(storage('0', 12, 'Evil'), 0, [2], [1])]])),
      /unknown storage type torch\.EvilStorage/,
    ],
    [
      'objects nested 200,000 deep',
      archive(
        Uint8Array.from([...latin1('\x80\x02'), ...latin1(']'.repeat(200_000)), ...latin1('a'.repeat(199_999)), 0x2e]),
      ),
      /nested more than 10000 levels deep/,
    ],
    [
      'MARKs nested 200,000 deep',
      archive(Uint8Array.from([...latin1('\x80\x02'), ...latin1('('.repeat(200_000)), 0x2e])),
      /pickle nested more than 10000 levels deep \(data\.pkl byte \d+\)/,
    ],
    [
      'a call outside the allowlist (posix.system)',
      archive(Uint8Array.from([...latin1('\x80\x02cposix\nsystem\n'), ...str('true'), ...latin1('\x85R.')])),
      /pickle global posix\.system is not allowed/,
    ],
    [
      'a tensor subclass rebuilt by a function outside the allowlist',
      archive(
        Uint8Array.from([
          ...latin1('\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(cos\nsystem\ncmod\nT\n'),
          ...str('true'),
          ...latin1('\x85NtR.'),
        ]),
      ),
      /_rebuild_from_type of os\.system is not allowed/,
    ],
    ['a byteorder of neither kind', archive(dictPickle([]), { 'arch/byteorder': Buffer.from('middle') }), /byteorder/],
    [
      'two top folders with data.pkl',
      storedZip({ 'a/data.pkl': dictPickle([]), 'b/data.pkl': dictPickle([]) }),
      /one top folder with data\.pkl; this one has 2/,
    ],
    [
      'a truncated data.pkl',
      archive(dictPickle([['w', tensor(storage('0', 12), 0, [2], [1])]]).subarray(0, 60)),
      /truncated/,
    ],
  ];
  for (const [title, bytes, problem] of cases) {
    it(title, async (t) => assertBadFile(writeFile(tempFolder(t), 'bad.pt', bytes), problem));
  }
});

/** A legacy file: magic, protocol 1001, sys_info, the object, the key list, then each storage (u64 count + data). */
function legacyFile(object: Uint8Array, storages: [string, Float32Array][], littleEndian = true): Uint8Array {
  const u64 = (n: number) => [...le32(n), 0, 0, 0, 0];
  const data = (values: Float32Array) => {
    const bytes = new Uint8Array(values.buffer.slice(0));
    if (!littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
    return [...bytes];
  };
  return Uint8Array.from([
    ...PYTORCH_LEGACY_MAGIC_PICKLE,
    0x2e,
    ...latin1('\x80\x02M\xe9\x03.'),
    ...latin1('\x80\x02}'),
    ...str('little_endian'),
    ...latin1(littleEndian ? '\x88s.' : '\x89s.'),
    ...object,
    ...latin1('\x80\x02]('),
    ...storages.flatMap(([key]) => str(key)),
    ...latin1('e.'),
    ...storages.flatMap(([, values]) => [...u64(values.length), ...data(values)]),
  ]);
}

describe('PyTorch legacy: hand-made files', () => {
  const twelve = new Float32Array(TWELVE.buffer);
  // A storage view (old torch): elements 4..9 of root storage "r", as view key "v".
  const viewed = tensor(
    storage('r', 12, 'Float', [...latin1('('), ...str('v'), ...int(4), ...int(6), ...latin1('t')]),
    1,
    [3],
    [2],
  );

  it('applies storage view metadata (view_key, offset, size) before the tensor offset', async () => {
    const bytes = legacyFile(
      dictPickle([
        ['w', viewed],
        ['plain', tensor(storage('r', 12, 'Float', latin1('N')), 0, [2], [1])],
      ]),
      [['r', twelve]],
    );
    const file = await readWeightSource(memorySource('view.pt', bytes));
    assert.deepEqual(await file.read('w'), Float32Array.of(5, 7, 9));
    assert.deepEqual(await file.read('plain'), Float32Array.of(0, 1));
  });

  it('reads a big-endian file (sys_info little_endian False)', async () => {
    const bytes = legacyFile(dictPickle([['w', viewed]]), [['r', twelve]], false);
    const file = await readWeightSource(memorySource('big.pt', bytes));
    assert.deepEqual(await file.read('w'), Float32Array.of(5, 7, 9));
    assert.equal(file.metadata.byteorder, 'big');
  });

  it('refuses a view past the end of its root storage', async () => {
    const bytes = legacyFile(dictPickle([['w', viewed]]), [['r', twelve.subarray(0, 8)]]);
    await assert.rejects(openAndReadBytes('short.pt', bytes), /storage "r" should hold 40 bytes but has 32/);
  });
});

describe('PyTorch legacy: bad files fail clearly', () => {
  const legacy = fixtureBytes('legacy.pt');

  it('every truncation fails with a WeightFileError', async () => {
    const started = performance.now();
    for (let length = 1; length < legacy.length; length += 37) {
      await assert.rejects(
        openAndReadBytes('cut.pt', legacy.subarray(0, length)),
        (e: unknown) => e instanceof WeightFileError && e.path === 'cut.pt',
        `cut at ${length}`,
      );
    }
    assert.ok(performance.now() - started < 1000);
  });

  it('refuses a wrong protocol version', async () => {
    // The protocol pickle follows the 15-byte magic pickle: PROTO 2, BININT2 1001, STOP.
    const bytes = Uint8Array.from(legacy);
    assert.deepEqual([...bytes.subarray(15, 20)], [0x80, 0x02, 0x4d, 0xe9, 0x03]);
    bytes[18] = 0xea;
    await assert.rejects(openAndReadBytes('v.pt', bytes), /legacy protocol version is 1002, not 1001/);
  });
});

describe('PyTorch readers under fuzzing', () => {
  /**
   * Mutated bytes (of `seed`, made a file by `toFile`) either read or fail with a
   * WeightFileError: no other exception, no hang.
   */
  async function fuzz(seed: Uint8Array, runs: number, toFile = (bytes: Uint8Array) => bytes): Promise<void> {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (edits) => {
          const bytes = Uint8Array.from(seed);
          for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
          await openAndReadBytes('fuzz.pt', toFile(bytes)).then(
            (file) => file.close(),
            (error: unknown) => {
              if (!(error instanceof WeightFileError)) throw error;
            },
          );
        },
      ),
      { numRuns: runs },
    );
  }

  it('legacy.pt', () => fuzz(fixtureBytes('legacy.pt'), 500));

  it("checkpoint.pt's data.pkl, in an otherwise valid archive", async () => {
    const zip = await openZip(memorySource('checkpoint.pt', fixtureBytes('checkpoint.pt')));
    const entries: Record<string, Uint8Array> = {};
    for (const name of zip.entries.keys()) entries[name] = await zip.read(name);
    zip.close();
    await fuzz(entries['checkpoint/data.pkl'], 300, (pickle) =>
      storedZip({ ...entries, 'checkpoint/data.pkl': pickle }),
    );
  });
});
