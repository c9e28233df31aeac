// `npm run bench`: every benchmark, medians of repeated runs, printed as a table.
import { benchTrain2d } from './train2d';

async function main(): Promise<void> {
  console.log(`Weight Lens benchmarks — node ${process.version}, ${process.platform}-${process.arch}`);
  for (const row of await benchTrain2d()) console.log(`${row.name.padEnd(40)} ${row.value}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
