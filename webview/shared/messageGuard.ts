// Host messages are checked by type before a view applies them.

/**
 * A guard for messages of these types: messages of a type we do not know (a newer host,
 * another extension) are ignored.
 */
export function messageGuard<T extends { type: string }>(types: T['type'][]): (data: unknown) => data is T {
  const known = new Set<unknown>(types);
  return (data): data is T => typeof data === 'object' && data !== null && known.has((data as { type?: unknown }).type);
}
