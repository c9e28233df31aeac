// Numbers as the CLI, the extension's messages and the views print them alike.

/** An accuracy or a fraction done: "96.7 %". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
