// Whether two flat contents have the same fields with the same values (===): a view
// shown the content it already shows need not draw again.
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as (keyof T)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
