// The architectures a PyTorch state dict is recognised as: the course's LeNet and torchvision's
// AlexNet, VGG, ResNet, SqueezeNet, MobileNet V2 and DenseNet, each built here as a model graph
// from its definition in torchvision.models (https://github.com/pytorch/vision, torchvision/
// models/*.py), with the channel and class counts the tensors' shapes give. Building checks
// every tensor's name and shape against the architecture: what does not fit is a Mismatch,
// which recognition turns into "closest: resnet18, but layer4.1.conv2.weight is missing".
//
// Values are named after the PyTorch module that computes them ("layer1.0.conv1",
// "features.3"), so that a tap asks for a module's output by its named_modules() name; a
// container whose output is its last child's gets an Identity of that name ("layer1",
// "features.18"). What a forward() computes outside modules takes torch.fx's names
// ("flatten", "relu", "adaptive_avg_pool2d"), prefixed by the module it runs in
// ("layer1.0.add"); nodes that only serve another ("avgpool/height.window3") have a "/".
import type { AttributeValue, GraphConstant, GraphNode, OpType } from './graph';

/** A tensor of the state dict: its shape, and its values when the model loads. */
export interface StateTensor {
  shape: number[];
  read(): Promise<Float32Array>;
}

/** What of a state dict does not fit an architecture (thrown while building it). */
export class Mismatch extends Error {
  override name = 'Mismatch';
  constructor(
    message: string,
    /** The tensor is there, with another shape: closer than a missing one. */
    readonly nameFound = false,
  ) {
    super(message);
  }
}

/** BatchNorm's step counter: a buffer no forward pass reads. */
const IGNORED = /(^|\.)num_batches_tracked$/;

/**
 * A state dict's tensors by name, as an architecture consumes them: each one it reads is
 * marked used, so that what it left over (another model's tensors) can be told apart.
 */
export class StateDict {
  private readonly used = new Set<string>();

  constructor(private readonly tensors: ReadonlyMap<string, StateTensor>) {}

  /** The names under `prefix` (e.g. "model."), without it: a checkpoint's state dict. */
  static under(tensors: ReadonlyMap<string, StateTensor>, prefix: string): StateDict {
    const inner = new Map<string, StateTensor>();
    for (const [name, tensor] of tensors) {
      if (name.startsWith(prefix)) inner.set(legacyDenseNetName(name.slice(prefix.length)), tensor);
    }
    return new StateDict(inner);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** A tensor's shape, without counting it as read. */
  peek(name: string): number[] | undefined {
    return this.tensors.get(name)?.shape;
  }

  /** The tensor `name`, whose shape must be `expected` (undefined: any size there). */
  get(name: string, expected?: (number | undefined)[]): StateTensor {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new Mismatch(`${name} is missing`);
    const { shape } = tensor;
    if (expected && (shape.length !== expected.length || expected.some((d, i) => d !== undefined && d !== shape[i]))) {
      const wanted = expected.map((d) => d ?? '*').join(', ');
      throw new Mismatch(`${name} has shape [${shape.join(', ')}], expected [${wanted}]`, true);
    }
    this.used.add(name);
    return tensor;
  }

  shape(name: string, expected?: (number | undefined)[]): number[] {
    return this.get(name, expected).shape;
  }

  /** How many numbered children `prefix.0`, `prefix.1`… have tensors (0 when none). */
  count(prefix: string): number {
    let n = 0;
    while (this.hasUnder(`${prefix}.${n}.`)) n++;
    return n;
  }

  hasUnder(prefix: string): boolean {
    for (const name of this.tensors.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  /** Tensors read so far: how far an architecture got. */
  get matched(): number {
    return this.used.size;
  }

  /** Tensors nothing read (BatchNorm's step counters aside). */
  unused(): string[] {
    return [...this.tensors.keys()].filter((name) => !this.used.has(name) && !IGNORED.test(name));
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }
}

/**
 * torchvision's own DenseNet weights (the files `weights=` downloads) name "denselayer1.norm.1.weight"
 * what its modules call "denselayer1.norm1.weight"; it renames them as it loads them (densenet.py), so do we.
 */
function legacyDenseNetName(name: string): string {
  return name.replace(
    /^(.*denselayer\d+\.(?:norm|relu|conv))\.([12]\.(?:weight|bias|running_mean|running_var))$/,
    '$1$2',
  );
}

/** What the builder knows of a value: channels (4-D images) or features (2-D), and the spatial size when fixed. */
interface ValueInfo {
  rank: 2 | 4;
  width?: number;
  size?: [number, number];
}

type Pair = number | [number, number];

export interface ConvOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  /** 'infer': from the input's channels and the kernel's (ResNeXt's grouped convolutions). */
  groups?: number | 'depthwise' | 'infer';
}

export interface PoolOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: Pair;
  ceil?: boolean;
  /** AvgPool2d's count_include_pad (PyTorch's default: true). */
  countIncludePad?: boolean;
}

/**
 * Emits the nodes of PyTorch layers in ONNX's ops, naming each output after its module
 * path, reading weights from the state dict (and checking their shapes as it goes).
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly constants = new Map<string, GraphConstant>();
  private readonly info = new Map<string, ValueInfo>();
  private readonly written = new Set<string>();
  /** The architecture's name, once the tensors tell it (for "closest: resnet18, but …"). */
  architecture?: string;

  constructor(readonly sd: StateDict) {}

  /** Declares a value made elsewhere (the graph input). */
  declare(name: string, rank: 2 | 4, width?: number, size?: [number, number]): string {
    this.written.add(name);
    this.info.set(name, { rank, width, size });
    return name;
  }

  widthOf(x: string): number | undefined {
    return this.info.get(x)?.width;
  }

  node(
    op: OpType,
    name: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    outputs: string[] = [name],
  ): string {
    for (const output of outputs) {
      if (this.written.has(output) || this.constants.has(output)) {
        throw new Mismatch(`two values would both be called "${output}"`);
      }
      this.written.add(output);
    }
    this.nodes.push({ name, op, inputs: [...inputs], outputs, attributes });
    return outputs[0];
  }

  /** A state-dict tensor as a constant of the graph (the name is the state dict's). */
  param(name: string, expected?: (number | undefined)[]): string {
    const tensor = this.sd.get(name, expected);
    this.constants.set(name, { kind: 'float', shape: tensor.shape, read: () => tensor.read() });
    return name;
  }

  /** A constant the file does not hold (a BatchNorm without affine parameters: ones, zeros). */
  filled(name: string, length: number, value: number): string {
    this.constants.set(name, {
      kind: 'float',
      shape: [length],
      read: () => Promise.resolve(new Float32Array(length).fill(value)),
    });
    return name;
  }

  integers(name: string, values: number[]): string {
    this.constants.set(name, {
      kind: 'integer',
      shape: [values.length],
      read: () => Promise.resolve(Float32Array.from(values)),
    });
    return name;
  }

  /** nn.Conv2d: weight [out, in / groups, kh, kw], optional bias. */
  conv(path: string, x: string, options: ConvOptions): string {
    const [kh, kw] = pair(options.kernel);
    const channels = this.info.get(x)?.width;
    const weightName = `${path}.weight`;
    let groups = typeof options.groups === 'number' ? options.groups : 1;
    if (options.groups === 'depthwise') {
      if (channels === undefined) throw new Mismatch(`${path} is depthwise over an input of unknown channels`);
      groups = channels;
    } else if (options.groups === 'infer') {
      const perGroup = this.sd.shape(weightName)[1];
      if (channels === undefined || perGroup === undefined || channels % perGroup !== 0) {
        throw new Mismatch(
          `${weightName} takes ${perGroup} channels per group, which do not divide its input's ${channels}`,
        );
      }
      groups = channels / perGroup;
    }
    const inPerGroup = channels === undefined ? undefined : channels / groups;
    const [out] = this.sd.shape(weightName, [undefined, inPerGroup, kh, kw]);
    if (out % groups !== 0)
      throw new Mismatch(`${weightName} has ${out} filters, not a multiple of its ${groups} groups`);
    const inputs = [x, this.param(weightName)];
    if (this.sd.has(`${path}.bias`)) inputs.push(this.param(`${path}.bias`, [out]));
    const [ph, pw] = pair(options.padding ?? 0);
    const y = this.node('Conv', path, inputs, {
      kernel_shape: [kh, kw],
      strides: pair(options.stride ?? 1),
      pads: [ph, pw, ph, pw],
      dilations: pair(options.dilation ?? 1),
      group: groups,
    });
    this.info.set(y, { rank: 4, width: out });
    return y;
  }

  /** nn.BatchNorm2d / 1d in eval mode: running statistics, affine parameters when it has them. */
  batchNorm(path: string, x: string, epsilon = 1e-5): string {
    const info = this.info.get(x);
    const mean = this.param(`${path}.running_mean`, [info?.width]);
    const channels = this.sd.shape(mean)[0];
    const variance = this.param(`${path}.running_var`, [channels]);
    const affine = this.sd.has(`${path}.weight`);
    const scale = affine ? this.param(`${path}.weight`, [channels]) : this.filled(`${path}/ones`, channels, 1);
    const bias = affine ? this.param(`${path}.bias`, [channels]) : this.filled(`${path}/zeros`, channels, 0);
    const y = this.node('BatchNormalization', path, [x, scale, bias, mean, variance], { epsilon });
    this.info.set(y, { rank: info?.rank ?? 4, width: channels, size: info?.size });
    return y;
  }

  /** nn.Linear: weight [out, in], optional bias, as Gemm(x, Wᵀ) + b. */
  linear(path: string, x: string): string {
    if (this.info.get(x)?.rank === 4) throw new Mismatch(`${path} is applied to images, not to flattened features`);
    const features = this.info.get(x)?.width;
    const [out] = this.sd.shape(`${path}.weight`, [undefined, features]);
    const inputs = [x, this.param(`${path}.weight`)];
    if (this.sd.has(`${path}.bias`)) inputs.push(this.param(`${path}.bias`, [out]));
    const y = this.node('Gemm', path, inputs, { transB: 1 });
    this.info.set(y, { rank: 2, width: out });
    return y;
  }

  /** An op that keeps its input's shape (activations, dropout). */
  same(op: OpType, path: string, x: string, attributes: Record<string, AttributeValue> = {}): string {
    const y = this.node(op, path, [x], attributes);
    const info = this.info.get(x);
    if (info) this.info.set(y, info);
    return y;
  }

  relu(path: string, x: string): string {
    return this.same('Relu', path, x);
  }

  /** nn.ReLU6 = Hardtanh(0, 6). */
  relu6(path: string, x: string): string {
    return this.same('Clip', path, x, { min: 0, max: 6 });
  }

  dropout(path: string, x: string): string {
    return this.same('Dropout', path, x);
  }

  /** The output of a container, when it is its last child's: another name for the value. */
  alias(name: string, x: string): string {
    return name === x ? x : this.same('Identity', name, x);
  }

  maxPool(path: string, x: string, options: PoolOptions): string {
    return this.pool('MaxPool', path, x, options);
  }

  avgPool(path: string, x: string, options: PoolOptions): string {
    return this.pool('AveragePool', path, x, options);
  }

  private pool(op: 'MaxPool' | 'AveragePool', path: string, x: string, options: PoolOptions): string {
    const [ph, pw] = pair(options.padding ?? 0);
    const attributes: Record<string, AttributeValue> = {
      kernel_shape: pair(options.kernel),
      strides: pair(options.stride ?? options.kernel),
      pads: [ph, pw, ph, pw],
      ceil_mode: options.ceil ? 1 : 0,
    };
    if (op === 'AveragePool') attributes.count_include_pad = options.countIncludePad === false ? 0 : 1;
    const y = this.node(op, path, [x], attributes);
    this.info.set(y, { rank: 4, width: this.info.get(x)?.width });
    return y;
  }

  /** AdaptiveAvgPool2d((1, 1)): the mean over each channel. */
  globalAveragePool(path: string, x: string): string {
    const y = this.node('GlobalAveragePool', path, [x]);
    this.info.set(y, { rank: 4, width: this.info.get(x)?.width, size: [1, 1] });
    return y;
  }

  /**
   * AdaptiveAvgPool2d(size) exactly as PyTorch computes it for any input size: output cell i
   * of an axis of extent H averages cells floor(i·H/out) to ceil((i+1)·H/out) − 1, windows
   * that overlap when out does not divide H, and repeat a cell when H < out (a 1×1 map is
   * broadcast). The extent is only known when the model runs, so the windows are computed
   * then, from the input's Shape with integer ops; each window is the middle part of a Split
   * (tfjs has no gradient for strided slices; it has one for splits), averaged by ReduceMean,
   * and the windows are concatenated, one axis after the other (the mean of a rectangle is the
   * mean of its rows' means). A size of null keeps that axis.
   */
  adaptiveAvgPool(path: string, x: string, size: [number | null, number | null]): string {
    if (size[0] === 1 && size[1] === 1) return this.globalAveragePool(path, x);
    const axes = ([2, 3] as const).filter((_, k) => size[k] !== null);
    if (!axes.length) return this.alias(path, x);
    const shape = this.node('Shape', `${path}/shape`, [x]);
    let y = x;
    for (const axis of axes) {
      const out = size[axis - 2]!;
      const at = `${path}/${axis === 2 ? 'height' : 'width'}`;
      const extent = this.node('Gather', at, [shape, this.integers(`${at}.axis`, [axis])], { axis: 0 });
      const index = (from: number, name: string) =>
        this.integers(
          `${at}.${name}`,
          Array.from({ length: out }, (_, i) => from + i),
        );
      const outputs = this.integers(`${at}.outputs`, [out]);
      // start = floor(i·H / out), end = ceil((i + 1)·H / out) = floor(((i + 1)·H + out − 1) / out)
      const starts = this.node('Div', `${at}.starts`, [
        this.node('Mul', `${at}.i_times_extent`, [extent, index(0, 'i')]),
        outputs,
      ]);
      const roundedUp = this.node('Add', `${at}.next_times_extent_rounded_up`, [
        this.node('Mul', `${at}.next_times_extent`, [extent, index(1, 'next')]),
        this.integers(`${at}.outputs_minus_1`, [out - 1]),
      ]);
      const ends = this.node('Div', `${at}.ends`, [roundedUp, outputs]);
      const table = this.node(
        'Concat',
        `${at}.splits`,
        [starts, this.node('Sub', `${at}.lengths`, [ends, starts]), this.node('Sub', `${at}.after`, [extent, ends])],
        { axis: 0 },
      );
      const windows = Array.from({ length: out }, (_, i) => {
        const which = this.integers(`${at}.window${i}.picks`, [i, out + i, 2 * out + i]);
        const sizes = this.node('Gather', `${at}.window${i}.splits`, [table, which], { axis: 0 });
        const window = `${at}.window${i}`;
        this.node('Split', `${window}.split`, [y, sizes], { axis }, [`${window}.before`, window, `${window}.after`]);
        return this.node('ReduceMean', `${window}.mean`, [window], { axes: [axis], keepdims: 1 });
      });
      y = this.node('Concat', axis === axes.at(-1) ? path : `${at}.pooled`, windows, { axis });
    }
    const [h, w] = size;
    const known = h !== null && w !== null ? ([h, w] as [number, number]) : undefined;
    this.info.set(y, { rank: 4, width: this.info.get(x)?.width, size: known });
    return y;
  }

  /** torch.flatten(x, 1). */
  flatten(name: string, x: string): string {
    const info = this.info.get(x);
    const y = this.node('Flatten', name, [x], { axis: 1 });
    const width = info?.width !== undefined && info.size ? info.width * info.size[0] * info.size[1] : undefined;
    this.info.set(y, { rank: 2, width: info?.rank === 2 ? info.width : width });
    return y;
  }

  /** torch.cat(xs, 1). */
  concat(name: string, xs: string[]): string {
    const widths = xs.map((x) => this.info.get(x)?.width);
    const y = this.node('Concat', name, xs, { axis: 1 });
    const known = widths.every((w) => w !== undefined);
    this.info.set(y, {
      rank: this.info.get(xs[0])?.rank ?? 4,
      width: known ? widths.reduce((a, b) => a! + b!, 0) : undefined,
    });
    return y;
  }

  /** a + b (a residual connection): both of the same width. */
  add(name: string, a: string, b: string): string {
    const [wa, wb] = [this.widthOf(a), this.widthOf(b)];
    if (wa !== undefined && wb !== undefined && wa !== wb) {
      throw new Mismatch(`${name} adds ${wa} channels to ${wb}`);
    }
    const y = this.node('Add', name, [a, b]);
    this.info.set(y, this.info.get(a) ?? { rank: 4 });
    return y;
  }
}

function pair(value: Pair): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

// ---------------------------------------------------------------------------------------------
// The architectures.

/** An architecture built into a GraphBuilder from the graph input `x`. */
export interface Built {
  /** torchvision's name for it ("resnet18", "vgg11_bn"), or a description of a variant. */
  name: string;
  output: string;
  classes: number;
  /** What the file sets that the name does not say ("width 0.25"). */
  details?: string[];
}

export interface ArchitectureSpec {
  /** The family, as listed in messages ("resnet18/34/50/101/152"). */
  family: string;
  /** The torchvision classes whose pickled modules are this family (torchvision.models.resnet.ResNet). */
  classes: string[];
  /** Names of its tensors: between two that fit equally far, the one naming more of a file's tensors is closer. */
  names: RegExp;
  /** The input of one sample, [C, H, W]; undefined where any size runs. */
  input(sd: StateDict): (number | undefined)[];
  build(b: GraphBuilder, x: string): Built;
}

/** The image input's channels: those of the first convolution's kernel. */
function channelsOf(sd: StateDict, firstConv: string): (number | undefined)[] {
  const shape = sd.peek(firstConv);
  if (!shape) throw new Mismatch(`${firstConv} is missing`);
  if (shape.length !== 4) throw new Mismatch(`${firstConv} has shape [${shape.join(', ')}], not a 2-D convolution's`);
  return [shape[1], undefined, undefined];
}

function classesOf(b: GraphBuilder, output: string): number {
  return b.widthOf(output) ?? 0;
}

/** The course's LeNet (EE-559): MNIST 28×28 → conv 5×5 → max-pool 3 → ReLU → conv 5×5 → max-pool 2 → ReLU → 2 linear. */
const LENET: ArchitectureSpec = {
  family: 'lenet',
  classes: [],
  names: /^(conv[12]|fc[12])\.(weight|bias)$/,
  input: () => [1, 28, 28],
  build(b, x) {
    b.architecture = 'lenet';
    b.sd.shape('conv1.weight', [32, 1, 5, 5]);
    let h = b.conv('conv1', x, { kernel: 5 });
    h = b.relu('relu', b.maxPool('max_pool2d', h, { kernel: 3 }));
    b.sd.shape('conv2.weight', [64, 32, 5, 5]);
    h = b.conv('conv2', h, { kernel: 5 });
    h = b.relu('relu_1', b.maxPool('max_pool2d_1', h, { kernel: 2 }));
    // x.view(-1, 256): conv2's 64 channels of 2×2 for a 28×28 digit.
    h = b.declare(b.node('Flatten', 'view', [h], { axis: 1 }), 2, 256);
    h = b.relu('relu_2', b.linear('fc1', h));
    const output = b.linear('fc2', h);
    return { name: 'lenet', output, classes: classesOf(b, output) };
  },
};

/** torchvision.models.AlexNet (the "one weird trick" variant torchvision ships). */
const ALEXNET: ArchitectureSpec = {
  family: 'alexnet',
  classes: ['AlexNet'],
  names: /^(features\.(0|3|6|8|10)|classifier\.[146])\.(weight|bias)$/,
  input: (sd) => channelsOf(sd, 'features.0.weight'),
  build(b, x) {
    b.architecture = 'alexnet';
    const convs: Record<number, [number, number, number]> = {
      0: [11, 4, 2],
      3: [5, 1, 2],
      6: [3, 1, 1],
      8: [3, 1, 1],
      10: [3, 1, 1],
    };
    let h = x;
    for (let i = 0; i <= 12; i++) {
      const path = `features.${i}`;
      if (convs[i]) {
        const [kernel, stride, padding] = convs[i];
        h = b.conv(path, h, { kernel, stride, padding });
      } else if (i === 2 || i === 5 || i === 12) h = b.maxPool(path, h, { kernel: 3, stride: 2 });
      else h = b.relu(path, h);
    }
    h = b.adaptiveAvgPool('avgpool', b.alias('features', h), [6, 6]);
    h = b.flatten('flatten', h);
    const layers = ['dropout', 'linear', 'relu', 'dropout', 'linear', 'relu', 'linear'] as const;
    const output = b.alias('classifier', sequentialHead(b, 'classifier', h, layers));
    return { name: 'alexnet', output, classes: classesOf(b, output) };
  },
};

/** A classifier Sequential of linear layers, ReLUs and dropouts, by position. */
function sequentialHead(b: GraphBuilder, path: string, x: string, layers: readonly ('linear' | 'relu' | 'dropout')[]) {
  return layers.reduce((h, layer, i) => {
    const at = `${path}.${i}`;
    return layer === 'linear' ? b.linear(at, h) : layer === 'relu' ? b.relu(at, h) : b.dropout(at, h);
  }, x);
}

/** torchvision's VGG configurations by their number of convolutions: "M" is a max-pool. */
const VGG_CONFIGS: Record<number, { depth: number; layers: (number | 'M')[] }> = {
  8: { depth: 11, layers: [1, 'M', 1, 'M', 1, 1, 'M', 1, 1, 'M', 1, 1, 'M'] },
  10: { depth: 13, layers: [1, 1, 'M', 1, 1, 'M', 1, 1, 'M', 1, 1, 'M', 1, 1, 'M'] },
  13: { depth: 16, layers: [1, 1, 'M', 1, 1, 'M', 1, 1, 1, 'M', 1, 1, 1, 'M', 1, 1, 1, 'M'] },
  16: { depth: 19, layers: [1, 1, 'M', 1, 1, 'M', 1, 1, 1, 1, 'M', 1, 1, 1, 1, 'M', 1, 1, 1, 1, 'M'] },
};

const VGG: ArchitectureSpec = {
  family: 'vgg11/13/16/19 (and _bn)',
  classes: ['VGG'],
  names: /^(features|classifier)\.\d+\.(weight|bias|running_mean|running_var)$/,
  input: (sd) => channelsOf(sd, 'features.0.weight'),
  build(b, x) {
    const { sd } = b;
    const batchNorm = sd.has('features.1.running_mean');
    const convs = sd.names().filter((n) => /^features\.\d+\.weight$/.test(n) && sd.peek(n)?.length === 4).length;
    const config = VGG_CONFIGS[convs];
    if (!config) throw new Mismatch(`it has ${convs} convolutions in features; VGG has 8, 10, 13 or 16`);
    const name = `vgg${config.depth}${batchNorm ? '_bn' : ''}`;
    b.architecture = name;
    let h = x;
    let i = 0;
    for (const layer of config.layers) {
      if (layer === 'M') h = b.maxPool(`features.${i++}`, h, { kernel: 2, stride: 2 });
      else {
        h = b.conv(`features.${i++}`, h, { kernel: 3, padding: 1 });
        if (batchNorm) h = b.batchNorm(`features.${i++}`, h);
        h = b.relu(`features.${i++}`, h);
      }
    }
    h = b.adaptiveAvgPool('avgpool', b.alias('features', h), [7, 7]);
    h = b.flatten('flatten', h);
    const layers = ['linear', 'relu', 'dropout', 'linear', 'relu', 'dropout', 'linear'] as const;
    const output = b.alias('classifier', sequentialHead(b, 'classifier', h, layers));
    return { name, output, classes: classesOf(b, output) };
  },
};

const RESNET_NAMES: Record<string, string> = {
  'basic 2,2,2,2': 'resnet18',
  'basic 3,4,6,3': 'resnet34',
  'bottleneck 3,4,6,3': '50',
  'bottleneck 3,4,23,3': '101',
  'bottleneck 3,8,36,3': '152',
};

const RESNET: ArchitectureSpec = {
  family: 'resnet18/34/50/101/152',
  classes: ['ResNet'],
  names: /^(conv1\.|bn1\.|layer[1-4]\.\d+\.|fc\.)/,
  input: (sd) => channelsOf(sd, 'conv1.weight'),
  build(b, x) {
    const { sd } = b;
    const bottleneck = sd.has('layer1.0.conv3.weight');
    const blocks = [1, 2, 3, 4].map((layer) => sd.count(`layer${layer}`));
    const name = resnetName(b, bottleneck, blocks);
    b.architecture = name;
    let h = b.conv('conv1', x, { kernel: 7, stride: 2, padding: 3 });
    h = b.relu('relu', b.batchNorm('bn1', h));
    h = b.maxPool('maxpool', h, { kernel: 3, stride: 2, padding: 1 });
    for (let layer = 1; layer <= 4; layer++) {
      const count = blocks[layer - 1];
      if (!count) throw new Mismatch(`layer${layer}.0.conv1.weight is missing`);
      for (let i = 0; i < count; i++) {
        const stride = layer > 1 && i === 0 ? 2 : 1;
        h = (bottleneck ? bottleneckBlock : basicBlock)(b, `layer${layer}.${i}`, h, stride);
      }
      h = b.alias(`layer${layer}`, h);
    }
    h = b.flatten('flatten', b.globalAveragePool('avgpool', h));
    const output = b.linear('fc', h);
    return { name, output, classes: classesOf(b, output) };
  },
};

/** resnet18…152; ResNeXt and wide ResNets (torchvision's too) by their bottleneck widths and groups. */
function resnetName(b: GraphBuilder, bottleneck: boolean, blocks: number[]): string {
  const key = `${bottleneck ? 'bottleneck' : 'basic'} ${blocks.join(',')}`;
  const known = RESNET_NAMES[key];
  if (blocks.includes(0)) return 'resnet';
  if (!bottleneck) return known ?? `resnet (BasicBlock × ${blocks.join(', ')})`;
  const depth = known ?? ` (Bottleneck × ${blocks.join(', ')})`;
  const width = b.sd.peek('layer1.0.conv1.weight')?.[0];
  const perGroupChannels = b.sd.peek('layer1.0.conv2.weight')?.[1];
  if (width === undefined || perGroupChannels === undefined) return `resnet${depth}`;
  const groups = width / perGroupChannels;
  const perGroup = width / groups;
  if (groups > 1) return `resnext${depth}_${groups}x${perGroup}d`;
  return perGroup === 64 ? `resnet${depth}` : `wide_resnet${depth}_${perGroup / 64}`;
}

/** torchvision.models.resnet.BasicBlock: two 3×3 convolutions (the first strided) and the shortcut. */
export function basicBlock(b: GraphBuilder, path: string, x: string, stride: number): string {
  let h = b.conv(`${path}.conv1`, x, { kernel: 3, stride, padding: 1 });
  h = b.relu(`${path}.relu`, b.batchNorm(`${path}.bn1`, h));
  h = b.batchNorm(`${path}.bn2`, b.conv(`${path}.conv2`, h, { kernel: 3, padding: 1 }));
  return b.relu(path, b.add(`${path}.add`, h, shortcut(b, path, x, stride, b.widthOf(h))));
}

/** torchvision.models.resnet.Bottleneck (ResNet V1.5: the stride on the 3×3 convolution). */
export function bottleneckBlock(b: GraphBuilder, path: string, x: string, stride: number): string {
  let h = b.relu(`${path}.relu`, b.batchNorm(`${path}.bn1`, b.conv(`${path}.conv1`, x, { kernel: 1 })));
  h = b.conv(`${path}.conv2`, h, { kernel: 3, stride, padding: 1, groups: 'infer' });
  h = b.relu(`${path}.relu_1`, b.batchNorm(`${path}.bn2`, h));
  h = b.batchNorm(`${path}.bn3`, b.conv(`${path}.conv3`, h, { kernel: 1 }));
  return b.relu(path, b.add(`${path}.add`, h, shortcut(b, path, x, stride, b.widthOf(h))));
}

/** The identity, or `downsample` (a strided 1×1 convolution and a BatchNorm) where the shape changes. */
function shortcut(b: GraphBuilder, path: string, x: string, stride: number, channels: number | undefined): string {
  const needed = stride !== 1 || channels !== b.widthOf(x);
  if (!needed && !b.sd.has(`${path}.downsample.0.weight`)) return x;
  const h = b.conv(`${path}.downsample.0`, x, { kernel: 1, stride });
  return b.alias(`${path}.downsample`, b.batchNorm(`${path}.downsample.1`, h));
}

/** Where SqueezeNet's features hold Fire modules and max-pools (the rest: the first convolution and its ReLU). */
const SQUEEZENET_LAYOUTS = {
  '1_0': { conv: [7, 2], fires: [3, 4, 5, 7, 8, 9, 10, 12], pools: [2, 6, 11] },
  '1_1': { conv: [3, 2], fires: [3, 4, 6, 7, 9, 10, 11, 12], pools: [2, 5, 8] },
} as const;

const SQUEEZENET: ArchitectureSpec = {
  family: 'squeezenet1_0/1_1',
  classes: ['SqueezeNet'],
  names: /^(features\.0\.|features\.\d+\.(squeeze|expand1x1|expand3x3)\.|classifier\.1\.)/,
  input: (sd) => channelsOf(sd, 'features.0.weight'),
  build(b, x) {
    const version = b.sd.peek('features.0.weight')?.[2] === 7 ? '1_0' : '1_1';
    b.architecture = `squeezenet${version}`;
    const layout = SQUEEZENET_LAYOUTS[version];
    let h = b.conv('features.0', x, { kernel: layout.conv[0], stride: layout.conv[1] });
    h = b.relu('features.1', h);
    for (let i = 2; i <= 12; i++) {
      const path = `features.${i}`;
      if ((layout.pools as readonly number[]).includes(i)) {
        h = b.maxPool(path, h, { kernel: 3, stride: 2, ceil: true });
      } else if ((layout.fires as readonly number[]).includes(i)) h = fire(b, path, h);
    }
    h = b.alias('features', h);
    h = b.dropout('classifier.0', h);
    h = b.relu('classifier.2', b.conv('classifier.1', h, { kernel: 1 }));
    h = b.alias('classifier', b.globalAveragePool('classifier.3', h));
    const output = b.flatten('flatten', h);
    return { name: `squeezenet${version}`, output, classes: classesOf(b, output) };
  },
};

/** torchvision.models.squeezenet.Fire: a 1×1 squeeze, then 1×1 and 3×3 expansions concatenated. */
export function fire(b: GraphBuilder, path: string, x: string): string {
  const s = b.relu(`${path}.squeeze_activation`, b.conv(`${path}.squeeze`, x, { kernel: 1 }));
  const e1 = b.relu(`${path}.expand1x1_activation`, b.conv(`${path}.expand1x1`, s, { kernel: 1 }));
  const e3 = b.relu(`${path}.expand3x3_activation`, b.conv(`${path}.expand3x3`, s, { kernel: 3, padding: 1 }));
  return b.concat(path, [e1, e3]);
}

/** MobileNet V2's inverted residual blocks, features.1–17: the first of each stage strides by its s. */
const MOBILENET_STRIDES = [1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1];
/** torchvision's width multipliers people use, to name a file's: stage channels c·width rounded to multiples of 8. */
const MOBILENET_WIDTHS = [0.25, 0.35, 0.5, 0.75, 1, 1.3, 1.4];
const MOBILENET_CHANNELS = [32, 16, 24, 32, 64, 96, 160, 320];

const MOBILENET_V2: ArchitectureSpec = {
  family: 'mobilenet_v2',
  classes: ['MobileNetV2'],
  names: /^(features\.\d+\.(conv\.)?\d+\.|classifier\.1\.)/,
  input: (sd) => channelsOf(sd, 'features.0.0.weight'),
  build(b, x) {
    b.architecture = 'mobilenet_v2';
    const blocks = b.sd.count('features');
    if (blocks !== 19) throw new Mismatch(`it has features.0–${blocks - 1}; MobileNet V2 has features.0–18`);
    let h = convNormActivation(b, 'features.0', x, { kernel: 3, stride: 2, padding: 1 });
    MOBILENET_STRIDES.forEach((stride, i) => (h = invertedResidual(b, `features.${i + 1}`, h, stride)));
    h = convNormActivation(b, 'features.18', h, { kernel: 1 });
    h = b.flatten('flatten', b.globalAveragePool('adaptive_avg_pool2d', b.alias('features', h)));
    const output = b.alias('classifier', b.linear('classifier.1', b.dropout('classifier.0', h)));
    return { name: 'mobilenet_v2', output, classes: classesOf(b, output), details: mobilenetWidth(b) };
  },
};

function mobilenetWidth(b: GraphBuilder): string[] {
  const stem = b.sd.shape('features.0.0.weight')[0];
  const outputs = [
    stem,
    ...[1, 3, 6, 10, 13, 16, 17].map((i) => b.sd.shape(`features.${i}.conv.${i === 1 ? 1 : 2}.weight`)[0]),
  ];
  const width = MOBILENET_WIDTHS.find((w) => MOBILENET_CHANNELS.every((c, i) => makeDivisible(c * w) === outputs[i]));
  return width === 1 ? [] : [width === undefined ? 'custom widths' : `width ${width}`];
}

/** torchvision's _make_divisible(v, 8): the nearest multiple of 8, at least 8 and not below 90 % of v. */
function makeDivisible(v: number): number {
  const rounded = Math.max(8, Math.floor((v + 4) / 8) * 8);
  return rounded < 0.9 * v ? rounded + 8 : rounded;
}

/** torchvision.ops.Conv2dNormActivation with ReLU6 (MobileNet's): convolution, BatchNorm, activation. */
export function convNormActivation(b: GraphBuilder, path: string, x: string, conv: ConvOptions): string {
  const [kernel] = pair(conv.kernel);
  const h = b.conv(`${path}.0`, x, { padding: (kernel - 1) / 2, ...conv });
  return b.alias(path, b.relu6(`${path}.2`, b.batchNorm(`${path}.1`, h)));
}

/** torchvision.models.mobilenetv2.InvertedResidual: 1×1 expansion (unless its ratio is 1), depthwise 3×3, 1×1 projection. */
export function invertedResidual(b: GraphBuilder, path: string, x: string, stride: number): string {
  const expand = b.sd.has(`${path}.conv.3.running_mean`);
  let h = x;
  let i = 0;
  if (expand) h = convNormActivation(b, `${path}.conv.${i++}`, h, { kernel: 1 });
  h = convNormActivation(b, `${path}.conv.${i++}`, h, { kernel: 3, stride, groups: 'depthwise' });
  h = b.conv(`${path}.conv.${i++}`, h, { kernel: 1 });
  h = b.alias(`${path}.conv`, b.batchNorm(`${path}.conv.${i++}`, h));
  const residual = stride === 1 && b.widthOf(x) === b.widthOf(h);
  return residual ? b.add(path, x, h) : b.alias(path, h);
}

const DENSENET_NAMES: Record<string, string> = {
  '64 32 6,12,24,16': 'densenet121',
  '96 48 6,12,36,24': 'densenet161',
  '64 32 6,12,32,32': 'densenet169',
  '64 32 6,12,48,32': 'densenet201',
};

const DENSENET: ArchitectureSpec = {
  family: 'densenet121 (and 161/169/201)',
  classes: ['DenseNet'],
  names: /^(features\.(conv0|norm0|norm5|denseblock\d+|transition\d+)\.|classifier\.)/,
  input: (sd) => channelsOf(sd, 'features.conv0.weight'),
  build(b, x) {
    const { sd } = b;
    b.architecture = denseNetName(sd);
    let h = b.conv('features.conv0', x, { kernel: 7, stride: 2, padding: 3 });
    h = b.relu('features.relu0', b.batchNorm('features.norm0', h));
    h = b.maxPool('features.pool0', h, { kernel: 3, stride: 2, padding: 1 });
    const config: number[] = [];
    for (let block = 1; sd.hasUnder(`features.denseblock${block}.`); block++) {
      const path = `features.denseblock${block}`;
      const features = [h];
      for (let layer = 1; sd.hasUnder(`${path}.denselayer${layer}.`); layer++) {
        features.push(denseLayer(b, `${path}.denselayer${layer}`, features));
      }
      config.push(features.length - 1);
      h = b.concat(path, features);
      const transition = `features.transition${block}`;
      if (sd.hasUnder(`${transition}.`)) {
        let t = b.relu(`${transition}.relu`, b.batchNorm(`${transition}.norm`, h));
        t = b.conv(`${transition}.conv`, t, { kernel: 1 });
        h = b.alias(transition, b.avgPool(`${transition}.pool`, t, { kernel: 2, stride: 2 }));
      }
    }
    if (!config.length) throw new Mismatch('features.denseblock1.denselayer1.conv1.weight is missing');
    h = b.alias('features', b.batchNorm('features.norm5', h));
    h = b.globalAveragePool('adaptive_avg_pool2d', b.relu('relu', h));
    const output = b.linear('classifier', b.flatten('flatten', h));
    return { name: denseNetName(sd), output, classes: classesOf(b, output) };
  },
};

/** densenet121…201 by the stem's channels, the growth rate and the layers of each block. */
function denseNetName(sd: StateDict): string {
  const config: number[] = [];
  for (let block = 1; sd.hasUnder(`features.denseblock${block}.`); block++) {
    let layers = 0;
    while (sd.hasUnder(`features.denseblock${block}.denselayer${layers + 1}.`)) layers++;
    config.push(layers);
  }
  const stem = sd.peek('features.conv0.weight')?.[0];
  const growth = sd.peek('features.denseblock1.denselayer1.conv2.weight')?.[0];
  return DENSENET_NAMES[`${stem} ${growth} ${config.join(',')}`] ?? `densenet (blocks of ${config.join(', ')} layers)`;
}

/** torchvision.models.densenet._DenseLayer: BN-ReLU-1×1 conv, BN-ReLU-3×3 conv over the block's features so far. */
function denseLayer(b: GraphBuilder, path: string, features: string[]): string {
  const x = features.length === 1 ? features[0] : b.concat(`${path}.cat`, features);
  let h = b.conv(`${path}.conv1`, b.relu(`${path}.relu1`, b.batchNorm(`${path}.norm1`, x)), { kernel: 1 });
  h = b.relu(`${path}.relu2`, b.batchNorm(`${path}.norm2`, h));
  return b.alias(path, b.conv(`${path}.conv2`, h, { kernel: 3, padding: 1 }));
}

/** Every architecture recognised, in the order they are tried (and listed). */
export const ARCHITECTURES: readonly ArchitectureSpec[] = [
  LENET,
  ALEXNET,
  VGG,
  RESNET,
  SQUEEZENET,
  MOBILENET_V2,
  DENSENET,
];

/** The family a pickled torchvision module's class (torchvision.models.resnet.ResNet) belongs to. */
export function architectureOfClass(qualifiedName: string): ArchitectureSpec | undefined {
  if (!qualifiedName.startsWith('torchvision.models.')) return undefined;
  const className = qualifiedName.slice(qualifiedName.lastIndexOf('.') + 1);
  return ARCHITECTURES.find((spec) => spec.classes.includes(className));
}
