// A small seeded PRNG so datasets, initial weights and mini-batches are the same for a
// given seed on every backend and machine (Math.random cannot be seeded).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  normal(mean: number, std: number): number;
  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Uint32Array;
}

/** mulberry32: 32-bit state, passes the usual statistical batteries, and is fast in JS. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uniform = (min: number, max: number): number => min + (max - min) * next();
  return {
    next,
    uniform,
    normal(mean, std) {
      // Box–Muller; 1 - next() keeps the logarithm's argument in (0, 1].
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      return mean + std * r * Math.cos(2 * Math.PI * next());
    },
    permutation(n) {
      const p = new Uint32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
  };
}

/** PyTorch's default for nn.Linear and nn.Conv2d weights and biases: uniform in ±1/√fan_in. */
export function pytorchDefaultInit(rng: Random, count: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: count }, () => rng.uniform(-bound, bound));
}
