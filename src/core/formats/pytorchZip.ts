// PyTorch's zip format (torch.save since 1.6, and TorchScript archives): one top folder
// of any name holding data.pkl (the object, pickled), data/<key> (each storage's raw
// bytes, stored uncompressed), version and, since torch 2.1, byteorder. TorchScript
// archives add constants.pkl (their tensor constants, storages in constants/) and code/.
// Opening reads the zip directory and the pickles; tensor bytes are read when asked for.
import { type PickleValue, unpickle } from './pickle';
import { storageLoader, TORCH_PICKLE, type TorchWeightFile, torchWeightFile } from './pytorchTensors';
import { type ByteSource, WeightFileError } from './weightFile';
import type { ZipArchive } from './zip';

/** data.pkl holds structure, not tensor data: even huge checkpoints have small ones. */
const MAX_PICKLE_BYTES = 256 << 20;

export async function readPytorchZip(source: ByteSource, zip: ZipArchive): Promise<TorchWeightFile> {
  try {
    return await readArchive(source, zip);
  } catch (error) {
    zip.close();
    throw error;
  }
}

async function readArchive(source: ByteSource, zip: ZipArchive): Promise<TorchWeightFile> {
  const fail = (problem: string): never => {
    throw new WeightFileError(source.path, problem);
  };
  const folder = topFolder(zip, fail);
  // Short text records ("3", "little"): a few bytes are plenty, whatever the entry claims.
  const text = async (name: string) => {
    const entry = zip.entries.get(folder + name);
    return entry && new TextDecoder().decode(await zip.read(entry.name, 0, Math.min(entry.size, 64))).trim();
  };
  const byteorder = (await text('byteorder')) ?? 'little';
  if (byteorder !== 'little' && byteorder !== 'big') fail(`byteorder is "${byteorder.slice(0, 20)}"`);
  const version = (await text('version')) ?? (await text('.data/version'));

  const roots: [string, PickleValue][] = [['', await readPickle(source, zip, folder, 'data.pkl', 'data/')]];
  const torchScript = zip.entries.has(`${folder}constants.pkl`);
  if (torchScript) {
    const constants = await readPickle(source, zip, folder, 'constants.pkl', 'constants/');
    // TorchScript code calls its constants CONSTANTS.c0, CONSTANTS.c1...
    if (Array.isArray(constants))
      roots.push(['CONSTANTS', new Map(constants.map((value, i): [PickleValue, PickleValue] => [`c${i}`, value]))]);
  }

  return torchWeightFile({
    source,
    roots,
    storages: {
      size: (entry) => zip.entries.get(entry)?.size,
      read: (entry, offset, length) => zip.read(entry, offset, length),
    },
    littleEndian: byteorder === 'little',
    metadata: {
      archive: folder.slice(0, -1),
      byteorder,
      ...(version === undefined ? {} : { version }),
      ...(torchScript ? { torchscript: 'yes' } : {}),
    },
    close: async () => {
      zip.close();
      await source.close();
    },
  });
}

/** The folder (with its trailing "/") of the archive's single data.pkl. */
function topFolder(zip: ZipArchive, fail: (problem: string) => never): string {
  const folders = [...zip.entries.keys()].filter((n) => /^([^/]+\/)?data\.pkl$/.test(n)).map((n) => n.slice(0, -8));
  if (folders.length !== 1)
    fail(`a PyTorch archive has one top folder with data.pkl; this one has ${folders.length || 'none'}`);
  return folders[0];
}

async function readPickle(
  source: ByteSource,
  zip: ZipArchive,
  folder: string,
  name: string,
  storageFolder: string,
): Promise<PickleValue> {
  const size = zip.entries.get(folder + name)!.size;
  if (size > MAX_PICKLE_BYTES)
    throw new WeightFileError(source.path, `${name} is ${size} bytes (more than ${MAX_PICKLE_BYTES})`);
  return unpickle(await zip.read(folder + name), {
    path: source.path,
    part: name,
    persistentLoad: storageLoader((key) => folder + storageFolder + key),
    ...TORCH_PICKLE,
  }).value;
}
