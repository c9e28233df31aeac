// The tensors of the frames around the one shown, kept in the webview: scrubbing back
// and forth draws from here, and what is missing is asked for ahead of the scrubber, the
// frame shown first. Bounded by bytes (an LRU), as the host's cache is; a tensor larger
// than that bound is kept alone, the last one only.
import { Lru } from '../../src/core/util/lru';

/** Decoded tensors kept in the webview: many frames of a LeNet (200 kB each), a few of a large model; the host keeps more. */
const CACHE_BYTES = 48 << 20;
/** A request not answered by then is made again (the host drops the oldest of a long queue). */
const IN_FLIGHT_MS = 2000;

const keyOf = (checkpoint: string, tensor: string): string => `${checkpoint}\u0000${tensor}`;

export class TensorFrames {
  private readonly cache: Lru<Float32Array>;
  /** The last tensor too large for the cache, kept alone: it can be shown (and playback go on). */
  private oversized?: { key: string; values: Float32Array };
  private readonly inFlight = new Map<string, number>();
  private readonly errors = new Map<string, string>();

  constructor(
    private readonly request: (tensor: string, checkpoints: string[]) => void,
    private readonly cacheBytes = CACHE_BYTES,
  ) {
    this.cache = new Lru({ capacity: cacheBytes, weigh: (v) => v.byteLength });
  }

  get(checkpoint: string, tensor: string): Float32Array | undefined {
    return this.kept(keyOf(checkpoint, tensor));
  }

  error(checkpoint: string, tensor: string): string | undefined {
    return this.errors.get(keyOf(checkpoint, tensor));
  }

  /**
   * Asks for what is neither kept nor failed, `checkpoints[0]` (the frame shown) even if
   * asked for before, so that it goes first; the others only if not on their way. What is
   * kept becomes the most recently used: the tensors arriving for the others must not evict
   * it before the scrubber gets there.
   */
  want(tensor: string, checkpoints: readonly string[], now = performance.now()): void {
    const missing = checkpoints.filter((checkpoint, i) => {
      const key = keyOf(checkpoint, tensor);
      if (this.kept(key) || this.errors.has(key)) return false;
      const asked = this.inFlight.get(key);
      return i === 0 || asked === undefined || now - asked > IN_FLIGHT_MS;
    });
    if (!missing.length) return;
    for (const checkpoint of missing) this.inFlight.set(keyOf(checkpoint, tensor), now);
    this.request(tensor, missing);
  }

  received(checkpoint: string, tensor: string, values: Float32Array): void {
    const key = keyOf(checkpoint, tensor);
    this.inFlight.delete(key);
    if (values.byteLength > this.cacheBytes) this.oversized = { key, values };
    else this.cache.set(key, values);
  }

  failed(checkpoint: string, tensor: string, message: string): void {
    const key = keyOf(checkpoint, tensor);
    this.inFlight.delete(key);
    this.errors.set(key, message);
  }

  /** The checkpoint's file changed (or went): what came from it before is dropped. */
  forget(checkpoint: string): void {
    const prefix = keyOf(checkpoint, '');
    this.cache.deleteWhere((key) => key.startsWith(prefix));
    if (this.oversized?.key.startsWith(prefix)) this.oversized = undefined;
    for (const map of [this.inFlight, this.errors]) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  /** Another series. */
  clear(): void {
    this.cache.clear();
    this.oversized = undefined;
    this.inFlight.clear();
    this.errors.clear();
  }

  /** The tensor, if kept (then the most recently used). */
  private kept(key: string): Float32Array | undefined {
    return this.cache.get(key) ?? (this.oversized?.key === key ? this.oversized.values : undefined);
  }
}
