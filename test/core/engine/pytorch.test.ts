// The PyTorch front-end against PyTorch: each fixture model's state dict (<model>.pt) and whole
// pickled module (<model>.module.pt) is recognised, built from torchvision's definitions and run
// on PyTorch's input: output, two module outputs (tapped by module name) and the input gradient
// of the top class score within 1e-4 relative (float32). Files it cannot run say why, and which
// architecture came closest. nn.Sequential trees, checkpoints and AdaptiveAvgPool2d at sizes
// the fixtures do not cover are made here by PyTorch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelError } from '../../../src/core/engine/graph';
import { classScore } from '../../../src/core/engine/model';
import { openModel } from '../../../src/core/engine/openModel';
import { startTestBackend } from '../../support/backend';
import { engineFixtures, engineReference, NO_ENGINE_PYTHON } from '../../support/engineFixtures';
import { assertSameGradient, relativeError } from '../../support/numbers';
import { NO_TORCH, torchPython } from '../../support/torch';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const TOLERANCE = 1e-4;

/** Fixture model → the architecture it must be recognised as. */
const MODELS: Record<string, string> = {
  lenet: 'lenet (10 classes)',
  alexnet_small: 'alexnet (10 classes)',
  vgg11_bn: 'vgg11_bn (10 classes)',
  resnet18: 'resnet18 (10 classes)',
  mobilenet_v2: 'mobilenet_v2 (width 0.25; 10 classes)',
  squeezenet1_1: 'squeezenet1_1 (10 classes)',
  densenet121: 'densenet121 (10 classes)',
};

describe('PyTorch files run as PyTorch computes them', async () => {
  const dir = await engineFixtures(Object.keys(MODELS));
  before(startTestBackend);

  for (const [name, architecture] of Object.entries(MODELS)) {
    for (const file of [`${name}.pt`, `${name}.module.pt`]) {
      // Only the files the fixture script writes (no opset-17 or pickled VGG: 515 MB each).
      if (dir && !existsSync(join(dir, file))) continue;
      it(file, { skip: !dir && NO_ENGINE_PYTHON }, async (t) => {
        const path = join(dir!, file);
        const reference = engineReference(dir!, name);
        let started = performance.now();
        const model = await openModel(path);
        const loaded = performance.now() - started;
        try {
          const pickled = file.endsWith('.module.pt') && name === 'lenet' ? ', a pickled lenet_net.LeNet' : '';
          assert.equal(model.graph.architecture, architecture + pickled);
          assert.equal(model.graph.frontEnd, 'PyTorch');
          const input = { shape: reference.inputShape, values: Float32Array.from(reference.input) };
          const taps = reference.taps.map((tap) => tap.module);
          started = performance.now();
          const { output, taps: values } = model.run(input, taps);
          const forward = performance.now() - started;
          assert.deepEqual(output.shape, reference.outputShape);
          const errors = [assertClose(output.values, reference.output, 'output')];
          reference.taps.forEach((tap) => {
            const value = values.get(tap.module)!;
            assert.deepEqual(value.shape, tap.shape, tap.module);
            errors.push(assertClose(value.values, tap.values, `tap ${tap.module}`));
          });
          started = performance.now();
          const { gradient } = await model.inputGradient(input, [], classScore(model, reference.gradient.class));
          const differentiated = performance.now() - started;
          assertSameGradient(gradient.values, reference.gradient.values);
          errors.push(relativeError(gradient.values, reference.gradient.values));
          t.diagnostic(
            `open ${loaded.toFixed(0)} ms, forward ${forward.toFixed(0)} ms, gradient ${differentiated.toFixed(0)} ms ` +
              `(batch of ${input.shape.join('×')}); relative errors: output, taps, gradient ` +
              errors.map((e) => e.toExponential(1)).join(', '),
          );
        } finally {
          model.dispose();
        }
      });
    }
  }
});

describe('PyTorch files that hold no model the engine runs say why', () => {
  before(startTestBackend);

  const recognised =
    /\(lenet, alexnet, vgg11\/13\/16\/19 \(and _bn\), resnet18\/34\/50\/101\/152, squeezenet1_0\/1_1, mobilenet_v2, densenet121/;

  for (const [file, lead, closest] of [
    // A training checkpoint of a quarter-width LeNet: its state dict under "model.".
    [
      'checkpoint.pt',
      /^.*checkpoint\.pt: stores tensors but no graph, and they are not those of an architecture/,
      /closest: lenet \(the tensors under "model\."\), but conv1\.weight has shape \[8, 1, 5, 5\], expected \[32, 1, 5, 5\]/,
    ],
    // The legacy format, holding LeNet's conv1 only.
    ['legacy.pt', /stores tensors but no graph/, /closest: lenet, but conv2\.weight is missing/],
    ['alexnet_features.pt', /stores tensors but no graph/, /closest: alexnet, but features\.6\.weight is missing/],
    // Odd names only.
    [
      'proto_names.pt',
      /stores tensors but no graph/,
      /none of its tensors has a name they use \(it has __proto__, constructor, toString, …\)/,
    ],
    [
      'whole_module.pt',
      /holds a pickled __main__\.TinyLeNetBN, whose forward\(\) is Python code the engine does not run/,
      /closest: lenet, but conv1\.weight has shape \[8, 1, 5, 5\]/,
    ],
    ['torchscript.pt', /is a TorchScript archive, whose code the engine does not run/, /none of its tensors/],
  ] as const) {
    it(file, async () => {
      await assert.rejects(openModel(join(FIXTURES, file)), (error: Error) => {
        assert.ok(error instanceof ModelError, error.message);
        for (const pattern of [lead, recognised, closest, /export it with torch\.onnx\.export/])
          assert.match(error.message, pattern);
        return true;
      });
    });
  }

  it('runs the lecture LeNet of examples/', async () => {
    const model = await openModel(join(__dirname, '..', '..', '..', 'examples', 'lenet.pt'));
    try {
      assert.equal(model.graph.architecture, 'lenet (10 classes)');
      assert.deepEqual(model.inputShape, [undefined, 1, 28, 28]);
      assert.deepEqual(model.run({ shape: [1, 1, 28, 28], values: new Float32Array(784) }).output.shape, [1, 10]);
    } finally {
      model.dispose();
    }
  });
});

/**
 * A model the PyTorch script below writes, with its input, output, outputs of modules (taps,
 * by module name) and d output[0, k] / d input, k its top class.
 */
interface Case {
  name: string;
  /** In the script's folder, or absolute (a fixture's). */
  file: string;
  architecture: string;
  input: { shape: number[]; values: number[] };
  output: number[];
  outputShape: number[];
  taps: Record<string, { shape: number[]; values: number[] }>;
  gradient: { class: number; values: number[] };
}

const SCRIPT = String.raw`
import json, sys
from pathlib import Path
import torch
from torch import nn
import torchvision

args = json.load(sys.stdin)
out = Path(args['out'])
fixtures = Path(args['fixtures']) if args.get('fixtures') else None
torch.manual_seed(0)
cases = []


def randomize_batchnorm(model):
    """Running statistics and affine parameters away from the identity, so that each one counts."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.normal_(0, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.normal_(0, 0.2)
    return model.eval()


def case(name, file, architecture, model, x, taps):
    x = x.clone().requires_grad_(True)
    modules = dict(model.named_modules())
    seen = {}
    hooks = [modules[t].register_forward_hook(lambda _m, _i, o, t=t: seen.__setitem__(t, o.detach().clone()))
             for t in taps]
    y = model(x)
    for h in hooks:
        h.remove()
    k = int(y[0].argmax())
    y[0, k].backward()
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    cases.append({'name': name, 'file': str(file), 'architecture': architecture,
                  'input': {'shape': list(x.shape), 'values': flat(x)}, 'output': flat(y),
                  'outputShape': list(y.shape),
                  'taps': {t: {'shape': list(v.shape), 'values': flat(v)} for t, v in seen.items()},
                  'gradient': {'class': k, 'values': flat(x.grad)}})


# An nn.Sequential of the usual layers, torchvision blocks among them, on a 13x13 input: odd
# sizes for ceil_mode and padded average pooling, and AdaptiveAvgPool2d((3, 2)) of a 4x4 map
# (overlapping windows along the height, plain averages along the width). Saved whole, in the
# legacy format, and inside a checkpoint dict.
seq = randomize_batchnorm(nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
    nn.MaxPool2d(2, ceil_mode=True),
    nn.Conv2d(8, 8, 3, groups=8, padding='same'), nn.LeakyReLU(0.1),
    torchvision.models.resnet.BasicBlock(8, 8),
    torchvision.models.squeezenet.Fire(8, 4, 8, 8),
    nn.AvgPool2d(3, stride=2, padding=1),
    nn.Sequential(nn.Conv2d(16, 16, 1), nn.Hardswish()),
    nn.AdaptiveAvgPool2d((3, 2)),
    nn.Flatten(), nn.Dropout(), nn.Linear(96, 10), nn.LogSoftmax(dim=1)))
x = torch.randn(2, 3, 13, 13)
torch.save(seq, out / 'sequential.pt')
torch.save(seq, out / 'sequential_legacy.pt', _use_new_zipfile_serialization=False)
torch.save({'epoch': 3, 'model': seq}, out / 'sequential_checkpoint.pt')
for file, how in (('sequential.pt', 'torch.save(module)'), ('sequential_legacy.pt', 'legacy format'),
                  ('sequential_checkpoint.pt', 'in a checkpoint dict')):
    case(f'nn.Sequential ({how})', out / file, 'nn.Sequential of 15 layers', seq, x, ['6', '9', '10'])

# State dicts as training scripts save them: nested, with DataParallel's "module." prefix.
squeeze = torchvision.models.squeezenet1_0(weights=None, num_classes=7).eval()
torch.save({'epoch': 1, 'state_dict': {'module.' + k: v for k, v in squeeze.state_dict().items()}, 'best': 0.5},
           out / 'squeezenet1_0_checkpoint.pt')
case('squeezenet1_0 in a checkpoint, prefixed module.', out / 'squeezenet1_0_checkpoint.pt',
     'squeezenet1_0 (7 classes; the state dict under "state_dict.module.")', squeeze, torch.randn(1, 3, 48, 48),
     ['features.3', 'features.12'])

resnet50 = randomize_batchnorm(torchvision.models.resnet50(weights=None, num_classes=5))
torch.save(resnet50.state_dict(), out / 'resnet50.pt')
case('resnet50 (Bottleneck blocks)', out / 'resnet50.pt', 'resnet50 (5 classes)', resnet50,
     torch.randn(1, 3, 40, 40), ['layer1', 'layer4.2'])

if fixtures:
    # AlexNet's AdaptiveAvgPool2d((6, 6)) where the fixtures do not go: a 1x1 feature map (input
    # 64: a broadcast) and a 7x7 one (input 256: overlapping windows). Its weights: the fixture's.
    alexnet = torchvision.models.alexnet(weights=None, num_classes=10)
    alexnet.load_state_dict(torch.load(fixtures / 'alexnet_small.pt'))
    alexnet.eval()
    for size, what in ((64, 'a 1x1 map'), (256, 'a 7x7 map')):
        case(f'alexnet at {size}x{size} ({what} before avgpool)', fixtures / 'alexnet_small.pt',
             'alexnet (10 classes)', alexnet, torch.randn(1, 3, size, size), ['avgpool'])

    # DenseNet as torchvision's pretrained files name it ("denselayer1.norm.1.weight").
    densenet = torchvision.models.densenet121(weights=None, num_classes=10)
    sd = torch.load(fixtures / 'densenet121.pt')
    densenet.load_state_dict(sd)
    densenet.eval()
    legacy = {}
    for k, v in sd.items():
        for part in ('norm', 'relu', 'conv'):
            for i in ('1', '2'):
                k = k.replace(f'.{part}{i}.', f'.{part}.{i}.') if '.denselayer' in k else k
        legacy[k] = v
    assert any('.norm.1.' in k for k in legacy)
    torch.save(legacy, out / 'densenet121_legacy_names.pt')
    case('densenet121 with the legacy names of torchvision weights', out / 'densenet121_legacy_names.pt',
         'densenet121 (10 classes)', densenet, torch.randn(1, 3, 40, 40), ['features.denseblock4'])

torch.save({'weights': torch.zeros(3)}, out / 'odd.pt')
torch.save(nn.Sequential(nn.Conv2d(1, 2, 3), nn.GELU()), out / 'gelu.pt')
json.dump(cases, sys.stdout)
`;

describe('PyTorch module trees, checkpoints, more architectures and adaptive pooling, against PyTorch', async () => {
  const python = torchPython();
  if (!python) {
    it('compares with PyTorch', { skip: NO_TORCH }, () => {});
    return;
  }
  const fixtures = await engineFixtures(['alexnet_small', 'densenet121']);
  const out = mkdtempSync(join(tmpdir(), 'weight-lens-pytorch-'));
  after(() => rmSync(out, { recursive: true, force: true }));
  const result = spawnSync(python, ['-c', SCRIPT], {
    input: JSON.stringify({ out, fixtures }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`the PyTorch script failed: ${result.stderr}`);
  const cases = JSON.parse(result.stdout) as Case[];
  before(startTestBackend);

  for (const test of cases) {
    it(test.name, async () => {
      const model = await openModel(test.file);
      try {
        assert.equal(model.graph.architecture, test.architecture);
        const input = { shape: test.input.shape, values: Float32Array.from(test.input.values) };
        const taps = Object.keys(test.taps);
        const { output, taps: values } = model.run(input, taps);
        assert.deepEqual(output.shape, test.outputShape);
        assertClose(output.values, test.output, 'output');
        for (const tap of taps) {
          assert.deepEqual(values.get(tap)!.shape, test.taps[tap].shape, tap);
          assertClose(values.get(tap)!.values, test.taps[tap].values, `tap ${tap}`);
        }
        const { gradient } = await model.inputGradient(input, [], classScore(model, test.gradient.class));
        assertSameGradient(gradient.values, test.gradient.values);
      } finally {
        model.dispose();
      }
    });
  }
  if (!fixtures) it('alexnet and densenet121 beyond their fixtures', { skip: NO_ENGINE_PYTHON }, () => {});

  it('odd.pt: a dict with one odd tensor', async () => {
    await assert.rejects(
      openModel(join(out, 'odd.pt')),
      /odd\.pt: stores tensors but no graph, .*; none of its tensors has a name they use \(it has weights\)/,
    );
  });

  it('gelu.pt: an nn.Sequential with a layer the engine does not run', async () => {
    await assert.rejects(
      openModel(join(out, 'gelu.pt')),
      /gelu\.pt: holds a pickled nn\.Sequential that the engine cannot run: layer "1" \(torch\.nn\.modules\.activation\.GELU\) is not a layer the engine runs/,
    );
  });
});

/** Asserts the relative error is below 1e-4, and returns it. */
function assertClose(actual: Float32Array, expected: number[], what: string): number {
  assert.equal(actual.length, expected.length, what);
  const error = relativeError(actual, expected);
  assert.ok(error < TOLERANCE, `${what}: relative error ${error.toExponential(2)}`);
  return error;
}
