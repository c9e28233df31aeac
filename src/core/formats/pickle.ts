// An allowlist interpreter for Python pickles (protocols 0–5), written here rather than
// taken from a library because safety demands it: a pickle is a program, and a real
// unpickler runs whatever callables it names. This one never calls anything the pickle
// names. GLOBAL yields an inert PickleGlobal; REDUCE/NEWOBJ yield an inert PickleObject
// (or, with refuseCalls, a REDUCE fails the file), except for a few pure constructors
// looked up by name in fixed tables (the builtins below and the caller's, e.g. torch's
// tensor rebuilders), which build plain data. It runs on an explicit stack (no recursion
// over the input) and caps opcodes, memo, stack and marks.
import { WeightFileError } from './weightFile';

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  /** bytes and bytearray */
  | Uint8Array
  /** list, and tuple (a frozen array) */
  | PickleValue[]
  | PickleDict
  /** set and frozenset */
  | Set<PickleValue>
  | PickleGlobal
  | PickleObject
  | PickleExternal;

/** dict and OrderedDict: keys like "__proto__" are ordinary keys of a Map. */
export type PickleDict = Map<PickleValue, PickleValue>;

/** A reference to a Python global (class or function), never resolved. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** What calling or instantiating `callable` would have produced; nothing was called. */
export class PickleObject {
  state: PickleValue = null;
  /** Items a pickle set (SETITEM) or appended (APPEND) on the object, e.g. a dict subclass. */
  readonly items: PickleDict = new Map();
  readonly elements: PickleValue[] = [];
  constructor(
    readonly callable: PickleValue,
    readonly args: readonly PickleValue[],
  ) {}
}

/** Values built by a caller's constructors or persistent loader (tensors, storages); opaque here. */
export abstract class PickleExternal {}

/** Fails with a message that names the file and the pickle position. */
export type Fail = (problem: string) => never;

/** A pure function from a global's arguments to data; it must not run anything either. */
export type Constructor = (args: readonly PickleValue[], fail: Fail) => PickleValue;

export interface UnpickleOptions {
  /** The file, for messages. */
  path: string;
  /** Which pickle of the file, for messages (default "pickle"): "data.pkl byte 12". */
  part?: string;
  /** Where the pickle starts in `bytes` (files may hold several pickles in a row). */
  start?: number;
  /** Turns a persistent id (BINPERSID/PERSID) into a value; without it they are refused. */
  persistentLoad?: (pid: PickleValue, fail: Fail) => PickleValue;
  /** More pure constructors by qualified name ("module.name"), beyond the builtins. */
  constructors?: ReadonlyMap<string, Constructor>;
  /**
   * Fail on a call (REDUCE, INST, OBJ) of anything but a constructor, rather than keep an
   * inert PickleObject: for formats whose pickles never need one (a PyTorch file naming
   * os.system is refused with a clear message). Bare instances (NEWOBJ) stay inert.
   */
  refuseCalls?: boolean;
}

/** The input ended inside the pickle (a caller reading a prefix of a file may retry with more). */
export class PickleTruncatedError extends WeightFileError {
  constructor(
    path: string,
    problem: string,
    /** How many bytes of input the pickle needs at least. */
    readonly needed: number,
  ) {
    super(path, problem);
  }
}

const MAX_OPCODES = 50_000_000;
const MAX_MEMO = 10_000_000;
const MAX_STACK = 1_000_000;
/** MARKs open at once: a pickle nesting tuples/lists/dicts deeper than this is refused. */
export const MAX_MARKS = 10_000;

/** Unpickles one pickle from `bytes`; returns its value and the offset just past STOP. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): { value: PickleValue; end: number } {
  return new Unpickler(bytes, options).run();
}

const BUILTIN_CONSTRUCTORS: ReadonlyMap<string, Constructor> = new Map<string, Constructor>([
  ['collections.OrderedDict', (args, fail) => new Map(args.length ? pairsOf(args[0], fail) : [])],
  // The default factory is a callable: dropped, the items are all that matter.
  ['collections.defaultdict', () => new Map()],
  ['builtins.set', (args, fail) => new Set(args.length ? itemsOf(args[0], fail) : [])],
  ['builtins.frozenset', (args, fail) => new Set(args.length ? itemsOf(args[0], fail) : [])],
  ['builtins.bytearray', (args, fail) => bytesOf(args, fail)],
  ['builtins.bytes', (args, fail) => bytesOf(args, fail)],
  // How protocols 0–2 pickle bytes: _codecs.encode(text, "latin1").
  ['_codecs.encode', (args, fail) => bytesOf(args, fail)],
]);

/**
 * Classes whose calls build plain data in Python too (no side effects, nothing user-defined)
 * and that training scripts save beside their weights: numpy scalars and arrays, paths,
 * torch.device, dates… Their calls stay inert placeholders even where other calls fail the
 * file (refuseCalls): refusing them would refuse ordinary checkpoints.
 */
const DATA_CLASSES: ReadonlySet<string> = new Set([
  'numpy.dtype',
  'numpy.core.multiarray.scalar',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray.scalar',
  'numpy._core.multiarray._reconstruct',
  'pathlib.Path',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'pathlib.PurePosixPath',
  'pathlib.PureWindowsPath',
  'torch.device',
  'datetime.datetime',
  'datetime.date',
  'datetime.time',
  'datetime.timedelta',
  'datetime.timezone',
  'decimal.Decimal',
  'fractions.Fraction',
  'uuid.UUID',
  'builtins.complex',
  'builtins.slice',
  'builtins.range',
  // Protocols 0–1 pickle plain objects as _reconstructor(cls, object, None): a bare instance.
  'copyreg._reconstructor',
]);

const utf8 = new TextDecoder('utf-8');

class Unpickler {
  private pos: number;
  private readonly stack: PickleValue[] = [];
  /** Stack lengths at each open MARK. */
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private readonly fail: Fail = (problem) => {
    throw new WeightFileError(
      this.options.path,
      `${problem} (${this.options.part ?? 'pickle'} byte ${this.opcodeStart})`,
    );
  };
  private opcodeStart = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: UnpickleOptions,
  ) {
    this.pos = options.start ?? 0;
  }

  run(): { value: PickleValue; end: number } {
    for (let count = 0; count < MAX_OPCODES; count++) {
      this.opcodeStart = this.pos;
      const op = this.u8();
      if (op === 0x2e /* STOP . */) {
        if (this.stack.length === 0) this.fail('STOP with an empty stack');
        return { value: this.pop(), end: this.pos };
      }
      this.step(op);
      if (this.stack.length > MAX_STACK) this.fail(`more than ${MAX_STACK} values on the pickle stack`);
    }
    return this.fail(`more than ${MAX_OPCODES} pickle opcodes`);
  }

  private step(op: number): void {
    switch (op) {
      // Protocol 0 and 1.
      case 0x28 /* MARK ( */:
        if (this.marks.length >= MAX_MARKS) this.fail(`pickle nested more than ${MAX_MARKS} levels deep`);
        this.marks.push(this.stack.length);
        return;
      case 0x30 /* POP 0 */:
        this.pop();
        return;
      case 0x31 /* POP_MARK 1 */:
        this.popMark();
        return;
      case 0x32 /* DUP 2 */:
        this.push(this.top());
        return;
      case 0x46 /* FLOAT F */:
        return this.push(this.parseFloat(this.line()));
      case 0x49 /* INT I */:
        return this.push(this.textInt(this.line()));
      case 0x4a /* BININT J */:
        return this.push(this.view(4).getInt32(0, true));
      case 0x4b /* BININT1 K */:
        return this.push(this.u8());
      case 0x4d /* BININT2 M */:
        return this.push(this.view(2).getUint16(0, true));
      case 0x4c /* LONG L */:
        return this.push(this.parseInt(this.line().replace(/L$/, '')));
      case 0x4e /* NONE N */:
        return this.push(null);
      case 0x50 /* PERSID P */:
        return this.push(this.persistent(this.line()));
      case 0x51 /* BINPERSID Q */:
        return this.push(this.persistent(this.pop()));
      case 0x52 /* REDUCE R */: {
        const args = this.pop();
        return this.push(this.construct(this.pop(), this.tupleArgs(args), 'call'));
      }
      case 0x53 /* STRING S */:
        return this.push(utf8.decode(unescapeString(this.line(), this.fail)));
      case 0x54 /* BINSTRING T */:
        return this.push(utf8.decode(this.take(this.length(4))));
      case 0x55 /* SHORT_BINSTRING U */:
        return this.push(utf8.decode(this.take(this.u8())));
      case 0x56 /* UNICODE V */:
        return this.push(rawUnicodeEscape(this.line(), this.fail));
      case 0x58 /* BINUNICODE X */:
        return this.push(utf8.decode(this.take(this.length(4))));
      case 0x61 /* APPEND a */: {
        const value = this.pop();
        return this.append(this.top(), [value]);
      }
      case 0x62 /* BUILD b */: {
        const state = this.pop();
        const target = this.top();
        // Only inert objects keep state; on data (an OrderedDict's attributes) it is dropped.
        if (target instanceof PickleObject) target.state = state;
        return;
      }
      case 0x63 /* GLOBAL c */: {
        const module = this.line();
        return this.push(globalOf(module, this.line()));
      }
      case 0x64 /* DICT d */:
        return this.push(new Map(pairs(this.popMark(), this.fail)));
      case 0x7d /* EMPTY_DICT } */:
        return this.push(new Map());
      case 0x65 /* APPENDS e */: {
        const values = this.popMark();
        return this.append(this.top(), values);
      }
      case 0x67 /* GET g */:
        return this.push(this.memoGet(this.parseIndex(this.line())));
      case 0x68 /* BINGET h */:
        return this.push(this.memoGet(this.u8()));
      case 0x6a /* LONG_BINGET j */:
        return this.push(this.memoGet(this.view(4).getUint32(0, true)));
      case 0x69 /* INST i */: {
        const module = this.line();
        const callable = globalOf(module, this.line());
        return this.push(this.construct(callable, this.popMark(), 'call'));
      }
      case 0x6f /* OBJ o */: {
        const [callable, ...args] = this.popMark();
        if (callable === undefined) this.fail('OBJ without a class');
        return this.push(this.construct(callable, args, 'call'));
      }
      case 0x6c /* LIST l */:
        return this.push(this.popMark());
      case 0x5d /* EMPTY_LIST ] */:
        return this.push([]);
      case 0x70 /* PUT p */:
        return this.memoPut(this.parseIndex(this.line()));
      case 0x71 /* BINPUT q */:
        return this.memoPut(this.u8());
      case 0x72 /* LONG_BINPUT r */:
        return this.memoPut(this.view(4).getUint32(0, true));
      case 0x73 /* SETITEM s */: {
        const value = this.pop();
        const key = this.pop();
        return this.setItems(this.top(), [key, value]);
      }
      case 0x75 /* SETITEMS u */: {
        const values = this.popMark();
        return this.setItems(this.top(), values);
      }
      case 0x74 /* TUPLE t */:
        return this.push(tuple(this.popMark()));
      case 0x29 /* EMPTY_TUPLE ) */:
        return this.push(tuple([]));
      case 0x47 /* BINFLOAT G */:
        return this.push(this.view(8).getFloat64(0, false));
      // Protocol 2.
      case 0x80 /* PROTO */: {
        const version = this.u8();
        if (version > 5) this.fail(`pickle protocol ${version} is newer than 5`);
        return;
      }
      case 0x81 /* NEWOBJ */: {
        const args = this.pop();
        return this.push(this.construct(this.pop(), this.tupleArgs(args), 'new'));
      }
      case 0x82 /* EXT1 */:
      case 0x83 /* EXT2 */:
      case 0x84 /* EXT4 */:
        return this.fail('pickle uses the copyreg extension registry (EXT opcodes), which is not supported');
      case 0x85 /* TUPLE1 */:
        return this.push(tuple(this.popN(1)));
      case 0x86 /* TUPLE2 */:
        return this.push(tuple(this.popN(2)));
      case 0x87 /* TUPLE3 */:
        return this.push(tuple(this.popN(3)));
      case 0x88 /* NEWTRUE */:
        return this.push(true);
      case 0x89 /* NEWFALSE */:
        return this.push(false);
      case 0x8a /* LONG1 */:
        return this.push(littleEndianInt(this.take(this.u8())));
      case 0x8b /* LONG4 */:
        return this.push(littleEndianInt(this.take(this.length(4))));
      // Protocol 3.
      case 0x42 /* BINBYTES B */:
        return this.push(this.take(this.length(4)).slice());
      case 0x43 /* SHORT_BINBYTES C */:
        return this.push(this.take(this.u8()).slice());
      // Protocol 4.
      case 0x8c /* SHORT_BINUNICODE */:
        return this.push(utf8.decode(this.take(this.u8())));
      case 0x8d /* BINUNICODE8 */:
        return this.push(utf8.decode(this.take(this.length(8))));
      case 0x8e /* BINBYTES8 */:
        return this.push(this.take(this.length(8)).slice());
      case 0x8f /* EMPTY_SET */:
        return this.push(new Set());
      case 0x90 /* ADDITEMS */: {
        const values = this.popMark();
        const target = this.top();
        if (!(target instanceof Set)) this.fail('ADDITEMS on something that is not a set');
        for (const v of values) target.add(v);
        return;
      }
      case 0x91 /* FROZENSET */:
        return this.push(new Set(this.popMark()));
      case 0x92 /* NEWOBJ_EX */: {
        const kwargs = this.pop();
        const args = this.tupleArgs(this.pop());
        const callable = this.pop();
        const hasKwargs = !(kwargs instanceof Map) || kwargs.size > 0;
        // Keyword arguments do not fit the data constructors: keep such objects inert.
        return this.push(hasKwargs ? new PickleObject(callable, args) : this.construct(callable, args, 'new'));
      }
      case 0x93 /* STACK_GLOBAL */: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        return this.push(globalOf(module, name));
      }
      case 0x94 /* MEMOIZE */:
        return this.memoPut(this.memo.size);
      case 0x95 /* FRAME */:
        // Frames only group opcodes for buffered reading; check the length and read on.
        this.length(8);
        return;
      // Protocol 5.
      case 0x96 /* BYTEARRAY8 */:
        return this.push(this.take(this.length(8)).slice());
      case 0x97 /* NEXT_BUFFER */:
      case 0x98 /* READONLY_BUFFER */:
        return this.fail('pickle uses out-of-band buffers (protocol 5 NEXT_BUFFER), which a file cannot provide');
      default:
        return this.fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }

  /**
   * REDUCE, INST, OBJ ('call': Python would call `callable`) and NEWOBJ ('new': Python would
   * make a bare instance of the class, as for whole pickled modules): an allowlisted
   * constructor builds data; anything else stays inert, or fails with refuseCalls.
   */
  private construct(callable: PickleValue, args: readonly PickleValue[], how: 'call' | 'new'): PickleValue {
    const name = callable instanceof PickleGlobal ? callable.qualifiedName : undefined;
    const constructor =
      name === undefined ? undefined : (BUILTIN_CONSTRUCTORS.get(name) ?? this.options.constructors?.get(name));
    if (constructor) return constructor(args, this.fail);
    if (how === 'call' && this.options.refuseCalls && !DATA_CLASSES.has(name ?? ''))
      this.fail(
        `pickle global ${name ?? '(not a global)'} is not allowed (a call outside the allowlist; nothing was run)`,
      );
    return new PickleObject(callable, args);
  }

  private persistent(pid: PickleValue): PickleValue {
    if (!this.options.persistentLoad) return this.fail('pickle has a persistent id where none is expected');
    return this.options.persistentLoad(pid, this.fail);
  }

  private append(target: PickleValue, values: PickleValue[]): void {
    const list = target instanceof PickleObject ? target.elements : target;
    if (!Array.isArray(list) || Object.isFrozen(list)) return this.fail('APPEND to something that is not a list');
    for (const v of values) list.push(v);
  }

  private setItems(target: PickleValue, keysAndValues: PickleValue[]): void {
    const map = target instanceof PickleObject ? target.items : target;
    if (!(map instanceof Map)) return this.fail('SETITEM on something that is not a dict');
    for (const [k, v] of pairs(keysAndValues, this.fail)) map.set(k, v);
  }

  private tupleArgs(args: PickleValue): readonly PickleValue[] {
    if (!Array.isArray(args)) return this.fail('REDUCE/NEWOBJ arguments are not a tuple');
    return args;
  }

  private memoGet(index: number): PickleValue {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`pickle refers to memo entry ${index}, which was never stored`);
    return value as PickleValue;
  }

  private memoPut(index: number): void {
    if (this.memo.size >= MAX_MEMO && !this.memo.has(index)) this.fail(`more than ${MAX_MEMO} pickle memo entries`);
    this.memo.set(index, this.top());
  }

  private push(value: PickleValue): void {
    this.stack.push(value);
  }

  /** Values below the innermost MARK are out of reach, as in Python's per-mark stacks. */
  private needs(n: number): void {
    if (this.stack.length - n < (this.marks.at(-1) ?? 0)) this.fail('pickle stack underflow');
  }

  private pop(): PickleValue {
    this.needs(1);
    return this.stack.pop() as PickleValue;
  }

  private top(): PickleValue {
    this.needs(1);
    return this.stack[this.stack.length - 1];
  }

  private popN(n: number): PickleValue[] {
    this.needs(n);
    return this.stack.splice(this.stack.length - n, n);
  }

  private popMark(): PickleValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) return this.fail('pickle pops a MARK that was never set');
    return this.stack.splice(mark);
  }

  /** `n` input bytes (a view, not a copy); the input ending first is truncation. */
  private take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) {
      throw new PickleTruncatedError(
        this.options.path,
        `truncated pickle: needs ${n} bytes at byte ${this.pos}, only ${this.bytes.length - this.pos} remain`,
        this.pos + n,
      );
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private u8(): number {
    return this.take(1)[0];
  }

  private view(n: number): DataView {
    const b = this.take(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  /** A length field of `n` bytes; lengths past the end of input fail in take(). */
  private length(n: 4 | 8): number {
    const view = this.view(n);
    const length = n === 4 ? view.getUint32(0, true) : Number(view.getBigUint64(0, true));
    if (length > this.bytes.length - this.pos) this.take(length);
    return length;
  }

  /** A protocol-0 text argument, up to the newline. */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    const text = this.take((end < 0 ? this.bytes.length + 1 : end + 1) - this.pos);
    return Buffer.from(text.buffer, text.byteOffset, text.length - 1).toString('latin1');
  }

  private textInt(text: string): PickleValue {
    // Protocol 0 writes True and False as I01 and I00.
    if (text === '01') return true;
    if (text === '00') return false;
    return this.parseInt(text);
  }

  private parseInt(text: string): number | bigint {
    if (!/^[+-]?\d+$/.test(text)) return this.fail(`"${text.slice(0, 40)}" is not an integer`);
    return normalizeInt(BigInt(text));
  }

  private parseIndex(text: string): number {
    const n = this.parseInt(text);
    if (typeof n !== 'number' || n < 0) return this.fail(`bad memo index "${text.slice(0, 40)}"`);
    return n;
  }

  private parseFloat(text: string): number {
    // Python writes infinities as inf, which Number() does not read.
    const n = Number(text.replace(/inf$/i, 'Infinity'));
    if (Number.isNaN(n) && !/^[+-]?nan$/i.test(text)) return this.fail(`"${text.slice(0, 40)}" is not a float`);
    return n;
  }
}

/** Tuples are frozen arrays: a pickle cannot APPEND to them. */
function tuple(items: PickleValue[]): PickleValue[] {
  Object.freeze(items);
  return items;
}

function globalOf(module: string, name: string): PickleGlobal {
  // Python 2 pickles (old torch checkpoints) name the builtins module __builtin__.
  return new PickleGlobal(module === '__builtin__' ? 'builtins' : module, name);
}

/** Python's int, as a number when it fits exactly. */
function normalizeInt(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** LONG1/LONG4: little-endian two's complement. */
function littleEndianInt(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, '0');
  let n = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1] & 0x80) n -= 1n << BigInt(8 * bytes.length);
  return normalizeInt(n);
}

function pairs(flat: readonly PickleValue[], fail: Fail): [PickleValue, PickleValue][] {
  if (flat.length % 2) fail('dict items come in an odd number');
  const out: [PickleValue, PickleValue][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function itemsOf(value: PickleValue, fail: Fail): PickleValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Set) return [...value];
  return fail('expected a list, tuple or set');
}

function pairsOf(value: PickleValue, fail: Fail): [PickleValue, PickleValue][] {
  if (value instanceof Map) return [...value];
  return itemsOf(value, fail).map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail('expected (key, value) pairs');
    return [pair[0], pair[1]] as [PickleValue, PickleValue];
  });
}

/** bytes(), bytes(b"..."), bytearray(b"...") and _codecs.encode("...", "latin1"). */
function bytesOf(args: readonly PickleValue[], fail: Fail): Uint8Array {
  const [data, encoding] = args;
  if (data === undefined) return new Uint8Array();
  if (data instanceof Uint8Array) return data.slice();
  if (typeof data === 'string' && (encoding === 'latin1' || encoding === 'latin-1')) {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c > 0xff) fail('a latin1 string has a character above U+00FF');
      out[i] = c;
    }
    return out;
  }
  return fail('bytes from something other than bytes or a latin1 string');
}

/** The STRING opcode's argument: a quoted Python 2 string literal with backslash escapes. */
function unescapeString(text: string, fail: Fail): Uint8Array {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text.at(-1) !== quote)
    fail('STRING argument is not quoted');
  const body = text.slice(1, -1);
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      out.push(body.charCodeAt(i) & 0xff);
      continue;
    }
    const c = body[++i];
    if (c === undefined) fail('STRING argument ends with a backslash');
    const octal = /^[0-7]{1,3}/.exec(body.slice(i, i + 3));
    if (c === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (octal) {
      out.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length - 1;
    } else if (c in simple) out.push(simple[c]);
    else if (c !== '\n') out.push(92, body.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(out);
}

/** The UNICODE opcode's argument: latin1 text with \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(text: string, fail: Fail): string {
  return text.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_, u: string | undefined, big: string | undefined) => {
      const code = parseInt(u ?? big ?? '', 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : fail(`\\U${big} is not a character`);
    },
  );
}
