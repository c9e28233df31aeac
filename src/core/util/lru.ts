// A least-recently-used cache bounded by the total weight of what it holds (bytes of
// decoded tensors; or 1 per entry, for open files). Evicted values go to `onEvict`, so
// an open file can be closed. A Map keeps insertion order: the first key is the oldest.

export interface LruOptions<V> {
  /** The most total weight kept. */
  capacity: number;
  weigh(value: V): number;
  onEvict?(value: V, key: string): void;
}

export class Lru<V> {
  private readonly entries = new Map<string, V>();
  private total = 0;

  constructor(private readonly options: LruOptions<V>) {}

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keeps the value, evicting the least recently used ones beyond the capacity; one heavier than it is not kept. */
  set(key: string, value: V): void {
    this.delete(key);
    const weight = this.options.weigh(value);
    if (weight > this.options.capacity) {
      this.options.onEvict?.(value, key);
      return;
    }
    this.entries.set(key, value);
    this.total += weight;
    for (const oldest of this.entries.keys()) {
      if (this.total <= this.options.capacity) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.total -= this.options.weigh(value);
    this.options.onEvict?.(value, key);
  }

  /** Deletes every entry whose key passes the test (a checkpoint's tensors, when the file changed). */
  deleteWhere(test: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (test(key)) this.delete(key);
  }

  clear(): void {
    this.deleteWhere(() => true);
  }

  /** The total weight held. */
  get weight(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }
}
