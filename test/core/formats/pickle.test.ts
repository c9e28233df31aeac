import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  MAX_MARKS,
  PickleGlobal,
  PickleObject,
  PickleTruncatedError,
  type PickleValue,
  type UnpickleOptions,
  unpickle,
} from '../../../src/core/formats/pickle';
import { WeightFileError } from '../../../src/core/formats/weightFile';

const PATH = 'test.pkl';
const load = (bytes: Uint8Array, options: Partial<UnpickleOptions> = {}): PickleValue =>
  unpickle(bytes, { path: PATH, ...options }).value;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
/** Builds a pickle from latin1 text and byte arrays. */
const bytesOf = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
/** Asserts a WeightFileError naming the file whose message matches. */
const throwsPickle = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof WeightFileError && e.path === PATH && message.test(e.message));

// Python: pickle.dumps(obj, protocol=N) with /usr/bin/python3 (3.11) for
//   shared = [1, 2]
//   obj = {'none': None, 'true': True, 'false': False,
//     'ints': [0, 1, 255, 256, 65535, 65536, -1, 2**31-1, -2**31, 2**31, 2**53, 2**70, -2**70],
//     'floats': [1.5, -0.0, float('inf'), 1e300],
//     'strs': ['', 'abc', 'h\xe9llo \u2713 \U0001F600', 'a\nb\\c\'"'],
//     'bytes': b'\x00\x01\xff', 'bytearray': bytearray(b'xy'),
//     'tuples': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
//     'set': {1, 2}, 'frozenset': frozenset({3}),
//     'od': OrderedDict([('b', 1), ('a', 2)]),
//     'shared': [shared, shared], 1: 'int key'}
const PROTOCOLS: Record<number, string> = {
  0: '286470300a566e6f6e650a70310a4e7356747275650a70320a4930310a735666616c73650a70330a4930300a7356696e74730a70340a286c70350a49300a6149310a61493235350a61493235360a614936353533350a614936353533360a61492d310a6149323134373438333634370a61492d323134373438333634380a614c323134373438333634384c0a614c393030373139393235343734303939324c0a614c313138303539313632303731373431313330333432344c0a614c2d313138303539313632303731373431313330333432344c0a617356666c6f6174730a70360a286c70370a46312e350a61462d302e300a6146696e660a614631652b3330300a617356737472730a70380a286c70390a560a7031300a61566162630a7031310a615668e96c6c6f205c7532373133205c5530303031663630300a7031320a6156615c7530303061625c75303035636327220a7031330a61735662797465730a7031340a635f636f646563730a656e636f64650a7031350a28565c753030303001ff0a7031360a566c6174696e310a7031370a747031380a527031390a73566279746561727261790a7032300a635f5f6275696c74696e5f5f0a6279746561727261790a7032310a286731350a285678790a7032320a6731370a747032330a527032340a747032350a527032360a73567475706c65730a7032370a286c7032380a2874612849310a747032390a612849310a49320a747033300a612849310a49320a49330a747033310a612849310a49320a49330a49340a747033320a6173567365740a7033330a635f5f6275696c74696e5f5f0a7365740a7033340a28286c7033350a49310a6149320a61747033360a527033370a735666726f7a656e7365740a7033380a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7033390a28286c7034300a49330a61747034310a527034320a73566f640a7034330a63636f6c6c656374696f6e730a4f726465726564446963740a7034340a2874527034350a56620a7034360a49310a7356610a7034370a49320a7373567368617265640a7034380a286c7034390a286c7035300a49310a6149320a61616735300a617349310a56696e74206b65790a7035310a732e',
  1: '7d71002858040000006e6f6e6571014e58040000007472756571024930310a580500000066616c736571034930300a5804000000696e747371045d7105284b004b014bff4d00014dffff4a000001004affffffff4affffff7f4a000000804c323134373438333634384c0a4c393030373139393235343734303939324c0a4c313138303539313632303731373431313330333432344c0a4c2d313138303539313632303731373431313330333432344c0a655806000000666c6f61747371065d710728473ff8000000000000478000000000000000477ff0000000000000477e37e43c8800759c6558040000007374727371085d7109285800000000710a5803000000616263710b580f00000068c3a96c6c6f20e29c9320f09f9880710c5807000000610a625c632722710d6558050000006279746573710e635f636f646563730a656e636f64650a710f2858040000000001c3bf711058060000006c6174696e31711174711252711358090000006279746561727261797114635f5f6275696c74696e5f5f0a6279746561727261790a711528680f28580200000078797116681174711752711874711952711a58060000007475706c6573711b5d711c2829284b0174711d284b014b0274711e284b014b024b0374711f284b014b024b034b047471206558030000007365747121635f5f6275696c74696e5f5f0a7365740a7122285d7123284b014b0265747124527125580900000066726f7a656e7365747126635f5f6275696c74696e5f5f0a66726f7a656e7365740a7127285d71284b036174712952712a58020000006f64712b63636f6c6c656374696f6e730a4f726465726564446963740a712c2952712d28580100000062712e4b01580100000061712f4b0275580600000073686172656471305d7131285d7132284b014b02656832654b015807000000696e74206b65797133752e',
  2: '80027d71002858040000006e6f6e6571014e580400000074727565710288580500000066616c73657103895804000000696e747371045d7105284b004b014bff4d00014dffff4a000001004affffffff4affffff7f4a000000808a0500000080008a07000000000000208a090000000000000000408a090000000000000000c0655806000000666c6f61747371065d710728473ff8000000000000478000000000000000477ff0000000000000477e37e43c8800759c6558040000007374727371085d7109285800000000710a5803000000616263710b580f00000068c3a96c6c6f20e29c9320f09f9880710c5807000000610a625c632722710d6558050000006279746573710e635f636f646563730a656e636f64650a710f58040000000001c3bf711058060000006c6174696e31711186711252711358090000006279746561727261797114635f5f6275696c74696e5f5f0a6279746561727261790a7115680f580200000078797116681186711752711885711952711a58060000007475706c6573711b5d711c28294b0185711d4b014b0286711e4b014b024b0387711f284b014b024b034b047471206558030000007365747121635f5f6275696c74696e5f5f0a7365740a71225d7123284b014b0265857124527125580900000066726f7a656e7365747126635f5f6275696c74696e5f5f0a66726f7a656e7365740a71275d71284b036185712952712a58020000006f64712b63636f6c6c656374696f6e730a4f726465726564446963740a712c2952712d28580100000062712e4b01580100000061712f4b0275580600000073686172656471305d7131285d7132284b014b02656832654b015807000000696e74206b65797133752e',
  3: '80037d71002858040000006e6f6e6571014e580400000074727565710288580500000066616c73657103895804000000696e747371045d7105284b004b014bff4d00014dffff4a000001004affffffff4affffff7f4a000000808a0500000080008a07000000000000208a090000000000000000408a090000000000000000c0655806000000666c6f61747371065d710728473ff8000000000000478000000000000000477ff0000000000000477e37e43c8800759c6558040000007374727371085d7109285800000000710a5803000000616263710b580f00000068c3a96c6c6f20e29c9320f09f9880710c5807000000610a625c632722710d6558050000006279746573710e43030001ff710f58090000006279746561727261797110636275696c74696e730a6279746561727261790a711143027879711285711352711458060000007475706c657371155d711628294b018571174b014b028671184b014b024b03877119284b014b024b034b0474711a655803000000736574711b636275696c74696e730a7365740a711c5d711d284b014b026585711e52711f580900000066726f7a656e7365747120636275696c74696e730a66726f7a656e7365740a71215d71224b036185712352712458020000006f64712563636f6c6c656374696f6e730a4f726465726564446963740a7126295271272858010000006271284b0158010000006171294b02755806000000736861726564712a5d712b285d712c284b014b0265682c654b015807000000696e74206b6579712d752e',
  4: '800495ad010000000000007d94288c046e6f6e65944e8c047472756594888c0566616c736594898c04696e7473945d94284b004b014bff4d00014dffff4a000001004affffffff4affffff7f4a000000808a0500000080008a07000000000000208a090000000000000000408a090000000000000000c0658c06666c6f617473945d9428473ff8000000000000478000000000000000477ff0000000000000477e37e43c8800759c658c0473747273945d94288c00948c03616263948c0f68c3a96c6c6f20e29c9320f09f9880948c07610a625c63272294658c0562797465739443030001ff948c09627974656172726179948c086275696c74696e73948c096279746561727261799493944302787994859452948c067475706c6573945d9428294b0185944b014b0286944b014b024b038794284b014b024b034b047494658c03736574948f94284b014b02908c0966726f7a656e73657494284b0391948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0162944b018c0161944b02758c06736861726564945d94285d94284b014b0265682a654b018c07696e74206b657994752e',
  5: '80059597010000000000007d94288c046e6f6e65944e8c047472756594888c0566616c736594898c04696e7473945d94284b004b014bff4d00014dffff4a000001004affffffff4affffff7f4a000000808a0500000080008a07000000000000208a090000000000000000408a090000000000000000c0658c06666c6f617473945d9428473ff8000000000000478000000000000000477ff0000000000000477e37e43c8800759c658c0473747273945d94288c00948c03616263948c0f68c3a96c6c6f20e29c9320f09f9880948c07610a625c63272294658c0562797465739443030001ff948c09627974656172726179949602000000000000007879948c067475706c6573945d9428294b0185944b014b0286944b014b024b038794284b014b024b034b047494658c03736574948f94284b014b02908c0966726f7a656e73657494284b0391948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0162944b018c0161944b02758c06736861726564945d94285d94284b014b02656825654b018c07696e74206b657994752e',
};

const shared = [1, 2];
const EXPECTED = new Map<PickleValue, PickleValue>([
  ['none', null],
  ['true', true],
  ['false', false],
  ['ints', [0, 1, 255, 256, 65535, 65536, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2n ** 53n, 2n ** 70n, -(2n ** 70n)]],
  ['floats', [1.5, -0, Infinity, 1e300]],
  ['strs', ['', 'abc', 'h\u00e9llo \u2713 \u{1F600}', 'a\nb\\c\'"']],
  ['bytes', Uint8Array.of(0, 1, 255)],
  ['bytearray', Uint8Array.of(0x78, 0x79)],
  ['tuples', [[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4]]],
  ['set', new Set([1, 2])],
  ['frozenset', new Set([3])],
  [
    'od',
    new Map([
      ['b', 1],
      ['a', 2],
    ]),
  ],
  ['shared', [shared, shared]],
  [1, 'int key'],
]);

describe('unpickle: Python data at every protocol', () => {
  for (const [protocol, data] of Object.entries(PROTOCOLS)) {
    it(`decodes protocol ${protocol} like Python`, () => {
      const value = load(hex(data)) as Map<PickleValue, PickleValue>;
      assert.deepEqual(value, EXPECTED);
      const [first, second] = value.get('shared') as PickleValue[];
      assert.equal(first, second, 'the memo keeps shared objects shared');
      const tuples = value.get('tuples') as PickleValue[];
      assert.ok(!Object.isFrozen(tuples) && Object.isFrozen(tuples[1]), 'lists are mutable, tuples frozen');
    });
  }

  it('returns where the pickle ends, and starts where told', () => {
    const one = hex(PROTOCOLS[2]);
    const two = new Uint8Array([...one, ...bytesOf('\x80\x02K\x07.')]);
    const first = unpickle(two, { path: PATH });
    assert.equal(first.end, one.length);
    assert.equal(unpickle(two, { path: PATH, start: first.end }).value, 7);
  });
});

describe('unpickle: objects stay inert', () => {
  // pickle.dumps(Thing(), protocol=0 / 2) for class Thing: def __init__(s): s.a = 1; s.b = [2]
  const state = new Map<PickleValue, PickleValue>([
    ['a', 1],
    ['b', [2]],
  ]);

  it('protocol 0 copy_reg._reconstructor + BUILD', () => {
    const thing = load(
      hex(
        '63636f70795f7265670a5f7265636f6e7374727563746f720a70300a28635f5f6d61696e5f5f0a5468696e670a70310a635f5f6275696c74696e5f5f0a6f626a6563740a70320a4e7470330a5270340a286470350a56610a70360a49310a7356620a70370a286c70380a49320a6173622e',
      ),
    );
    assert.ok(thing instanceof PickleObject);
    assert.deepEqual(thing.callable, new PickleGlobal('copy_reg', '_reconstructor'));
    assert.deepEqual(thing.args, [new PickleGlobal('__main__', 'Thing'), new PickleGlobal('builtins', 'object'), null]);
    assert.deepEqual(thing.state, state);
  });

  it('protocol 2 NEWOBJ + BUILD', () => {
    const thing = load(
      hex(
        '8002635f5f6d61696e5f5f0a5468696e670a7100298171017d71022858010000006171034b0158010000006271045d71054b026175622e',
      ),
    );
    assert.ok(thing instanceof PickleObject);
    assert.deepEqual(thing.callable, new PickleGlobal('__main__', 'Thing'));
    assert.deepEqual(thing.args, []);
    assert.deepEqual(thing.state, state);
  });

  it('protocol 4 NEWOBJ_EX, FRAME, MEMOIZE, STACK_GLOBAL', () => {
    // class Kw: def __getnewargs_ex__(s): return ((1,), {'k': 2})
    const kw = load(hex('80049522000000000000008c085f5f6d61696e5f5f948c024b779493944b0185947d948c016b944b027392942e'));
    assert.ok(kw instanceof PickleObject);
    assert.deepEqual(kw.callable, new PickleGlobal('__main__', 'Kw'));
    assert.deepEqual(kw.args, [1]);
  });

  it('INST and OBJ (protocols 0 and 1) build inert objects too', () => {
    const inst = load(bytesOf('(K\x01imod\nCls\n.'));
    const obj = load(bytesOf('(cmod\nCls\nK\x01o.'));
    for (const value of [inst, obj]) {
      assert.ok(value instanceof PickleObject);
      assert.deepEqual(value.callable, new PickleGlobal('mod', 'Cls'));
      assert.deepEqual(value.args, [1]);
    }
  });

  it('keeps items set or appended on an unknown object', () => {
    const value = load(bytesOf('\x80\x02cmod\nDict\n)RK\x01K\x02sK\x03a.'));
    assert.ok(value instanceof PickleObject);
    assert.deepEqual(value.items, new Map([[1, 2]]));
    assert.deepEqual(value.elements, [3]);
  });

  it('passes persistent ids to the callback (BINPERSID and PERSID)', () => {
    const seen: PickleValue[] = [];
    const persistentLoad = (pid: PickleValue) => (seen.push(pid), 'loaded');
    // Pickler.persistent_id(o) = ('storage', o[1:]) for strings starting with '@'; dump(['@key', 'plain'])
    assert.deepEqual(
      load(hex('80025d710028580700000073746f72616765710158030000006b65797102867103515805000000706c61696e7104652e'), {
        persistentLoad,
      }),
      ['loaded', 'plain'],
    );
    assert.deepEqual(
      load(hex('286c70300a50282773746f72616765272c20276b657927290a6156706c61696e0a70310a612e'), { persistentLoad }),
      ['loaded', 'plain'],
    );
    assert.deepEqual(seen, [['storage', 'key'], "('storage', 'key')"]);
    throwsPickle(() => load(bytesOf('\x80\x02K\x01Q.')), /persistent id/);
  });

  it('uses a caller constructor by qualified name, and only that', () => {
    const constructors = new Map([['mod.make', (args: readonly PickleValue[]) => `made ${String(args[0])}`]]);
    assert.equal(load(bytesOf('\x80\x02cmod\nmake\nK\x05\x85R.'), { constructors }), 'made 5');
    assert.ok(load(bytesOf('\x80\x02cmod\nother\nK\x05\x85R.'), { constructors }) instanceof PickleObject);
  });
});

describe('unpickle: opcodes', () => {
  it('MARK, POP_MARK, DUP, POP', () => assert.equal(load(bytesOf('(K\x01K\x021K\x0320.')), 3));
  it('PUT/GET and LONG_BINPUT/LONG_BINGET', () => {
    assert.equal(load(bytesOf('K\x07p3\n0g3\n.')), 7);
    assert.equal(load(bytesOf('K\x07r', u32(70000), '0j', u32(70000), '.')), 7);
  });
  it('STRING with escapes, SHORT_BINSTRING, BINSTRING', () => {
    assert.equal(load(bytesOf("S'a\\n\\x41\\101\\''\n.")), "a\nAA'");
    assert.equal(load(bytesOf('U\x02hi.')), 'hi');
    assert.equal(load(bytesOf('T', u32(2), 'hi.')), 'hi');
  });
  it('BINUNICODE8, BINBYTES8, BYTEARRAY8, SHORT_BINBYTES, BINBYTES', () => {
    const u64 = (n: number) => [...u32(n), 0, 0, 0, 0];
    assert.equal(load(bytesOf('\x80\x04\x8d', u64(2), 'hi.')), 'hi');
    assert.deepEqual(load(bytesOf('\x80\x04\x8e', u64(2), 'hi.')), Uint8Array.of(0x68, 0x69));
    assert.deepEqual(load(bytesOf('\x80\x05\x96', u64(1), 'h.')), Uint8Array.of(0x68));
    assert.deepEqual(load(bytesOf('\x80\x03C\x01h.')), Uint8Array.of(0x68));
    assert.deepEqual(load(bytesOf('\x80\x03B', u32(1), 'h.')), Uint8Array.of(0x68));
  });
  it('LONG4 and text LONG', () => {
    // pickle.dumps(2**2100 + 1, protocol=2)
    const big = new Uint8Array([...bytesOf('\x80\x02\x8b', u32(263), '\x01'), ...new Uint8Array(261), 0x10, 0x2e]);
    assert.equal(load(big), 2n ** 2100n + 1n);
    assert.equal(load(bytesOf('L-12345678901234567890L\n.')), -12345678901234567890n);
    assert.equal(load(bytesOf('\x80\x02\x8a\x01\xff.')), -1);
  });
  it('APPENDS 300,000 values at once to a list and to an unknown object', () => {
    const many = 'N'.repeat(300_000);
    assert.equal((load(bytesOf('\x80\x02](', many, 'e.')) as PickleValue[]).length, 300_000);
    const object = load(bytesOf('\x80\x02cmod\nList\n)R(', many, 'e.'));
    assert.ok(object instanceof PickleObject && object.elements.length === 300_000);
  });

  it('builds a list nested 200,000 deep without recursion', () => {
    const depth = 200_000;
    const bytes = bytesOf('\x80\x02', ']'.repeat(depth), 'a'.repeat(depth - 1), '.');
    let value = load(bytes);
    let levels = 0;
    while (Array.isArray(value) && value.length) [value, levels] = [value[0], levels + 1];
    assert.equal(levels, depth - 1);
  });
});

describe('unpickle: safety', () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'weight-lens-pickle-')), 'ran');
  const str = (s: string) => ['X', u32(s.length), s] as const;
  const attacks: [string, Uint8Array, string][] = [
    [
      'os.system via GLOBAL + REDUCE',
      bytesOf('\x80\x02cos\nsystem\n', ...str(`touch ${marker}`), '\x85R.'),
      'os.system',
    ],
    [
      'builtins.eval via STACK_GLOBAL + REDUCE',
      bytesOf(
        '\x80\x04\x8c\x08builtins\x8c\x04eval\x93',
        ...str(`__import__('os').system('touch ${marker}')`),
        '\x85R.',
      ),
      'builtins.eval',
    ],
    [
      'subprocess.Popen via NEWOBJ',
      bytesOf('\x80\x02csubprocess\nPopen\n]', ...str('touch'), 'a', ...str(marker), 'a\x85\x81.'),
      'subprocess.Popen',
    ],
    ['posix.system via protocol 0 REDUCE', bytesOf(`cposix\nsystem\n(V${marker}\ntR.`), 'posix.system'],
  ];
  for (const [title, bytes, callable] of attacks) {
    it(`${title} stays an inert object and runs nothing`, () => {
      const value = load(bytes);
      assert.ok(value instanceof PickleObject);
      assert.ok(value.callable instanceof PickleGlobal);
      assert.equal(value.callable.qualifiedName, callable);
      assert.ok(JSON.stringify(value.args).includes(marker));
      assert.equal(existsSync(marker), false);
    });
  }

  it('with refuseCalls, fails on calls outside the allowlist but keeps bare instances inert', () => {
    for (const [, bytes, callable] of attacks.filter(([title]) => !title.includes('NEWOBJ'))) {
      throwsPickle(
        () => load(bytes, { refuseCalls: true }),
        new RegExp(`pickle global ${callable.replace('.', '\\.')} is not allowed`),
      );
    }
    assert.ok(load(attacks[2][1], { refuseCalls: true }) instanceof PickleObject);
    assert.deepEqual(load(bytesOf('\x80\x02ccollections\nOrderedDict\n)R.'), { refuseCalls: true }), new Map());
    assert.equal(existsSync(marker), false);
  });

  it('the same from real Python pickles (pickle.dumps of objects whose __reduce__ names them)', () => {
    const real: [string, string][] = [
      ['posix.system', '800263706f7369780a73797374656d0a7100580c000000746f756368204d41524b455271018571025271032e'],
      [
        'builtins.eval',
        '80049543000000000000008c086275696c74696e73948c046576616c9493948c275f5f696d706f72745f5f28276f7327292e73797374656d2827746f756368204d41524b4552272994859452942e',
      ],
      [
        'subprocess.Popen',
        '80036373756270726f636573730a506f70656e0a71005d7101285805000000746f756368710258060000004d41524b45527103658571045271052e',
      ],
    ];
    for (const [callable, data] of real) {
      const value = load(hex(data));
      assert.ok(value instanceof PickleObject && value.callable instanceof PickleGlobal);
      assert.equal(value.callable.qualifiedName, callable);
    }
  });

  it('keeps __proto__ and constructor as ordinary dict keys', () => {
    // pickle.dumps({'__proto__': {'polluted': True}, 'constructor': 2, 'toString': 3}, protocol=2)
    const value = load(
      hex(
        '80027d71002858090000005f5f70726f746f5f5f71017d71025808000000706f6c6c7574656471038873580b000000636f6e7374727563746f7271044b025808000000746f537472696e6771054b03752e',
      ),
    );
    assert.ok(value instanceof Map);
    assert.deepEqual([...value.keys()], ['__proto__', 'constructor', 'toString']);
    assert.deepEqual(value.get('__proto__'), new Map([['polluted', true]]));
    assert.equal(value.get('constructor'), 2);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(value), Map.prototype);
  });
});

describe('unpickle: bad input fails fast and clearly', () => {
  it(`refuses nesting deeper than ${MAX_MARKS} MARKs (200,000 deep) within a second`, () => {
    const started = performance.now();
    throwsPickle(() => load(bytesOf('\x80\x02', '('.repeat(200_000), 'K\x01.')), /nested more than 10000 levels/);
    assert.ok(performance.now() - started < 1000);
  });

  it('reports every truncation of a real pickle as truncated', () => {
    const whole = hex(PROTOCOLS[2]);
    for (let length = 0; length < whole.length; length++)
      assert.throws(() => load(whole.subarray(0, length)), PickleTruncatedError, `cut at ${length}`);
  });

  it('does not trust huge length fields', () => {
    const started = performance.now();
    const huge = [0xff, 0xff, 0xff, 0xff];
    for (const bytes of [
      bytesOf('X', huge, 'abc.'),
      bytesOf('\x80\x04\x8d', [0, 0, 0, 0, 0, 0, 0, 0x40], 'abc.'),
      bytesOf('\x80\x04\x8e', [...huge, ...huge], 'abc.'),
      bytesOf('\x80\x02\x8b', huge, 'abc.'),
      bytesOf('\x80\x04\x95', [...huge, ...huge], 'N.'),
    ])
      throwsPickle(() => load(bytes), /truncated pickle: needs \d+ bytes/);
    assert.ok(performance.now() - started < 1000, 'fails fast, allocating nothing');
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['an unknown opcode', bytesOf('\x80\x02\xff'), /unknown pickle opcode 0xff \(pickle byte 2\)/],
    ['a memo index never stored', bytesOf('\x80\x02h\x05.'), /memo entry 5, which was never stored/],
    ['out-of-band buffers', bytesOf('\x80\x05\x97.'), /out-of-band buffers/],
    ['the extension registry', bytesOf('\x80\x02\x82\x01.'), /extension registry/],
    ['a protocol from the future', bytesOf('\x80\x06N.'), /protocol 6/],
    ['a stack underflow', bytesOf('\x80\x020.'), /underflow/],
    ['APPEND to a tuple', bytesOf('\x80\x02)K\x01a.'), /not a list/],
    ['SETITEM on a list', bytesOf('\x80\x02]K\x01K\x02s.'), /not a dict/],
    ['STOP with nothing', bytesOf('\x80\x02.'), /empty stack/],
    ['a bad STRING', bytesOf('Sabc\n.'), /not quoted/],
  ];
  for (const [title, bytes, message] of cases) it(`refuses ${title}`, () => throwsPickle(() => load(bytes), message));

  it('never throws anything but WeightFileError on mutated pickles (fuzz)', () => {
    const seeds = Object.values(PROTOCOLS).map(hex);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (seed, edits) => {
          const bytes = seeds[seed].slice();
          for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
          try {
            load(bytes, { persistentLoad: () => null });
          } catch (error) {
            if (!(error instanceof WeightFileError)) throw error;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
