// Opens a weight file of any supported format, recognised by its bytes (never by its
// name), and hands it to that format's reader. Bad files fail fast with a
// WeightFileError that names the file and the problem.
import { openFileSource } from './byteSource';
import { readKerasH5, readKerasZip } from './keras';
import { readNpy, readNpz, NPY_MAGIC } from './numpy';
import { readOnnx } from './onnx';
import { PYTORCH_LEGACY_MAGIC_PICKLE, readPytorchLegacy } from './pytorchLegacy';
import { readPytorchZip } from './pytorchZip';
import { readSafetensors, readSafetensorsIndex } from './safetensors';
import { readTfjsModel } from './tfjs';
import { type ByteSource, type WeightFile, WeightFileError } from './weightFile';
import { isZip, openZip } from './zip';
import { errorMessage } from '../util/errorMessage';

export const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** JSON manifests (TF.js model.json, safetensors index) are small; refuse to parse huge ones. */
const MAX_JSON_BYTES = 64 << 20;

export async function openWeightFile(path: string): Promise<WeightFile> {
  const source = await openFileSource(path);
  try {
    return await readWeightSource(source);
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Detects the format of the bytes and reads them. The WeightFile owns the source. */
export async function readWeightSource(source: ByteSource): Promise<WeightFile> {
  if (source.size === 0) throw new WeightFileError(source.path, 'is empty');
  const head = await source.read(0, Math.min(source.size, 16));
  if (isZip(head)) return readZipContainer(source);
  if (startsWith(head, NPY_MAGIC)) return readNpy(source);
  if (startsWith(head, HDF5_MAGIC)) return readKerasH5(source);
  if (startsWith(head, PYTORCH_LEGACY_MAGIC_PICKLE)) return readPytorchLegacy(source);
  const firstChar = firstNonSpace(head);
  if (firstChar === '{') return readJsonManifest(source);
  if (looksLikeSafetensors(head)) return readSafetensors(source);
  // ONNX has no magic number: a protobuf whose first field is ir_version (field 1, varint).
  if (head[0] === 0x08) return readOnnx(source);
  throw new WeightFileError(
    source.path,
    'is not a weight file Weight Lens can read (PyTorch, safetensors, NumPy, ONNX, Keras HDF5, TF.js)',
  );
}

async function readZipContainer(source: ByteSource): Promise<WeightFile> {
  const zip = await openZip(source);
  const names = [...zip.entries.keys()];
  if (names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl'))) return readPytorchZip(source, zip);
  if (names.some((n) => n.endsWith('.weights.h5'))) return readKerasZip(source, zip);
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return readNpz(source, zip);
  zip.close();
  throw new WeightFileError(source.path, 'is a zip archive but not a PyTorch checkpoint, a .npz or a .keras file');
}

async function readJsonManifest(source: ByteSource): Promise<WeightFile> {
  const json = await readJsonFile(source);
  if (isObject(json) && 'weight_map' in json) return readSafetensorsIndex(source, json);
  if (isObject(json) && 'weightsManifest' in json) return readTfjsModel(source, json);
  throw new WeightFileError(source.path, 'is JSON but neither a TF.js model.json nor a safetensors index');
}

/** A JSON manifest (TF.js model.json, safetensors index) parsed, within the size limit. */
export async function readJsonFile(source: ByteSource): Promise<unknown> {
  if (source.size > MAX_JSON_BYTES)
    throw new WeightFileError(source.path, `JSON of ${source.size} bytes is too large for a manifest`);
  try {
    return JSON.parse(new TextDecoder().decode(await source.read(0, source.size)));
  } catch (error) {
    throw new WeightFileError(source.path, `is not valid JSON (${errorMessage(error)})`);
  }
}

/** safetensors: an 8-byte little-endian header length (checked by the reader), then a JSON object. */
function looksLikeSafetensors(head: Uint8Array): boolean {
  return head.length >= 9 && head[8] === 0x7b; // '{'
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function firstNonSpace(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(bytes).trimStart();
  return text[0];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
