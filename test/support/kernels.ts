// Deterministic weights that look like trained ones (oriented, smooth Gabor-like filters
// plus noise), in the shapes of LeNet and AlexNet's layers, for the renderer and webview tests.
import { seededRandom } from '../../src/core/util/random';

export interface TestTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** O × I × H × W (OIHW) filters: each tile a random orientation, frequency and phase under a Gaussian. */
export function gaborKernel(seed: number, [o, i, h, w]: number[]): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(o * i * h * w);
  let k = 0;
  for (let a = 0; a < o; a++) {
    const [angle, frequency, phase] = [random.uniform(0, Math.PI), random.uniform(0.3, 0.9), random.uniform(0, 6.3)];
    for (let b = 0; b < i; b++) {
      const gain = random.normal(0, 0.12);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const [u, v] = [(x - (w - 1) / 2) / (w / 2), (y - (h - 1) / 2) / (h / 2)];
          const along = u * Math.cos(angle) + v * Math.sin(angle);
          const envelope = Math.exp(-(u * u + v * v) * 1.2);
          values[k++] = gain * envelope * Math.cos(frequency * Math.PI * along * 2 + phase) + random.normal(0, 0.01);
        }
      }
    }
  }
  return values;
}

function normalValues(seed: number, size: number, std: number): Float32Array {
  const random = seededRandom(seed);
  return new Float32Array(size).map(() => random.normal(0, std));
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** The lecture's LeNet (1→32→64 convolutions of 5×5, then two Linear layers) with made-up values. */
export function lenetTensors(): TestTensor[] {
  const layers: [string, number[]][] = [
    ['conv1.weight', [32, 1, 5, 5]],
    ['conv1.bias', [32]],
    ['conv2.weight', [64, 32, 5, 5]],
    ['conv2.bias', [64]],
    ['fc1.weight', [200, 256]],
    ['fc1.bias', [200]],
    ['fc2.weight', [10, 200]],
    ['fc2.bias', [10]],
  ];
  return layers.map(([name, shape], seed) => ({
    name,
    shape,
    values: shape.length === 4 ? gaborKernel(seed + 1, shape) : normalValues(seed + 1, size(shape), 0.05),
  }));
}

/** AlexNet's first two convolutions: 3→64 of 11×11 (RGB filters), 64→192 of 5×5. */
export function alexnetTensors(): TestTensor[] {
  return [
    { name: 'features.0.weight', shape: [64, 3, 11, 11], values: gaborKernel(101, [64, 3, 11, 11]) },
    { name: 'features.3.weight', shape: [192, 64, 5, 5], values: gaborKernel(102, [192, 64, 5, 5]) },
  ];
}
