// `npm run bench`: every benchmark, medians of repeated runs, printed as a table.
import { benchEngine } from './engine';
import { benchEvolution } from './evolution';
import { benchLenet } from './lenet';
import { benchRender } from './render';
import { benchTrain2d } from './train2d';
import { benchWeights } from './weights';

async function main(): Promise<void> {
  console.log(`Weight Lens benchmarks — node ${process.version}, ${process.platform}-${process.arch}`);
  const print = (rows: { name: string; value: string }[]) =>
    rows.forEach((r) => console.log(`${r.name.padEnd(40)} ${r.value}`));
  print(await benchTrain2d());
  print(await benchLenet());
  print(benchRender());
  print(benchWeights());
  print(await benchEvolution());
  print(await benchEngine());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
