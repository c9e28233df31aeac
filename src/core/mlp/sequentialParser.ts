// Finds PyTorch `nn.Sequential(...)` calls in Python source and tells whether each is
// the network the hyperplane trainer builds: Linear(2, H) → ReLU|Tanh|Sigmoid → Linear(H, 2).
// Reads tokens, never runs anything. Policy (shown as CodeLenses):
// - a Sequential made only of Linear layers and element-wise activations is an MLP:
//   it is `trainable` when it has that exact shape, else `untrainable` with the reason;
// - a Sequential holding anything else (convolutions, dropout, variables, `*layers`,
//   an OrderedDict…) is clearly not such an MLP and is not reported at all.
import { LIMITS, type Activation } from './config';

export type SequentialMatch =
  | { kind: 'trainable'; start: number; end: number; hidden: number; activation: Activation }
  | { kind: 'untrainable'; start: number; end: number; reason: string };

/** Every `nn.Sequential(...)` (or `torch.nn.Sequential`) of `source` that is an MLP, in order. */
export function findSequentials(source: string): SequentialMatch[] {
  const tokens = tokenize(source);
  const names = integerAssignments(tokens);
  const matches: SequentialMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = readCall(tokens, i);
    if (!call || !SEQUENTIAL_NAMES.has(call.name)) continue;
    const layers = readLayers(source, tokens, call);
    if (!layers) continue;
    const { start } = tokens[i];
    const end = tokens[call.close].end;
    matches.push({ ...judge(layers, (size) => resolve(size, names, start)), start, end });
  }
  return matches;
}

// ---------------------------------------------------------------------------------
// Tokens

interface Token {
  kind: 'name' | 'number' | 'string' | 'op';
  text: string;
  start: number;
  end: number;
  /** First token of a logical line (outside brackets): where statements begin. */
  lineStart: boolean;
}

const TOKEN_PATTERNS: [Token['kind'] | 'skip' | 'newline', RegExp][] = [
  ['newline', /\r\n?|\n/y],
  ['skip', /[ \t\f]+|#[^\r\n]*|\\\r?\n/y],
  // Any prefix (r, b, f, u…), triple or single quotes; unterminated strings run to the end.
  [
    'string',
    /[A-Za-z]{0,2}(?:'''[\s\S]*?(?:'''|$)|"""[\s\S]*?(?:"""|$)|'(?:\\.|[^'\\\r\n])*'?|"(?:\\.|[^"\\\r\n])*"?)/y,
  ],
  ['name', /[\p{L}_][\p{L}\p{N}_]*/uy],
  ['number', /0[xXoObB][\da-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?[jJ]?|\.\d+/y],
  ['op', /\*\*=?|\/\/=?|>>=?|<<=?|->|[-+*/%&|^@:<>=!]=|[^\s]/y],
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let depth = 0;
  let lineStart = true;
  while (pos < source.length) {
    const [kind, text] = nextToken(source, pos);
    const start = pos;
    pos += text.length;
    if (kind === 'newline') lineStart ||= depth === 0;
    if (kind === 'newline' || kind === 'skip') continue;
    if (kind === 'op' && '([{'.includes(text)) depth++;
    if (kind === 'op' && ')]}'.includes(text)) depth = Math.max(0, depth - 1);
    tokens.push({ kind, text, start, end: pos, lineStart });
    lineStart = kind === 'op' && text === ';';
  }
  return tokens;
}

function nextToken(source: string, pos: number): [Token['kind'] | 'skip' | 'newline', string] {
  for (const [kind, pattern] of TOKEN_PATTERNS) {
    pattern.lastIndex = pos;
    const match = pattern.exec(source);
    if (match && match[0].length > 0) return [kind, match[0]];
  }
  return ['op', source[pos]];
}

// ---------------------------------------------------------------------------------
// Calls: a dotted name, then a parenthesised argument list split at top-level commas

interface Call {
  /** The dotted name, e.g. `torch.nn.Linear`. */
  name: string;
  /** Token ranges [from, to) of the arguments. */
  args: [number, number][];
  /** Index of the closing parenthesis. */
  close: number;
}

const SEQUENTIAL_NAMES = new Set(['nn.Sequential', 'torch.nn.Sequential']);
const LAYER_PREFIXES = new Set(['', 'nn.', 'torch.nn.']);

/** The call starting at token `i`, if a dotted name begins there (not mid-name) and is called. */
function readCall(tokens: Token[], i: number): Call | undefined {
  if (tokens[i]?.kind !== 'name' || tokens[i - 1]?.text === '.') return undefined;
  let j = i;
  const parts = [tokens[j].text];
  while (tokens[j + 1]?.text === '.' && tokens[j + 2]?.kind === 'name') {
    j += 2;
    parts.push(tokens[j].text);
  }
  if (tokens[j + 1]?.text !== '(') return undefined;
  const args: [number, number][] = [];
  let depth = 0;
  let from = j + 2;
  for (let k = j + 1; k < tokens.length; k++) {
    const { kind, text } = tokens[k];
    if (kind === 'op' && '([{'.includes(text)) depth++;
    else if (kind === 'op' && ')]}'.includes(text)) depth--;
    if ((depth === 1 && text === ',') || depth === 0) {
      if (k > from) args.push([from, k]);
      from = k + 1;
    }
    if (depth === 0) return { name: parts.join('.'), args, close: k };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------
// Layers

/** A size argument: an integer literal, a bare name, or any other expression (its text). */
type SizeArg = { value: number } | { name: string } | { expression: string } | undefined;

type Layer =
  { kind: 'linear'; inFeatures: SizeArg; outFeatures: SizeArg; bias: boolean } | { kind: 'activation'; name: string };

/** Element-wise layers an MLP may hold; only ACTIVATION_LAYERS can be trained. */
const ELEMENTWISE = new Set(
  (
    'ReLU Tanh Sigmoid LeakyReLU PReLU ReLU6 ELU SELU CELU GELU SiLU Mish Softplus Softsign Hardtanh Hardsigmoid ' +
    'Hardswish Tanhshrink LogSigmoid Softmax LogSoftmax'
  ).split(' '),
);
const ACTIVATION_LAYERS: Record<string, Activation> = { ReLU: 'relu', Tanh: 'tanh', Sigmoid: 'sigmoid' };

/** The Sequential's layers, or undefined if any argument is not a Linear or element-wise layer. */
function readLayers(source: string, tokens: Token[], sequential: Call): Layer[] | undefined {
  const layers: Layer[] = [];
  for (const [from, to] of sequential.args) {
    const call = readCall(tokens, from);
    if (!call || call.close !== to - 1) return undefined;
    const dot = call.name.lastIndexOf('.') + 1;
    const [prefix, kind] = [call.name.slice(0, dot), call.name.slice(dot)];
    if (!LAYER_PREFIXES.has(prefix)) return undefined;
    if (kind === 'Linear') layers.push(readLinear(source, tokens, call));
    else if (ELEMENTWISE.has(kind)) layers.push({ kind: 'activation', name: kind });
    else return undefined;
  }
  return layers.some((l) => l.kind === 'linear') ? layers : undefined;
}

function readLinear(source: string, tokens: Token[], call: Call): Layer {
  const positional: SizeArg[] = [];
  const keywords = new Map<string, SizeArg>();
  let bias = true;
  for (const [from, to] of call.args) {
    const isKeyword = tokens[from].kind === 'name' && tokens[from + 1]?.text === '=' && to > from + 2;
    const value = readSize(source, tokens, isKeyword ? from + 2 : from, to);
    if (!isKeyword) positional.push(value);
    else if (tokens[from].text === 'bias') bias = !(to === from + 3 && tokens[from + 2].text === 'False');
    else keywords.set(tokens[from].text, value);
  }
  return {
    kind: 'linear',
    inFeatures: keywords.get('in_features') ?? positional[0],
    outFeatures: keywords.get('out_features') ?? positional[1],
    bias,
  };
}

function readSize(source: string, tokens: Token[], from: number, to: number): SizeArg {
  const token = tokens[from];
  const literal = intLiteral(token);
  if (to === from + 1 && literal !== undefined) return { value: literal };
  if (to === from + 1 && token.kind === 'name') return { name: token.text };
  return { expression: source.slice(token.start, tokens[to - 1].end) };
}

/** The value of a decimal integer literal token (`20`, `1_000`). */
function intLiteral(token: Token | undefined): number | undefined {
  return token?.kind === 'number' && /^\d[\d_]*$/.test(token.text) ? Number(token.text.replaceAll('_', '')) : undefined;
}

// ---------------------------------------------------------------------------------
// Names: `nb_hidden = 20` (or `nb_hidden: int = 20`) as a whole statement

type Assignments = Map<string, { offset: number; value: number | undefined }[]>;

/** Every simple assignment of a name, with its integer value (undefined if not a literal). */
function integerAssignments(tokens: Token[]): Assignments {
  const found: Assignments = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.lineStart || t.kind !== 'name') continue;
    const annotated = tokens[i + 1]?.text === ':' && tokens[i + 2]?.kind === 'name';
    const eq = annotated ? i + 3 : i + 1;
    if (tokens[eq]?.text !== '=') continue;
    const value = tokens[eq + 1];
    const endsStatement = !tokens[eq + 2] || tokens[eq + 2].lineStart || tokens[eq + 2].text === ';';
    const list = found.get(t.text) ?? [];
    list.push({ offset: t.start, value: endsStatement ? intLiteral(value) : undefined });
    found.set(t.text, list);
  }
  return found;
}

type Resolved = { value: number } | { problem: string };

/** A size's integer value: a literal, or the name's last assignment before `offset` (else its first). */
function resolve(size: SizeArg, names: Assignments, offset: number): Resolved {
  if (!size) return { problem: 'is missing' };
  if ('value' in size) return size;
  if ('expression' in size) return { problem: `"${size.expression}" is not an integer or a name` };
  const list = names.get(size.name);
  if (!list) return { problem: `${size.name} is not assigned in this file` };
  const before = list.filter((a) => a.offset < offset);
  const { value } = before.at(-1) ?? list[0];
  return value === undefined ? { problem: `${size.name} is not assigned an integer literal` } : { value };
}

// ---------------------------------------------------------------------------------
// The verdict

type Verdict = { kind: 'trainable'; hidden: number; activation: Activation } | { kind: 'untrainable'; reason: string };

const SUPPORTED = 'ReLU, Tanh or Sigmoid';

function judge(layers: Layer[], resolveSize: (s: SizeArg) => Resolved): Verdict {
  const untrainable = (reason: string): Verdict => ({ kind: 'untrainable', reason });
  const linears = layers.filter((l) => l.kind === 'linear');
  if (linears.length !== 2) {
    return untrainable(
      `has ${linears.length} Linear layer${linears.length === 1 ? '' : 's'}, needs 2 for one hidden layer`,
    );
  }
  const [first, act, second, ...rest] = layers;
  if (first.kind !== 'linear') return untrainable(`starts with ${describe(first)}, needs Linear(2, H)`);
  if (act.kind !== 'activation') return untrainable(`has no activation between the Linear layers, needs ${SUPPORTED}`);
  if (second.kind !== 'linear') return untrainable('has more than one activation between the Linear layers');
  if (rest.length > 0)
    return untrainable(`ends with ${describe(rest[0])} after the last Linear; the trainer's loss applies the softmax`);
  if (!Object.hasOwn(ACTIVATION_LAYERS, act.name)) return untrainable(`activation is ${act.name}, needs ${SUPPORTED}`);
  if (!first.bias || !second.bias) return untrainable('a Linear layer has bias=False; the trainer always uses biases');

  const sizes: [string, SizeArg][] = [
    ['input size', first.inFeatures],
    ['hidden width', first.outFeatures],
    ['hidden width', second.inFeatures],
    ['output size', second.outFeatures],
  ];
  const values: number[] = [];
  for (const [label, size] of sizes) {
    const resolved = resolveSize(size);
    if ('problem' in resolved) return untrainable(`${label} ${resolved.problem}`);
    values.push(resolved.value);
  }
  const [inputs, hidden, hidden2, outputs] = values;
  if (inputs !== 2) return untrainable(`input size is ${inputs}, needs 2`);
  if (outputs !== 2) return untrainable(`output size is ${outputs}, needs 2`);
  if (hidden !== hidden2) return untrainable(`hidden sizes differ: Linear(2, ${hidden}) then Linear(${hidden2}, 2)`);
  const { min, max } = LIMITS.hidden;
  if (hidden < min || hidden > max) return untrainable(`hidden width ${hidden} is outside ${min}..${max}`);
  return { kind: 'trainable', hidden, activation: ACTIVATION_LAYERS[act.name] };
}

function describe(layer: Layer): string {
  return layer.kind === 'linear' ? 'Linear' : layer.name;
}
