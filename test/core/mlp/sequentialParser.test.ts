import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSequentials, type SequentialMatch } from '../../../src/core/mlp/sequentialParser';

type WithoutRange<T> = T extends unknown ? Omit<T, 'start' | 'end'> : never;

/** The verdicts without offsets, for compact expectations. */
function verdicts(source: string): WithoutRange<SequentialMatch>[] {
  return findSequentials(source).map(({ start: _s, end: _e, ...rest }) => rest);
}

function reasonOf(source: string): string {
  const [match] = findSequentials(source);
  assert.equal(match?.kind, 'untrainable', `expected an untrainable match in ${source}`);
  return match.reason;
}

const LECTURE = `import torch
from torch import nn

nb_hidden = 20
model = nn.Sequential(
    nn.Linear(2, nb_hidden),
    nn.ReLU(),
    nn.Linear(nb_hidden, 2)
)
`;

test('the lecture network is trainable, with its name resolved', () => {
  assert.deepEqual(verdicts(LECTURE), [{ kind: 'trainable', hidden: 20, activation: 'relu' }]);
});

test('the range covers the call from nn.Sequential to its closing parenthesis', () => {
  const [match] = findSequentials(LECTURE);
  assert.equal(
    LECTURE.slice(match.start, match.end),
    LECTURE.slice(LECTURE.indexOf('nn.Sequential'), LECTURE.lastIndexOf(')') + 1),
  );
});

test('torch.nn prefix, literals, Tanh and Sigmoid, one line', () => {
  assert.deepEqual(verdicts('m = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))'), [
    { kind: 'trainable', hidden: 8, activation: 'tanh' },
  ]);
  assert.deepEqual(verdicts('m = nn.Sequential(nn.Linear(2,3),nn.Sigmoid(),nn.Linear(3,2))'), [
    { kind: 'trainable', hidden: 3, activation: 'sigmoid' },
  ]);
});

test('comments, odd whitespace, trailing commas, keyword arguments and 1_000 literals', () => {
  const source = `h: int = 1_00  # width
net = nn.Sequential(  # the MLP
    nn.Linear(in_features=2,   # x and y
              out_features=h, bias=True),
    nn.ReLU(inplace=True),


    nn.Linear(h, 2, ),  # logits
)
`;
  assert.deepEqual(verdicts(source), [{ kind: 'trainable', hidden: 100, activation: 'relu' }]);
});

test('a name takes its last assignment before the call', () => {
  const source = `H = 5
a = nn.Sequential(nn.Linear(2, H), nn.ReLU(), nn.Linear(H, 2))
H = 7
b = nn.Sequential(nn.Linear(2, H), nn.ReLU(), nn.Linear(H, 2))
`;
  assert.deepEqual(
    verdicts(source).map((v) => v.kind === 'trainable' && v.hidden),
    [5, 7],
  );
});

test('a name assigned only after the call (e.g. used in a function) still resolves', () => {
  const source = `def build():
    return nn.Sequential(nn.Linear(2, WIDTH), nn.ReLU(), nn.Linear(WIDTH, 2))

WIDTH = 12
`;
  assert.deepEqual(verdicts(source), [{ kind: 'trainable', hidden: 12, activation: 'relu' }]);
});

test('names that are not integer literals or not assigned explain why', () => {
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, k), nn.ReLU(), nn.Linear(k, 2))'),
    'hidden width k is not assigned in this file',
  );
  assert.equal(
    reasonOf('k = int(sys.argv[1])\nnn.Sequential(nn.Linear(2, k), nn.ReLU(), nn.Linear(k, 2))'),
    'hidden width k is not assigned an integer literal',
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 2 * k), nn.ReLU(), nn.Linear(2 * k, 2))'),
    'hidden width "2 * k" is not an integer or a name',
  );
  assert.equal(
    reasonOf('k == 3\nnn.Sequential(nn.Linear(2, k), nn.ReLU(), nn.Linear(k, 2))'),
    'hidden width k is not assigned in this file',
  );
});

test('wrong sizes name the value', () => {
  assert.equal(reasonOf('nn.Sequential(nn.Linear(3, 20), nn.ReLU(), nn.Linear(20, 2))'), 'input size is 3, needs 2');
  assert.equal(reasonOf('nn.Sequential(nn.Linear(2, 20), nn.ReLU(), nn.Linear(20, 10))'), 'output size is 10, needs 2');
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 20), nn.ReLU(), nn.Linear(30, 2))'),
    'hidden sizes differ: Linear(2, 20) then Linear(30, 2)',
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 10000), nn.ReLU(), nn.Linear(10000, 2))'),
    'hidden width 10000 is outside 1..512',
  );
  assert.equal(reasonOf('nn.Sequential(nn.Linear(2), nn.ReLU(), nn.Linear(20, 2))'), 'hidden width is missing');
});

test('wrong layer structure explains why', () => {
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 20), nn.Linear(20, 2))'),
    'has no activation between the Linear layers, needs ReLU, Tanh or Sigmoid',
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 20), nn.GELU(), nn.Linear(20, 2))'),
    'activation is GELU, needs ReLU, Tanh or Sigmoid',
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))'),
    'has 3 Linear layers, needs 2 for one hidden layer',
  );
  assert.equal(reasonOf('nn.Sequential(nn.Linear(2, 2))'), 'has 1 Linear layer, needs 2 for one hidden layer');
  assert.equal(
    reasonOf('nn.Sequential(nn.ReLU(), nn.Linear(2, 8), nn.Linear(8, 2))'),
    'starts with ReLU, needs Linear(2, H)',
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Tanh(), nn.Linear(8, 2))'),
    'has more than one activation between the Linear layers',
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2), nn.Softmax(dim=1))'),
    "ends with Softmax after the last Linear; the trainer's loss applies the softmax",
  );
  assert.equal(
    reasonOf('nn.Sequential(nn.Linear(2, 8, bias=False), nn.ReLU(), nn.Linear(8, 2))'),
    'a Linear layer has bias=False; the trainer always uses biases',
  );
});

test('what is clearly not an MLP gets no match', () => {
  for (const source of [
    'nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.Linear(32, 2))',
    'nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.5), nn.ReLU(), nn.Linear(8, 2))',
    'nn.Sequential(*layers)',
    'nn.Sequential(OrderedDict([("fc1", nn.Linear(2, 8))]))',
    'nn.Sequential(first, nn.ReLU(), nn.Linear(8, 2))',
    'nn.Sequential(nn.ReLU())',
    'nn.Sequential()',
    'keras.Sequential([Dense(8), Dense(2)])',
    'Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))',
    'my.nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))',
    'nn.Sequential(nn.Linear(2, 8).double(), nn.ReLU(), nn.Linear(8, 2))',
  ]) {
    assert.deepEqual(verdicts(source), [], source);
  }
});

test('code in comments and strings is not read', () => {
  const source = `# model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
doc = """nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))"""
s = 'nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))'
`;
  assert.deepEqual(verdicts(source), []);
});

test('parentheses inside strings do not end the call', () => {
  const source = 'nn.Sequential(nn.Linear(2, 4), nn.Softmax(dim=")"), nn.Linear(4, 2))';
  assert.equal(reasonOf(source), 'activation is Softmax, needs ReLU, Tanh or Sigmoid');
});

test('a nested Sequential is found, the outer one holding it is not', () => {
  const source = 'outer = nn.Sequential(nn.Sequential(nn.Linear(2, 6), nn.ReLU(), nn.Linear(6, 2)), nn.Softmax(dim=1))';
  assert.deepEqual(verdicts(source), [{ kind: 'trainable', hidden: 6, activation: 'relu' }]);
});

test('unterminated code does not throw', () => {
  assert.deepEqual(verdicts('nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)'), []);
  assert.deepEqual(verdicts('x = """never closed\nnn.Sequential('), []);
  assert.deepEqual(verdicts(''), []);
});
