// Where a series' checkpoints come from: the files of a folder (a run saving checkpoints),
// or checkpoints kept in memory (a run training in the extension, snapshot by snapshot).
// The series model only lists, stats and opens through this.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openWeightFile } from '../formats/openWeightFile';
import { makeWeightFile, tensorInfo } from '../formats/tensorTable';
import type { WeightFile } from '../formats/weightFile';
import { hasWeightFileExtension } from '../formats/weightFileNames';

export interface StoredFile {
  name: string;
  size: number;
  mtimeMs: number;
}

export interface CheckpointStore {
  /** What the series is of, for titles and messages (a folder's path, a run's name). */
  readonly label: string;
  /** The folder, for a series of files; restored views reopen it. */
  readonly folder?: string;
  /** Whether a listed name may be a checkpoint (opening it decides). */
  accepts(name: string): boolean;
  list(): Promise<StoredFile[]>;
  /** Undefined when there is no such file (any more). */
  stat(name: string): Promise<StoredFile | undefined>;
  open(name: string): Promise<WeightFile>;
}

/** The regular files directly in a folder (checkpoints are not looked for in subfolders). */
export function folderStore(folder: string): CheckpointStore & { readText(name: string): Promise<string> } {
  /** A file directly in the folder: a name with a separator (or `..`) could lead out of it. */
  const pathOf = (name: string): string => {
    if (name !== basename(name) || name === '..' || name === '.')
      throw new Error(`"${name}" is not a file of ${folder}`);
    return join(folder, name);
  };
  const statOf = async (name: string): Promise<StoredFile | undefined> => {
    try {
      const facts = await stat(pathOf(name));
      return facts.isFile() ? { name, size: facts.size, mtimeMs: facts.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    label: folder,
    folder,
    accepts: hasWeightFileExtension,
    async list() {
      const entries = await readdir(folder, { withFileTypes: true });
      const files = await Promise.all(entries.filter((e) => e.isFile()).map((e) => statOf(e.name)));
      return files.filter((f): f is StoredFile => f !== undefined);
    },
    stat: statOf,
    open: async (name) => openWeightFile(pathOf(name)),
    readText: async (name) => readFile(pathOf(name), 'utf8'),
  };
}

export interface MemoryTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Checkpoints handed over in memory; `add` returns the name to tell the series about. */
export class MemoryStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, { file: StoredFile; tensors: MemoryTensor[] }>();

  constructor(readonly label: string) {}

  /** A checkpoint named after its number (`step_000100`), so the series orders it by that number. */
  add(number: number, tensors: MemoryTensor[]): string {
    const name = `step_${String(number).padStart(6, '0')}`;
    const size = tensors.reduce((sum, t) => sum + t.values.byteLength, 0);
    this.checkpoints.set(name, { file: { name, size, mtimeMs: Date.now() }, tensors });
    return name;
  }

  accepts(name: string): boolean {
    return this.checkpoints.has(name);
  }

  async list(): Promise<StoredFile[]> {
    return [...this.checkpoints.values()].map((c) => c.file);
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    return this.checkpoints.get(name)?.file;
  }

  async open(name: string): Promise<WeightFile> {
    const checkpoint = this.checkpoints.get(name);
    if (!checkpoint) throw new Error(`${this.label}: no checkpoint ${name}`);
    return makeWeightFile({
      // What the trainer would write them as.
      format: 'safetensors',
      path: `${this.label}/${name}`,
      entries: checkpoint.tensors.map((t) => ({
        info: tensorInfo(t.name, 'float32', t.shape, 'OIHW'),
        load: async () => t.values,
      })),
      metadata: {},
      close: async () => undefined,
    });
  }
}
