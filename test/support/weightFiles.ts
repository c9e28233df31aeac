// Helpers for the weight-file reader tests: the committed fixtures and the values their
// script recorded, byte-counting sources (laziness), temp files for bad input, and a
// minimal zip writer for hand-made archives.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { openWeightFile } from '../../src/core/formats/openWeightFile';
import { type ByteSource, type WeightFile, WeightFileError } from '../../src/core/formats/weightFile';
import { tensorStats } from '../../src/core/tensor/statistics';

export const FIXTURES = join(__dirname, '..', 'fixtures');

/** JSON has no NaN or Infinity: expected.json writes them as strings. */
type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface ExpectedTensor {
  name: string;
  dtype: string;
  shape: number[];
  layout?: string;
  /** Over the finite values; null when there is none. */
  stats: { min: number; max: number; mean: number; std: number } | null;
  nan: number;
  inf: number;
  first: JsonNumber[];
  last: JsonNumber[];
  /** sha256 of all values as little-endian float32, NaN canonicalised to 0x7fc00000. */
  f32_sha256: string;
}

export interface ExpectedFile {
  format: string;
  tensors: ExpectedTensor[];
}

interface ExpectedJson {
  files: Record<string, ExpectedFile>;
  bad: Record<string, { format: string; error: string; detail: string }>;
}

function expectedJson(): ExpectedJson {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as ExpectedJson;
}

/** The good fixtures of a format: path relative to test/fixtures → what their writer recorded. */
export function expectedFixtures(format: string): [string, ExpectedFile][] {
  return Object.entries(expectedJson().files).filter(([, file]) => file.format === format);
}

/** One test per fixture of `format`: the reader decodes what the writing library recorded. */
export function itReadsEveryFixture(format: string): void {
  for (const [fixture, expected] of expectedFixtures(format)) {
    it(`reads ${fixture} as its writer recorded it`, async () => {
      const file = await openWeightFile(join(FIXTURES, fixture));
      try {
        await assertMatchesExpected(file, expected);
      } finally {
        await file.close();
      }
    });
  }
}

/** The bad fixtures of a format, with the problem their writer describes. */
export function badFixtures(format: string): [string, string][] {
  return Object.entries(expectedJson().bad)
    .filter(([, file]) => file.format === format)
    .map(([path, file]) => [path, file.error]);
}

function f32Hash(values: Float32Array): string {
  const bits = new Uint32Array(values.length);
  bits.set(new Uint32Array(values.buffer, values.byteOffset, values.length));
  values.forEach((v, i) => {
    if (Number.isNaN(v)) bits[i] = 0x7fc00000;
  });
  return createHash('sha256').update(new Uint8Array(bits.buffer)).digest('hex');
}

/**
 * Names (in the file's order), dtypes, shapes, layouts, every value (through the hash; the
 * first and last ones compared exactly, float32 decodes being exact) and the statistics.
 */
export async function assertMatchesExpected(file: WeightFile, expected: ExpectedFile): Promise<void> {
  assert.equal(file.format, expected.format);
  assert.deepEqual(
    file.tensors.map((t) => t.name),
    expected.tensors.map((t) => t.name),
  );
  for (const [i, want] of expected.tensors.entries()) {
    const info = file.tensors[i];
    const what = `tensor "${want.name}"`;
    assert.equal(info.dtype, want.dtype, `${what}: dtype`);
    assert.deepEqual(info.shape, want.shape, `${what}: shape`);
    assert.equal(info.layout, want.layout, `${what}: layout`);
    const values = await file.read(want.name);
    assert.deepEqual([...values.subarray(0, want.first.length)], want.first.map(Number), `${what}: first values`);
    assert.deepEqual([...values.subarray(values.length - want.last.length)], want.last.map(Number), `${what}: last`);
    assert.equal(f32Hash(values), want.f32_sha256, `${what}: values`);
    const stats = tensorStats(values);
    assert.deepEqual([stats.nan, stats.inf], [want.nan, want.inf], `${what}: NaN and Inf counts`);
    for (const key of ['min', 'max', 'mean', 'std'] as const) {
      const expectedValue = want.stats?.[key] ?? NaN;
      const ok = Number.isNaN(expectedValue)
        ? Number.isNaN(stats[key])
        : Math.abs(stats[key] - expectedValue) <= 1e-6 * Math.max(1, Math.abs(expectedValue));
      assert.ok(ok, `${what}: ${key} ${stats[key]} ≠ ${expectedValue}`);
    }
  }
}

/** A ByteSource that counts the bytes read through it. */
export function countingSource(source: ByteSource): ByteSource & { bytesRead: number } {
  const counting = {
    path: source.path,
    size: source.size,
    bytesRead: 0,
    read(offset: number, length: number) {
      counting.bytesRead += length;
      return source.read(offset, length);
    },
    sibling: (relativePath: string) => source.sibling(relativePath),
    close: () => source.close(),
  };
  return counting;
}

/** A fresh folder for the test's files, removed when the test ends. */
export function tempFolder(t: { after(fn: () => void): void }): string {
  const folder = mkdtempSync(join(tmpdir(), 'weight-lens-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

export function writeFile(folder: string, name: string, bytes: Uint8Array | string): string {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
}

/** Copies a fixture to `name` in `folder` (a name whose extension says nothing about the format). */
export function copyFixture(fixture: string, folder: string, name: string): string {
  const path = join(folder, name);
  copyFileSync(join(FIXTURES, fixture), path);
  return path;
}

export function fixtureBytes(fixture: string): Uint8Array {
  return readFileSync(join(FIXTURES, fixture));
}

/** Opens the file and reads every tensor, then closes it. */
async function openAndReadAll(path: string): Promise<WeightFile> {
  const file = await openWeightFile(path);
  try {
    for (const t of file.tensors) await file.read(t.name);
  } finally {
    await file.close();
  }
  return file;
}

/**
 * Bad input fails fast with a WeightFileError that names the file, whether opening or
 * reading finds the problem.
 */
export async function assertBadFile(path: string, problem?: RegExp): Promise<void> {
  const start = performance.now();
  const error = await openAndReadAll(path).then(
    () => assert.fail(`${path} opened and read without an error`),
    (e: unknown) => e,
  );
  const elapsed = performance.now() - start;
  assert.ok(error instanceof WeightFileError, `not a WeightFileError: ${String(error)}`);
  assert.ok(error.message.includes(path), `message does not name the file: ${error.message}`);
  if (problem) assert.match(error.problem, problem);
  assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
}

/** Prototype pollution would show on every object. */
export function assertNoPollution(): void {
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

/**
 * Opens a file holding tensors named `__proto__` = [1, 2] and `constructor` = [3] and
 * checks they are ordinary names: listed, readable, nothing polluted. `more` checks the
 * open file further.
 */
export async function assertOrdinaryProtoNames(
  path: string,
  more: (file: WeightFile) => Promise<void> = async () => {},
): Promise<void> {
  const file = await openWeightFile(path);
  assert.deepEqual(
    file.tensors.map((x) => x.name),
    ['__proto__', 'constructor'],
  );
  assert.deepEqual([...(await file.read('__proto__'))], [1, 2]);
  assert.deepEqual([...(await file.read('constructor'))], [3]);
  await more(file);
  await file.close();
  assertNoPollution();
}

/** A safetensors file from a header (an object, or JSON text) and its data section. */
export function safetensorsBytes(header: object | string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A zip of stored (uncompressed) entries: enough to hand-make .npz and .keras archives. */
export function storedZip(entries: Record<string, Uint8Array>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, Buffer.from(data));
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A .npy file (format 1.0) with the given header dict text and data. */
export function npyBytes(header: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const padded = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + '\n';
  const out = new Uint8Array(10 + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), 10);
  out.set(data, 10 + padded.length);
  return out;
}

export function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
