// The tensors a view asked for, served newest request first: while the user scrubs, the
// frame now on screen goes before the neighbours prefetched for earlier frames, and what
// is too old to matter is dropped.

export interface Fetch {
  checkpoint: string;
  tensor: string;
}

const keyOf = (f: Fetch): string => `${f.checkpoint}\u0000${f.tensor}`;

export class FetchQueue {
  private items: Fetch[] = [];

  constructor(private readonly capacity = 64) {}

  /** Puts these first, in their order; an earlier request for the same tensor moves up with them. */
  want(fetches: readonly Fetch[]): void {
    const seen = new Set<string>();
    const fresh = fetches.filter((f) => !seen.has(keyOf(f)) && seen.add(keyOf(f)));
    this.items = [...fresh, ...this.items.filter((f) => !seen.has(keyOf(f)))].slice(0, this.capacity);
  }

  next(): Fetch | undefined {
    return this.items.shift();
  }

  clear(): void {
    this.items = [];
  }

  get length(): number {
    return this.items.length;
  }
}
