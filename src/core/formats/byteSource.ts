// ByteSources over a file on disk (range reads through a file handle) and over bytes in
// memory (tests, fuzzing). The only place readers touch the file system.
import { open, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { type ByteSource, WeightFileError } from './weightFile';

export async function openFileSource(path: string): Promise<ByteSource> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new WeightFileError(path, `cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { size } = await handle.stat();
  const fileHandle = handle;
  return {
    path,
    size,
    async read(offset, length) {
      checkRange(path, size, offset, length);
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fileHandle.read(bytes, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new WeightFileError(path, `file ended at byte ${offset + done} (it changed while being read?)`);
        done += bytesRead;
      }
      return bytes;
    },
    sibling: (relativePath) => openSibling(path, relativePath),
    close: () => fileHandle.close(),
  };
}

/** Opens a file next to `path`, refusing names (or symbolic links) that lead out of its folder. */
async function openSibling(path: string, relativePath: string): Promise<ByteSource> {
  const folder = dirname(path);
  const target = join(folder, relativePath);
  const escapes = (from: string, to: string) => {
    const rel = relative(from, to);
    return rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel);
  };
  if (isAbsolute(relativePath) || escapes(folder, target)) {
    throw new WeightFileError(path, `refers to "${relativePath}", outside the model's folder`);
  }
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    throw new WeightFileError(path, `refers to "${relativePath}", which does not exist`);
  }
  if (escapes(await realpath(folder), real)) {
    throw new WeightFileError(path, `refers to "${relativePath}", a link outside the model's folder`);
  }
  return openFileSource(target);
}

/** A ByteSource over bytes in memory; siblings come from `siblings` by name. */
export function memorySource(path: string, bytes: Uint8Array, siblings: Record<string, Uint8Array> = {}): ByteSource {
  return {
    path,
    size: bytes.length,
    read(offset, length) {
      checkRange(path, bytes.length, offset, length);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
    sibling(relativePath) {
      const found = Object.hasOwn(siblings, relativePath) ? siblings[relativePath] : undefined;
      if (!found) return Promise.reject(new WeightFileError(path, `refers to "${relativePath}", which does not exist`));
      return Promise.resolve(memorySource(relativePath, found, siblings));
    },
    close: () => Promise.resolve(),
  };
}

function checkRange(path: string, size: number, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  ) {
    throw new WeightFileError(path, `truncated: needs bytes ${offset}–${offset + length} of a ${size}-byte file`);
  }
}
