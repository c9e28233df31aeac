// The PyTorch front-end: a .pt/.pth file (zip or legacy) as a model graph. A state dict holds
// tensors but no graph: its architecture is recognised by the tensors' names and shapes
// among those of torchvision.ts (the state dict may sit in a checkpoint, under "model.",
// "state_dict.", "module."…), and built from torchvision's definitions. A whole pickled
// module (torch.save(model)) holds its module tree, classes and hyper-parameters included,
// as inert placeholders (the unpickler calls nothing): an nn.Sequential tree is run child by
// child from the modules' attributes; a torchvision model by its class's architecture; any
// other class by what its tensors are, since its forward() is Python code.
import { ModelError, type ModelGraph, type OpType } from './graph';
import type { LoadedGraph } from './onnxGraph';
import {
  ARCHITECTURES,
  type ArchitectureSpec,
  architectureOfClass,
  basicBlock,
  bottleneckBlock,
  fire,
  GraphBuilder,
  invertedResidual,
  Mismatch,
  StateDict,
  type StateTensor,
} from './torchvision';
import { PickleGlobal, PickleObject, type PickleValue } from '../formats/pickle';
import { readPytorchLegacy } from '../formats/pytorchLegacy';
import type { TorchWeightFile } from '../formats/pytorchTensors';
import { readPytorchZip } from '../formats/pytorchZip';
import type { ByteSource } from '../formats/weightFile';
import type { ZipArchive } from '../formats/zip';

/** The graph input's name (as torch.onnx.export names it in the fixtures). */
const INPUT = 'input';

/** A PyTorch file's graph always says what it was recognised as ("nn.Sequential of 8 layers"). */
type PytorchModelGraph = ModelGraph & { architecture: string };

interface PytorchLoadedGraph extends LoadedGraph {
  graph: PytorchModelGraph;
}

/** Reads a PyTorch zip archive (`zip`, opened by the caller) or legacy file, and builds its graph. */
export async function pytorchGraph(source: ByteSource, zip?: ZipArchive): Promise<PytorchLoadedGraph> {
  const file = zip ? await readPytorchZip(source, zip) : await readPytorchLegacy(source);
  try {
    return { graph: buildGraph(file), close: () => file.close() };
  } catch (error) {
    await file.close();
    throw error;
  }
}

function buildGraph(file: TorchWeightFile): PytorchModelGraph {
  const tensors = new Map<string, StateTensor>(
    file.tensors.map((t): [string, StateTensor] => [t.name, { shape: t.shape, read: () => file.read(t.name) }]),
  );
  const found = findModule(file.objects);
  if (!found) {
    const lead =
      file.metadata.torchscript === 'yes'
        ? 'is a TorchScript archive, whose code the engine does not run, and its tensors are'
        : undefined;
    return fromStateDict(file.path, tensors, ARCHITECTURES, undefined, lead);
  }
  const { module, prefix } = found;
  const className = classOf(module);
  const spec = architectureOfClass(className);
  if (spec)
    return fromStateDict(file.path, tensors, [spec], [prefix], `holds a pickled ${className} whose tensors are`);
  if (SEQUENTIALS.has(className)) return fromSequential(file.path, tensors, module, prefix);
  const lead =
    `holds a pickled ${className}, whose forward() is Python code the engine does not run ` +
    '(it runs nn.Sequential trees and torchvision models), and its tensors are';
  const graph = fromStateDict(file.path, tensors, ARCHITECTURES, [prefix], lead);
  return { ...graph, architecture: `${graph.architecture}, a pickled ${className}` };
}

// ---------------------------------------------------------------------------------------------
// State dicts.

/** The first tensor of each architecture: where a checkpoint's state dict starts. */
const SIGNATURES = ['conv1.weight', 'features.0.weight', 'features.0.0.weight', 'features.conv0.weight'];

interface Attempt {
  spec: ArchitectureSpec;
  prefix: string;
  graph?: PytorchModelGraph;
  /** The architecture's name as far as it was told (resnet18), and what did not fit. */
  name: string;
  mismatch?: string;
  /** How much fitted: tensors read before the mismatch (half a point for a name with the wrong shape). */
  score: number;
  /** Between equal scores: how many of the tensors have names the architecture uses. */
  known: number;
}

/**
 * Tries each architecture on the tensors under each prefix a checkpoint may put its state
 * dict under, and builds the first that fits all of them; a ModelError names the closest.
 */
function fromStateDict(
  path: string,
  tensors: ReadonlyMap<string, StateTensor>,
  specs: readonly ArchitectureSpec[],
  prefixes = prefixesOf([...tensors.keys()]),
  lead = 'stores tensors but no graph, and they are',
): PytorchModelGraph {
  if (!tensors.size) throw new ModelError(path, 'holds no tensors, so no model to run');
  const attempts: Attempt[] = [];
  for (const prefix of prefixes) {
    for (const spec of specs) {
      const tried = attempt(path, tensors, spec, prefix);
      if (tried.graph) return tried.graph;
      attempts.push(tried);
    }
  }
  const closest = attempts.reduce((best, a) =>
    a.score > best.score || (a.score === best.score && a.known > best.known) ? a : best,
  );
  const list = ARCHITECTURES.map((spec) => spec.family).join(', ');
  const where = closest.prefix ? ` (the tensors under "${closest.prefix}")` : '';
  const names = [...tensors.keys()];
  const nearest =
    closest.score > 0 || 2 * closest.known >= names.length
      ? `closest: ${closest.name}${where}, but ${closest.mismatch}`
      : `none of its tensors has a name they use (it has ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
  throw new ModelError(
    path,
    `${lead} not those of an architecture Weight Lens recognises by their names and shapes (${list}); ` +
      `${nearest}. To run another model, export it with torch.onnx.export`,
  );
}

/** "" and the prefixes ("model.", "state_dict.module.") before an architecture's first tensor. */
function prefixesOf(names: string[]): string[] {
  const prefixes = new Set<string>(['']);
  for (const name of names) {
    for (const signature of SIGNATURES) {
      if (name.endsWith(`.${signature}`)) prefixes.add(name.slice(0, -signature.length));
    }
  }
  return [...prefixes];
}

function attempt(
  path: string,
  tensors: ReadonlyMap<string, StateTensor>,
  spec: ArchitectureSpec,
  prefix: string,
): Attempt {
  const sd = StateDict.under(tensors, prefix);
  const b = new GraphBuilder(sd);
  try {
    const sample = spec.input(sd);
    const x = b.declare(INPUT, 4, sample[0]);
    const built = spec.build(b, x);
    const unused = sd.unused();
    if (unused.length) {
      const more = unused.length > 1 ? ` (and ${unused.length - 1} more tensors)` : '';
      throw new Mismatch(`it also has ${unused[0]}${more}, which ${built.name} has not`);
    }
    const details = [...(built.details ?? []), `${built.classes} classes`];
    if (prefix) details.push(`the state dict under "${prefix}"`);
    const graph: PytorchModelGraph = {
      source: path,
      frontEnd: 'PyTorch',
      inputs: [{ name: INPUT, shape: [undefined, ...sample] }],
      outputs: [built.output],
      nodes: b.nodes,
      constants: b.constants,
      architecture: `${built.name} (${details.join('; ')})`,
    };
    return { spec, prefix, graph, name: built.name, score: Infinity, known: Infinity };
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    const name = b.architecture ?? spec.family;
    const score = sd.matched + (error.nameFound ? 0.5 : 0);
    const known = sd.names().filter((n) => spec.names.test(n)).length;
    return { spec, prefix, name, mismatch: error.message, score, known };
  }
}

// ---------------------------------------------------------------------------------------------
// Whole pickled modules.

/** nn.Sequential, and torchvision's subclasses of it that keep its forward(). */
const SEQUENTIALS = new Set([
  'torch.nn.modules.container.Sequential',
  'torchvision.ops.misc.Conv2dNormActivation',
  'torchvision.ops.misc.ConvNormActivation',
  'torchvision.models.mobilenetv2.ConvBNActivation',
  'torchvision.models.mobilenetv2.ConvBNReLU',
  'torchvision.models.densenet._Transition',
]);

/** A pickled nn.Module: a class placeholder whose state (its __dict__) has `_modules`. */
function isModule(value: PickleValue | undefined): value is PickleObject {
  return value instanceof PickleObject && value.callable instanceof PickleGlobal && stateOf(value).has('_modules');
}

function stateOf(module: PickleObject): Map<PickleValue, PickleValue> {
  return module.state instanceof Map ? module.state : new Map();
}

function classOf(module: PickleObject): string {
  return module.callable instanceof PickleGlobal ? module.callable.qualifiedName : '(unknown class)';
}

/** The module at the top of the file, or in a checkpoint dict ({"model": module, "epoch": 3}). */
function findModule(objects: readonly [string, PickleValue][]): { module: PickleObject; prefix: string } | undefined {
  for (const [prefix, root] of objects) {
    if (isModule(root)) return { module: root, prefix: prefix ? `${prefix}.` : '' };
    if (root instanceof Map) {
      for (const [key, value] of root) {
        if (typeof key === 'string' && isModule(value))
          return { module: value, prefix: `${prefix ? `${prefix}.` : ''}${key}.` };
      }
    }
  }
  return undefined;
}

/** The children of a module, in order (None children, like a ResNet block's absent downsample, left out). */
function childrenOf(module: PickleObject): [string, PickleObject][] {
  const modules = stateOf(module).get('_modules');
  if (!(modules instanceof Map)) return [];
  return [...modules].flatMap(([key, value]): [string, PickleObject][] =>
    typeof key === 'string' && value instanceof PickleObject ? [[key, value]] : [],
  );
}

/** A layer's failure to translate: names the layer by its path and class. */
class LayerError extends Error {}

function fromSequential(
  path: string,
  tensors: ReadonlyMap<string, StateTensor>,
  module: PickleObject,
  prefix: string,
): PytorchModelGraph {
  const sd = StateDict.under(tensors, prefix);
  const b = new GraphBuilder(sd);
  try {
    const sample = inputOf(module);
    const x = b.declare(INPUT, sample.length === 3 ? 4 : 2, sample[0]);
    const output = runModule(b, module, '', x);
    const layers = childrenOf(module).length;
    return {
      source: path,
      frontEnd: 'PyTorch',
      inputs: [{ name: INPUT, shape: [undefined, ...sample] }],
      outputs: [output],
      nodes: b.nodes,
      constants: b.constants,
      architecture: `nn.Sequential of ${layers} layer${layers === 1 ? '' : 's'}`,
    };
  } catch (error) {
    if (error instanceof LayerError || error instanceof Mismatch)
      throw new ModelError(path, `holds a pickled nn.Sequential that the engine cannot run: ${error.message}`);
    throw error;
  }
}

/** The input of one sample: from the first layer that says ([C, H, W] with H, W free, or [features]). */
function inputOf(root: PickleObject): (number | undefined)[] {
  let flattened = false;
  const visit = (module: PickleObject): (number | undefined)[] | undefined => {
    const name = shortName(module);
    const attrs = stateOf(module);
    if (SEQUENTIALS.has(classOf(module))) {
      for (const [, child] of childrenOf(module)) {
        const found = visit(child);
        if (found) return found;
      }
      return undefined;
    }
    if (name === 'Flatten') flattened = true;
    const image = (channels: PickleValue | undefined) =>
      typeof channels === 'number' ? [channels, undefined, undefined] : undefined;
    if (name === 'Conv2d') return image(attrs.get('in_channels'));
    if (name === 'BatchNorm2d') return image(attrs.get('num_features'));
    if (name === 'Linear' || name === 'BatchNorm1d') {
      const features = attrs.get(name === 'Linear' ? 'in_features' : 'num_features');
      if (typeof features !== 'number') return undefined;
      return flattened ? [undefined, undefined, undefined] : [features];
    }
    if (!TORCHVISION_BLOCKS.has(classOf(module))) return undefined;
    // A torchvision block first: its first convolution's input channels.
    const [, first] = childrenOf(module)[0] ?? [];
    return first ? visit(first) : undefined;
  };
  const found = visit(root);
  if (!found) throw new LayerError('no layer in it says what input it takes (a Conv2d, Linear or BatchNorm)');
  return found;
}

/** The class's name when it is one of torch.nn's modules (its module path varies across versions). */
function shortName(module: PickleObject): string | undefined {
  const qualified = classOf(module);
  const known = qualified.startsWith('torch.nn.') || qualified.startsWith('torchvision.ops.');
  return known ? qualified.slice(qualified.lastIndexOf('.') + 1) : undefined;
}

const TORCHVISION_BLOCKS = new Set([
  'torchvision.models.squeezenet.Fire',
  'torchvision.models.resnet.BasicBlock',
  'torchvision.models.resnet.Bottleneck',
  'torchvision.models.mobilenetv2.InvertedResidual',
]);

/** Activations with no parameters: the op and its attributes from the module's. */
const ACTIVATIONS: Record<string, (attrs: Attributes) => [OpType, Record<string, number>]> = {
  ReLU: () => ['Relu', {}],
  ReLU6: () => ['Clip', { min: 0, max: 6 }],
  Hardtanh: (a) => ['Clip', { min: a.number('min_val', -1), max: a.number('max_val', 1) }],
  LeakyReLU: (a) => ['LeakyRelu', { alpha: a.number('negative_slope', 0.01) }],
  ELU: (a) => ['Elu', { alpha: a.number('alpha', 1) }],
  Sigmoid: () => ['Sigmoid', {}],
  Tanh: () => ['Tanh', {}],
  Hardsigmoid: () => ['HardSigmoid', { alpha: 1 / 6, beta: 0.5 }],
  Hardswish: () => ['HardSwish', {}],
  Dropout: () => ['Dropout', {}],
  Dropout2d: () => ['Dropout', {}],
  AlphaDropout: () => ['Dropout', {}],
  Identity: () => ['Identity', {}],
  // Softmax(dim=None) picks dim 1 for 2-D and 4-D inputs (torch.nn.functional._get_softmax_dim).
  Softmax: (a) => ['Softmax', { axis: a.number('dim', 1, true) }],
  LogSoftmax: (a) => ['LogSoftmax', { axis: a.number('dim', 1, true) }],
};

/** A module's hyper-parameters (its __dict__), read with the layer named in errors. */
class Attributes {
  constructor(
    private readonly module: PickleObject,
    private readonly where: string,
  ) {}

  get(name: string): PickleValue | undefined {
    return stateOf(this.module).get(name);
  }

  number(name: string, fallback?: number, noneIsFallback = false): number {
    const value = this.get(name);
    if (typeof value === 'number') return value;
    if (value === undefined || (value === null && noneIsFallback)) {
      if (fallback !== undefined) return fallback;
    }
    throw new LayerError(`${this.where} has ${name} = ${describe(value)}, not a number`);
  }

  /** An int or (h, w) tuple attribute, as PyTorch's _pair gives it. */
  pair(name: string, fallback?: [number, number]): [number, number] {
    const value = this.get(name);
    if (typeof value === 'number') return [value, value];
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number'))
      return [value[0] as number, value[1] as number];
    if ((value === undefined || value === null) && fallback) return fallback;
    throw new LayerError(`${this.where} has ${name} = ${describe(value)}, not a size or (height, width)`);
  }
}

function describe(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  if (Array.isArray(value)) return `(${value.map((v) => describe(v)).join(', ')})`;
  if (typeof value === 'object') return value.constructor.name;
  return String(value);
}

/** Adds a module's nodes (its path names its output) and returns its output value. */
function runModule(b: GraphBuilder, module: PickleObject, path: string, x: string): string {
  const qualified = classOf(module);
  const where = path ? `layer "${path}" (${qualified})` : qualified;
  const name = shortName(module);
  const attrs = new Attributes(module, where);
  if (TORCHVISION_BLOCKS.has(qualified)) return torchvisionBlock(b, qualified, attrs, path, x);
  if (SEQUENTIALS.has(qualified)) {
    let h = x;
    for (const [key, child] of childrenOf(module)) h = runModule(b, child, path ? `${path}.${key}` : key, h);
    return path ? b.alias(path, h) : h;
  }
  if (!path) throw new LayerError(`${where} is not an nn.Sequential`);
  const activation = name === undefined ? undefined : ACTIVATIONS[name];
  if (activation) {
    const [op, attributes] = activation(attrs);
    return b.same(op, path, x, attributes);
  }
  switch (name) {
    case 'Conv2d':
      return conv(b, attrs, where, path, x);
    case 'Linear':
      return b.linear(path, x);
    case 'BatchNorm2d':
    case 'BatchNorm1d':
      if (attrs.get('track_running_stats') === false)
        throw new LayerError(`${where} has no running statistics: it normalizes each batch by itself`);
      return b.batchNorm(path, x, attrs.number('eps', 1e-5));
    case 'MaxPool2d':
    case 'AvgPool2d':
      return pool(b, attrs, where, name, path, x);
    case 'AdaptiveAvgPool2d':
      return adaptivePool(b, attrs, where, path, x);
    case 'AdaptiveMaxPool2d': {
      const [h, w] = attrs.pair('output_size');
      if (h !== 1 || w !== 1) throw new LayerError(`${where} pools to ${h}×${w}; the engine pools to 1×1 only`);
      return b.same('GlobalMaxPool', path, x);
    }
    case 'Flatten': {
      const [start, end] = [attrs.number('start_dim', 1), attrs.number('end_dim', -1)];
      if (start !== 1 || end !== -1)
        throw new LayerError(`${where} flattens dimensions ${start} to ${end}; the engine flattens 1 to -1`);
      return b.flatten(path, x);
    }
    case 'LocalResponseNorm':
      return b.same('LRN', path, x, {
        size: attrs.number('size'),
        alpha: attrs.number('alpha', 1e-4),
        beta: attrs.number('beta', 0.75),
        bias: attrs.number('k', 1),
      });
    default:
      throw new LayerError(
        `${where} is not a layer the engine runs (Conv2d, Linear, BatchNorm, pools, activations, Flatten, Dropout, nested Sequential)`,
      );
  }
}

function conv(b: GraphBuilder, attrs: Attributes, where: string, path: string, x: string): string {
  const mode = attrs.get('padding_mode');
  if (mode !== undefined && mode !== 'zeros')
    throw new LayerError(`${where} pads in mode ${describe(mode)}; the engine pads with zeros`);
  const kernel = attrs.pair('kernel_size');
  const dilation = attrs.pair('dilation', [1, 1]);
  const given = attrs.get('padding');
  let padding: [number, number];
  if (given === 'valid') padding = [0, 0];
  else if (given === 'same') {
    // PyTorch pads d·(k − 1) in all, the extra one after: symmetric only when that is even.
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    if (total.some((t) => t % 2)) throw new LayerError(`${where} pads "same" unevenly, which the engine does not`);
    padding = [total[0] / 2, total[1] / 2];
  } else padding = attrs.pair('padding', [0, 0]);
  return b.conv(path, x, {
    kernel,
    stride: attrs.pair('stride', [1, 1]),
    padding,
    dilation,
    groups: attrs.number('groups', 1),
  });
}

function pool(b: GraphBuilder, attrs: Attributes, where: string, name: string, path: string, x: string): string {
  const kernel = attrs.pair('kernel_size');
  const options = {
    kernel,
    stride: attrs.pair('stride', kernel),
    padding: attrs.pair('padding', [0, 0]),
    ceil: attrs.get('ceil_mode') === true,
  };
  if (name === 'MaxPool2d') {
    const [dh, dw] = attrs.pair('dilation', [1, 1]);
    if (dh !== 1 || dw !== 1) throw new LayerError(`${where} pools with dilation, which the engine does not`);
    return b.maxPool(path, x, options);
  }
  const divisor = attrs.get('divisor_override');
  if (divisor !== undefined && divisor !== null) throw new LayerError(`${where} has a divisor_override`);
  return b.avgPool(path, x, { ...options, countIncludePad: attrs.get('count_include_pad') !== false });
}

function adaptivePool(b: GraphBuilder, attrs: Attributes, where: string, path: string, x: string): string {
  const size = attrs.get('output_size');
  const entry = (v: PickleValue | undefined) => {
    if (v === null || typeof v === 'number') return v;
    throw new LayerError(`${where} has output_size = ${describe(size)}`);
  };
  const pair: [number | null, number | null] = Array.isArray(size)
    ? [entry(size[0]), entry(size[1])]
    : [entry(size), entry(size)];
  return b.adaptiveAvgPool(path, x, pair);
}

/** torchvision's blocks inside a Sequential: their forward() is known, their stride an attribute. */
function torchvisionBlock(b: GraphBuilder, qualified: string, attrs: Attributes, path: string, x: string): string {
  const stride = () => attrs.number('stride', 1);
  if (qualified.endsWith('.Fire')) return fire(b, path, x);
  if (qualified.endsWith('.BasicBlock')) return basicBlock(b, path, x, stride());
  if (qualified.endsWith('.Bottleneck')) return bottleneckBlock(b, path, x, stride());
  return invertedResidual(b, path, x, stride());
}
