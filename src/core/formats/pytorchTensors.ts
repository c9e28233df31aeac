// What the PyTorch zip and legacy readers share: the storages behind persistent ids, the
// pure constructors that rebuild tensors as data, the walk that names every tensor of an
// unpickled object by its path, and the WeightFile that reads a tensor's byte range of its
// storage and applies its offset and strides.
import { decodeToFloat32, dtypeSize, elementCount } from './dtype';
import { type Constructor, type Fail, type PickleValue, PickleExternal, PickleGlobal, PickleObject } from './pickle';
import { type ByteSource, type DType, type TensorInfo, type WeightFile, WeightFileError } from './weightFile';

/** Storage type name (without "Storage") → element size and, when we decode it, dtype. */
const STORAGE_TYPES: Record<string, { size: number; dtype?: DType }> = {
  Float: { size: 4, dtype: 'float32' },
  Double: { size: 8, dtype: 'float64' },
  Half: { size: 2, dtype: 'float16' },
  BFloat16: { size: 2, dtype: 'bfloat16' },
  Long: { size: 8, dtype: 'int64' },
  Int: { size: 4, dtype: 'int32' },
  Short: { size: 2, dtype: 'int16' },
  Char: { size: 1, dtype: 'int8' },
  Byte: { size: 1, dtype: 'uint8' },
  Bool: { size: 1, dtype: 'bool' },
  Untyped: { size: 1, dtype: 'uint8' },
  // Not decoded, but their sizes let a file that has them open (legacy files are walked by size).
  ComplexFloat: { size: 8 },
  ComplexDouble: { size: 16 },
  QInt8: { size: 1 },
  QUInt8: { size: 1 },
  QInt32: { size: 4 },
  QUInt4x2: { size: 1 },
  QUInt2x4: { size: 1 },
};

/** torch.<dtype> globals (as _rebuild_tensor_v3 names them) → our dtypes. */
const TORCH_DTYPES: Record<string, DType> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** Objects nested deeper than this are refused (the walk is iterative; this bounds its work). */
const MAX_DEPTH = 10_000;
/** Objects visited while naming tensors: shared containers are walked once per path, so bound it. */
const MAX_VISITS = 10_000_000;

/** A storage a persistent id names: `entry` says where its bytes are (a zip entry, a legacy key). */
export class TorchStorage extends PickleExternal {
  constructor(
    readonly entry: string,
    readonly typeName: string,
    readonly elementSize: number,
    /** Legacy views start this many elements into their root storage. */
    readonly elementOffset: number,
    readonly numel: number,
  ) {
    super();
  }
}

/** A tensor as torch would rebuild it: a strided view of a storage. */
export class TorchTensor extends PickleExternal {
  constructor(
    readonly storage: TorchStorage,
    /** In elements of the tensor's dtype, like the strides. */
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    /** Undefined for dtypes we do not decode (complex, quantized...). */
    readonly dtype: DType | undefined,
    readonly typeName: string,
  ) {
    super();
  }
}

/**
 * Turns persistent ids into storages. Zip: ('storage', type, key, location, numel).
 * Legacy: the same plus view_metadata (view_key, offset, size) or None, and
 * ('module', class, source_file, source) records of whole pickled modules.
 */
export function storageLoader(entryOf: (key: string) => string): (pid: PickleValue, fail: Fail) => PickleValue {
  return (pid, fail) => {
    if (!Array.isArray(pid) || typeof pid[0] !== 'string') return fail('persistent id is not a tagged tuple');
    const [kind, type, key, , numel, view] = pid;
    if (kind === 'module') return type ?? null;
    if (kind !== 'storage') return fail(`unknown persistent id kind "${kind.slice(0, 40)}"`);
    if (!(type instanceof PickleGlobal)) return fail('storage type is not a class reference');
    const typeName = type.name.replace(/Storage$/, '');
    const known = Object.hasOwn(STORAGE_TYPES, typeName) ? STORAGE_TYPES[typeName] : undefined;
    const torchModule = type.module === 'torch' || type.module.startsWith('torch.');
    if (!known || !torchModule) return fail(`unknown storage type ${type.qualifiedName}`);
    if (typeof key !== 'string') return fail('storage key is not a string');
    if (view === undefined || view === null)
      return new TorchStorage(entryOf(key), typeName, known.size, 0, count(numel, fail));
    if (!Array.isArray(view) || view.length !== 3) return fail('storage view metadata is not (key, offset, size)');
    return new TorchStorage(entryOf(key), typeName, known.size, count(view[1], fail), count(view[2], fail));
  };
}

/** The pure constructors torch pickles call, building data. With TORCH_PICKLE, any other call fails the file. */
const TORCH_CONSTRUCTORS: ReadonlyMap<string, Constructor> = new Map<string, Constructor>([
  ['torch._utils._rebuild_tensor', (args, fail) => tensorOf(args, undefined, fail)],
  ['torch._utils._rebuild_tensor_v2', (args, fail) => tensorOf(args, undefined, fail)],
  // v3 names the dtype (args[6]) for storages saved untyped.
  ['torch._utils._rebuild_tensor_v3', (args, fail) => tensorOf(args, args[6], fail)],
  ['torch._utils._rebuild_parameter', (args) => args[0] ?? null],
  ['torch._utils._rebuild_parameter_with_state', (args) => args[0] ?? null],
  // Tensor subclasses: (func, type, args, state) → what func would build from args.
  ['torch._tensor._rebuild_from_type', rebuildFromType],
  ['torch._tensor._rebuild_from_type_v2', rebuildFromType],
  ['torch.Size', (args) => args[0] ?? null],
  // TorchScript wraps typed containers: restore_type_tag(value, type) and build_*list(list).
  ['torch.jit._pickle.restore_type_tag', (args) => args[0] ?? null],
  ['torch.jit._pickle.build_intlist', (args) => args[0] ?? null],
  ['torch.jit._pickle.build_doublelist', (args) => args[0] ?? null],
  ['torch.jit._pickle.build_boollist', (args) => args[0] ?? null],
  ['torch.jit._pickle.build_tensorlist', (args) => args[0] ?? null],
]);

/** How torch pickles are read: tensors rebuilt as data; a call of anything else fails the file. */
export const TORCH_PICKLE = { constructors: TORCH_CONSTRUCTORS, refuseCalls: true } as const;

function rebuildFromType(args: readonly PickleValue[], fail: Fail): PickleValue {
  const [func, , funcArgs] = args;
  const constructor = func instanceof PickleGlobal ? TORCH_CONSTRUCTORS.get(func.qualifiedName) : undefined;
  if (!Array.isArray(funcArgs)) return fail('_rebuild_from_type without an argument tuple');
  if (!constructor) return fail(`_rebuild_from_type of ${describe(func)} is not allowed`);
  return constructor(funcArgs, fail);
}

/** _rebuild_tensor*(storage, storage_offset, size, stride, ...). */
function tensorOf(args: readonly PickleValue[], dtypeGlobal: PickleValue | undefined, fail: Fail): TorchTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) return fail('tensor without a storage');
  const shape = counts(size, fail);
  const strides = counts(stride, fail);
  if (shape.length !== strides.length) fail(`tensor of shape [${shape}] has strides [${strides}]`);
  if (elementCount(shape) === undefined) fail(`tensor shape [${shape}] is too large`);
  const storageDtype = STORAGE_TYPES[storage.typeName].dtype;
  if (dtypeGlobal === undefined)
    return new TorchTensor(storage, count(offset, fail), shape, strides, storageDtype, storage.typeName);
  if (!(dtypeGlobal instanceof PickleGlobal)) return fail('tensor dtype is not a torch dtype');
  const dtype = Object.hasOwn(TORCH_DTYPES, dtypeGlobal.name) ? TORCH_DTYPES[dtypeGlobal.name] : undefined;
  return new TorchTensor(storage, count(offset, fail), shape, strides, dtype, dtypeGlobal.name);
}

function count(value: PickleValue | undefined, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    return fail(`expected a size or offset, got ${describe(value)}`);
  return value;
}

function counts(value: PickleValue | undefined, fail: Fail): number[] {
  if (!Array.isArray(value)) return fail(`expected a tuple of sizes, got ${describe(value)}`);
  return value.map((v) => count(v, fail));
}

function describe(value: PickleValue | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof PickleGlobal) return value.qualifiedName;
  if (typeof value === 'object') return value.constructor.name;
  return String(value).slice(0, 40);
}

/** Module attributes that hold the tensors of a whole pickled nn.Module: names skip these levels. */
const MODULE_LEVELS = new Set(['_parameters', '_buffers', '_modules']);

/**
 * Every tensor reachable from `root`, named by its path of dict keys and list/tuple
 * indices joined with "."; inert objects (whole modules, TorchScript objects) are looked
 * into through their state, arguments and items without resolving their classes.
 */
function namedTensors(root: PickleValue, prefix: string, fail: Fail): [string, TorchTensor][] {
  const found: [string, TorchTensor][] = [];
  const onPath = new Set<object>();
  // An explicit stack: user data may nest deeply. `leave` entries pop a container off the path.
  const stack: { name: string; value: PickleValue; depth: number; leave?: boolean }[] = [
    { name: prefix, value: root, depth: 0 },
  ];
  for (let visits = 0; stack.length; visits++) {
    if (visits > MAX_VISITS) fail(`pickle holds more than ${MAX_VISITS} objects to look through`);
    const { name, value, depth, leave } = stack.pop()!;
    if (value instanceof TorchTensor) found.push([name, value]);
    if (typeof value !== 'object' || value === null || value instanceof PickleExternal) continue;
    if (leave) {
      onPath.delete(value);
      continue;
    }
    // A container inside itself (pickles can make cycles) is not entered again.
    if (onPath.has(value)) continue;
    if (depth >= MAX_DEPTH) fail(`pickle objects are nested more than ${MAX_DEPTH} levels deep`);
    onPath.add(value);
    stack.push({ name, value, depth, leave: true });
    const children = childrenOf(value);
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, child] = children[i];
      stack.push({ name: key === undefined ? name : join(name, key), value: child, depth: depth + 1 });
    }
  }
  return found;
}

/** A container's children with their name parts; undefined: the child adds no level to the name. */
function childrenOf(value: object): [string | undefined, PickleValue][] {
  if (Array.isArray(value)) return value.map((v, i) => [String(i), v]);
  if (value instanceof Set) return [...value].map((v, i) => [String(i), v]);
  if (value instanceof Map) return [...value].map(([k, v], i) => [keyName(k, i), v]);
  if (value instanceof PickleObject) {
    const state: [string | undefined, PickleValue][] =
      value.state instanceof Map
        ? [...value.state].map(([k, v], i) =>
            typeof k === 'string' && MODULE_LEVELS.has(k) ? [undefined, v] : [keyName(k, i), v],
          )
        : [[undefined, value.state]];
    return [...state, [undefined, value.items], [undefined, value.elements], [undefined, value.args as PickleValue[]]];
  }
  return [];
}

function keyName(key: PickleValue, position: number): string {
  return typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean'
    ? String(key)
    : String(position);
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Where storages' bytes are: zip entries, or ranges of a legacy file. */
export interface StorageBytes {
  /** The size in bytes of storage `entry`, or undefined when the file has none. */
  size(entry: string): number | undefined;
  read(entry: string, offset: number, length: number): Promise<Uint8Array>;
}

export interface TorchFileOptions {
  source: ByteSource;
  /** Unpickled objects and the names they go under ("" for data.pkl). */
  roots: [string, PickleValue][];
  storages: StorageBytes;
  littleEndian: boolean;
  metadata: Record<string, string>;
  close: () => Promise<void>;
}

/** A tensor whose byte range of its storage has been checked. */
interface Located {
  tensor: TorchTensor;
  dtype: DType;
  /** The bytes of the storage from its first element to its last (empty for empty tensors). */
  byteStart: number;
  byteLength: number;
}

/** A PyTorch file's tensors, and the unpickled objects they came from (a whole module's tree, for the engine). */
export interface TorchWeightFile extends WeightFile {
  /** The unpickled objects and the names their tensors go under, as in TorchFileOptions.roots. */
  readonly objects: readonly [string, PickleValue][];
}

/** The WeightFile over named tensors: lists them now, reads each one's bytes when asked. */
export function torchWeightFile(options: TorchFileOptions): TorchWeightFile {
  const { source, storages, littleEndian } = options;
  const fail = (problem: string): never => {
    throw new WeightFileError(source.path, problem);
  };
  const located = new Map<string, Located>();
  const skipped: string[] = [];
  for (const [prefix, root] of options.roots) {
    for (const [found, tensor] of namedTensors(root, prefix, fail)) {
      const name = uniqueName(found, located);
      if (tensor.dtype === undefined) skipped.push(`${name} (${tensor.typeName})`);
      else located.set(name, locate(name, tensor, tensor.dtype, storages, fail));
    }
  }
  const metadata = { ...options.metadata };
  if (skipped.length) metadata.skipped = `tensors of types Weight Lens does not decode: ${skipped.join(', ')}`;
  return {
    format: 'pytorch',
    path: source.path,
    tensors: [...located].map(([name, { tensor, dtype }]) => infoOf(name, tensor, dtype)),
    metadata,
    objects: options.roots,
    async read(name) {
      const entry = located.get(name);
      if (!entry) throw new WeightFileError(source.path, `has no tensor "${name}"`);
      return readTensor(entry, storages, littleEndian);
    },
    close: options.close,
  };
}

function uniqueName(name: string, taken: ReadonlyMap<string, unknown>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name}#${n}`)) n++;
  return `${name}#${n}`;
}

function infoOf(name: string, tensor: TorchTensor, dtype: DType): TensorInfo {
  return { name, dtype, shape: tensor.shape, ...(tensor.shape.length === 4 ? { layout: 'OIHW' as const } : {}) };
}

/** Checks that the tensor's elements lie inside its storage (views may overlap; they may not overflow). */
function locate(name: string, tensor: TorchTensor, dtype: DType, storages: StorageBytes, fail: Fail): Located {
  const { storage, shape, stride } = tensor;
  const available = storages.size(storage.entry);
  if (available === undefined)
    return fail(`tensor "${name}" refers to storage "${storage.entry}", which the file lacks`);
  const storageStart = storage.elementOffset * storage.elementSize;
  const storageBytes = storage.numel * storage.elementSize;
  if (storageStart + storageBytes > available)
    fail(`storage "${storage.entry}" should hold ${storageStart + storageBytes} bytes but has ${available}`);
  if (elementCount(shape) === 0) return { tensor, dtype, byteStart: storageStart, byteLength: 0 };
  const size = dtypeSize(dtype);
  const last = tensor.offset + shape.reduce((sum, d, i) => sum + (d - 1) * stride[i], 0);
  const end = (last + 1) * size;
  if (!Number.isSafeInteger(end) || end > storageBytes) {
    fail(
      `tensor "${name}" needs elements ${tensor.offset}–${last} of storage "${storage.entry}", ` +
        `which holds ${Math.floor(storageBytes / size)}`,
    );
  }
  return { tensor, dtype, byteStart: storageStart + tensor.offset * size, byteLength: end - tensor.offset * size };
}

async function readTensor(located: Located, storages: StorageBytes, littleEndian: boolean): Promise<Float32Array> {
  const { tensor, dtype, byteStart, byteLength } = located;
  const count = elementCount(tensor.shape)!;
  if (count === 0) return new Float32Array(0);
  const bytes = await storages.read(tensor.storage.entry, byteStart, byteLength);
  const rowMajor = isRowMajor(tensor.shape, tensor.stride);
  return decodeToFloat32(rowMajor ? bytes : gather(bytes, tensor, dtypeSize(dtype), count), dtype, count, littleEndian);
}

/** Whether the strides are those of a C-contiguous array (sizes 1 may have any stride). */
function isRowMajor(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Copies a strided view's elements into row-major order (before decoding, so any dtype works). */
function gather(bytes: Uint8Array, tensor: TorchTensor, size: number, count: number): Uint8Array {
  const { shape, stride } = tensor;
  const out = new Uint8Array(count * size);
  const index = new Array<number>(shape.length).fill(0);
  let at = 0; // the current element's position in `bytes`, in elements
  for (let i = 0; i < count; i++) {
    for (let b = 0; b < size; b++) out[i * size + b] = bytes[at * size + b];
    // Advance the multi-index like an odometer, keeping `at` in step.
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) {
        at += stride[d];
        break;
      }
      at -= (shape[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
  return out;
}
