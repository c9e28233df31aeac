// Keras weights in HDF5 — Keras 2 `save_weights`/`model.save` .h5 files, Keras 3
// `.weights.h5`, and the `model.weights.h5` inside a Keras 3 `.keras` zip — read with h5wasm
// (the HDF5 C library compiled to WebAssembly): every numeric dataset of every group is a
// tensor named by its path, e.g. `conv2d/conv2d/kernel:0` or `layers/conv2d/vars/0`.
import type { Dataset, Group, Metadata } from 'h5wasm';
import { decodeToFloat32, dtypeSize } from './dtype';
import {
  type TensorEntry,
  isRecord,
  makeWeightFile,
  noteUnsupported,
  tensorByteLength,
  tensorInfo,
} from './tensorTable';
import { type ByteSource, type DType, type WeightFile, WeightFileError } from './weightFile';
import type { ZipArchive } from './zip';
import { errorMessage } from '../util/errorMessage';

/**
 * h5wasm reads through Emscripten's in-memory file system, so the file's bytes are copied
 * there whole (HDF5 needs random access to a file it can read synchronously, and a
 * ByteSource is asynchronous); dataset values are then read one dataset at a time.
 * The WebAssembly heap tops out at 2 GB, and so does this.
 */
const MAX_HDF5_BYTES = 2 ** 31;
const MAX_METADATA_BYTES = 1 << 20;
/** A model's JSON (config.json, the model_config attribute): big models' run to a few MB. */
const MAX_CONFIG_BYTES = 64 << 20;
/**
 * Far more than any Keras file has. Each HDF5 call costs tens of microseconds, so the link
 * count is what bounds the time a crafted file can take to list.
 */
const MAX_GROUP_DEPTH = 64;
const MAX_LINKS = 100_000;
/** HDF5's H5T_class_t. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_ENUM = 8;

type H5wasm = typeof import('h5wasm');
type H5Module = Awaited<H5wasm['ready']>;

let library: Promise<{ h5: H5wasm; module: H5Module }> | undefined;
let fileCount = 0;

/** h5wasm is 4 MB of JavaScript with its WebAssembly inlined: loaded only when an HDF5 file is opened. */
function loadH5wasm(): Promise<{ h5: H5wasm; module: H5Module }> {
  library ??= import('h5wasm').then(async (h5) => {
    const module = await h5.ready;
    // HDF5 errors become exceptions instead of diagnostics printed to stderr.
    module.activate_throwing_error_handler();
    return { h5, module };
  });
  return library;
}

/** A Keras file's weights and the model's JSON, for the model engine. */
export interface KerasModelFile {
  weights: WeightFile;
  /** The h5's root attribute `model_config`, or the .keras's `config.json`; undefined in weights-only files. */
  config: string | undefined;
}

export async function readKerasH5(source: ByteSource): Promise<WeightFile> {
  return (await readKerasH5Model(source)).weights;
}

export async function readKerasH5Model(source: ByteSource): Promise<KerasModelFile> {
  if (source.size > MAX_HDF5_BYTES) {
    throw new WeightFileError(source.path, `HDF5 file of ${source.size} bytes is over the 2 GB limit`);
  }
  return readHdf5(source.path, await source.read(0, source.size), {}, () => source.close());
}

/** A Keras 3 `.keras` file: a zip holding `config.json`, `metadata.json` and `model.weights.h5`. */
export async function readKerasZip(source: ByteSource, zip: ZipArchive): Promise<WeightFile> {
  return (await readKerasZipModel(source, zip)).weights;
}

export async function readKerasZipModel(source: ByteSource, zip: ZipArchive): Promise<KerasModelFile> {
  let weights: Uint8Array;
  let metadata: Record<string, string>;
  let config: string | undefined;
  try {
    const names = [...zip.entries.keys()];
    const entry =
      zip.entries.get('model.weights.h5') ?? zip.entries.get(names.find((n) => n.endsWith('.weights.h5')) ?? '');
    if (!entry) throw new WeightFileError(source.path, 'has no .weights.h5 entry');
    if (entry.size > MAX_HDF5_BYTES) {
      throw new WeightFileError(source.path, `entry "${entry.name}" of ${entry.size} bytes is over the 2 GB limit`);
    }
    weights = await zip.read(entry.name);
    metadata = await kerasMetadata(zip);
    const configEntry = zip.entries.get('config.json');
    if (configEntry && configEntry.size <= MAX_CONFIG_BYTES) {
      config = new TextDecoder().decode(await zip.read(configEntry.name));
    }
  } finally {
    zip.close();
  }
  const { weights: file } = await readHdf5(source.path, weights, metadata, () => source.close());
  return { weights: file, config };
}

/** `metadata.json`'s keras_version and date_saved, when it holds them; it is only for show. */
async function kerasMetadata(zip: ZipArchive): Promise<Record<string, string>> {
  const entry = zip.entries.get('metadata.json');
  if (!entry || entry.size > MAX_METADATA_BYTES) return {};
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await zip.read(entry.name)));
  } catch {
    return {};
  }
  if (!isRecord(json)) return {};
  const fields = ['keras_version', 'date_saved'].filter((k) => typeof json[k] === 'string');
  return Object.fromEntries(fields.map((k) => [k, json[k] as string]));
}

async function readHdf5(
  path: string,
  bytes: Uint8Array,
  metadata: Record<string, string>,
  closeSource: () => Promise<void>,
): Promise<KerasModelFile> {
  const { h5, module } = await loadH5wasm();
  const fsName = `/weight-lens-${++fileCount}.h5`;
  module.FS.writeFile(fsName, bytes);
  const release = () => {
    if (module.FS.analyzePath(fsName).exists) module.FS.unlink(fsName);
  };
  let opened: InstanceType<H5wasm['File']>;
  try {
    opened = new h5.File(fsName, 'r');
  } catch (error) {
    release();
    throw new WeightFileError(path, `is not a readable HDF5 file (${hdf5Message(error)})`);
  }
  try {
    const entries: TensorEntry[] = [];
    const unsupported: string[] = [];
    for (const datasetPath of datasetPaths(h5, module, opened)) {
      const dataset = new h5.Dataset(opened.file_id, datasetPath);
      const found = datasetEntry(path, module, dataset);
      if (found === 'unsupported') unsupported.push(`${dataset.path.slice(1)} (${describe(dataset.metadata)})`);
      else if (found) entries.push(found);
    }
    const allMetadata = { ...rootAttributes(opened), ...metadata };
    noteUnsupported(allMetadata, unsupported);
    const weights = makeWeightFile({
      format: 'keras',
      path,
      entries,
      metadata: allMetadata,
      async close() {
        opened.close();
        release();
        await closeSource();
      },
    });
    return { weights, config: modelConfig(opened) };
  } catch (error) {
    opened.close();
    release();
    throw error instanceof WeightFileError
      ? error
      : new WeightFileError(path, `damaged HDF5 file (${hdf5Message(error)})`);
  }
}

/**
 * Every dataset's path, in Keras's order where the file records it (Keras 2: `layer_names`
 * on the root, `weight_names` on each layer), else by name. HDF5's own link walk (H5Lvisit,
 * behind `paths()`) lists each link once and enters each group once, so hard links that form
 * a cycle or fan out cannot make it endless. Soft and external links are skipped: their
 * targets are listed under names of their own.
 */
function datasetPaths(h5: H5wasm, module: H5Module, file: Group): string[] {
  const links = file.paths();
  if (links.length > MAX_LINKS) throw new Error(`the file holds more than ${MAX_LINKS} links`);
  const children = new Map<string, string[]>();
  for (const link of links) {
    const cut = link.lastIndexOf('/');
    const parent = cut < 0 ? '/' : `/${link.slice(0, cut)}`;
    const siblings = children.get(parent);
    if (siblings) siblings.push(link.slice(cut + 1));
    else children.set(parent, [link.slice(cut + 1)]);
  }
  // Only leaves can be datasets: the type of each is asked once (HDF5 calls are the cost here).
  const isDataset = (path: string) =>
    !children.has(path) && module.get_type(file.file_id, path) === module.H5G_DATASET && !isLink(module, file, path);
  const datasets = new Set(links.map((link) => `/${link}`).filter(isDataset));
  const walk = (group: string, depth: number): string[] => {
    if (depth > MAX_GROUP_DEPTH) throw new Error(`groups nest more than ${MAX_GROUP_DEPTH} deep`);
    const prefix = group === '/' ? '/' : `${group}/`;
    const attributes = module.get_attribute_names(file.file_id, group);
    const order = (name: string) =>
      attributes.includes(name) ? stringList(new h5.Group(file.file_id, group), name) : undefined;
    const found = inOrder(children.get(group) ?? [], order('layer_names')).flatMap((name) => {
      const path = prefix + name;
      if (datasets.has(path)) return [path];
      return children.has(path) ? walk(path, depth + 1) : [];
    });
    const weightNames = order('weight_names');
    if (!weightNames) return found;
    return inOrder(
      found.map((path) => path.slice(prefix.length)),
      weightNames,
    ).map((name) => prefix + name);
  };
  return walk('/', 0);
}

function isLink(module: H5Module, file: Group, path: string): boolean {
  return (
    module.get_symbolic_link(file.file_id, path) !== null || 'filename' in module.get_external_link(file.file_id, path)
  );
}

/** `names` in the order of `order` first (those it lists), then the rest as they were. */
function inOrder(names: string[], order: string[] | undefined): string[] {
  if (!order) return names;
  const present = new Set(names);
  const listed = new Set(order.filter((n) => present.has(n)));
  return [...listed, ...names.filter((n) => !listed.has(n))];
}

/** A list-of-strings attribute (Keras writes them as fixed-length byte strings). */
function stringList(group: Group, name: string): string[] | undefined {
  const value = group.get_attribute(name, true);
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** A tensor for a numeric dataset; 'unsupported' for numbers Weight Lens has no dtype for; undefined for the rest (strings...). */
function datasetEntry(path: string, module: H5Module, dataset: Dataset): TensorEntry | 'unsupported' | undefined {
  const metadata = dataset.metadata;
  const numeric = metadata.type === H5T_INTEGER || metadata.type === H5T_FLOAT || isBoolEnum(metadata);
  if (!numeric || !metadata.shape) return undefined;
  const dtype = dtypeOf(metadata);
  if (!dtype) return 'unsupported';
  const name = dataset.path.slice(1);
  const { shape } = metadata;
  const byteLength = tensorByteLength(path, name, dtype, shape, metadata.total_size * metadata.size);
  return {
    info: tensorInfo(name, dtype, shape, 'HWIO'),
    load: async () => {
      try {
        return decodeToFloat32(readRaw(module, dataset, byteLength), dtype, byteLength / dtypeSize(dtype));
      } catch (error) {
        throw new WeightFileError(path, `cannot read dataset "${name}" (${hdf5Message(error)})`);
      }
    },
  };
}

function dtypeOf(m: Metadata): DType | undefined {
  if (isBoolEnum(m)) return 'bool';
  const key = `${m.type === H5T_FLOAT ? 'f' : m.signed ? 'i' : 'u'}${m.size}`;
  const dtypes: Record<string, DType> = {
    f2: 'float16',
    f4: 'float32',
    f8: 'float64',
    i1: 'int8',
    i2: 'int16',
    i4: 'int32',
    i8: 'int64',
    u1: 'uint8',
  };
  return Object.hasOwn(dtypes, key) ? dtypes[key] : undefined;
}

/** h5py stores numpy bools as an int8 enum {FALSE: 0, TRUE: 1}. */
function isBoolEnum(m: Metadata): boolean {
  const members = m.enum_type?.members;
  return m.type === H5T_ENUM && m.size === 1 && members?.FALSE === 0 && members?.TRUE === 1;
}

function describe(m: Metadata): string {
  return `${m.type === H5T_FLOAT ? 'float' : m.signed ? 'int' : 'uint'}${8 * m.size}`;
}

/**
 * The dataset's bytes as HDF5 hands them over — converted to little-endian, whatever the
 * file's order — copied out of the WebAssembly heap. (h5wasm's `value` has no float16.)
 */
function readRaw(module: H5Module, dataset: Dataset, byteLength: number): Uint8Array {
  const pointer = module._malloc(Math.max(byteLength, 1));
  if (pointer === 0) throw new Error(`cannot allocate ${byteLength} bytes`);
  try {
    module.get_dataset_data(dataset.file_id, dataset.path, null, null, null, BigInt(pointer));
    return module.HEAPU8.slice(pointer, pointer + byteLength);
  } finally {
    module._free(pointer);
  }
}

/** The root attributes Keras writes: keras_version and backend. */
function rootAttributes(file: Group): Record<string, string> {
  const attrs = file.attrs;
  const keys = ['keras_version', 'backend'].filter((k) => Object.hasOwn(attrs, k));
  return Object.fromEntries(keys.map((k) => [k, String(attrs[k].json_value)]));
}

/** The root attribute `model_config` Keras writes with `model.save('x.h5')` (a JSON string). */
function modelConfig(file: Group): string | undefined {
  if (!Object.hasOwn(file.attrs, 'model_config')) return undefined;
  const value = file.attrs.model_config.json_value;
  return typeof value === 'string' && value.length <= MAX_CONFIG_BYTES ? value : undefined;
}

/** HDF5's error stack names every layer it passed; the innermost line says what went wrong. */
function hdf5Message(error: unknown): string {
  const lines = [...errorMessage(error).matchAll(/#\d+: .* in \w+\(\): (.*)$/gm)];
  return lines.at(-1)?.[1] ?? errorMessage(error);
}
