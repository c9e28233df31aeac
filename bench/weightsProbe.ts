// One measurement in a fresh process, so peak memory is this work's alone:
//   weightsProbe.ts empty        loads the same modules and does nothing (the baseline)
//   weightsProbe.ts grid FILE    lists FILE's tensors, then draws the first 4-D tensor's filter grid
// Prints {"listMs", "gridMs", "tensors", "maxRssMB"} as JSON.
import { createCanvas } from '@napi-rs/canvas';
import { openWeightFile } from '../src/core/formats/openWeightFile';
import { kernelView } from '../src/core/tensor/kernel';
import { drawFilterGrid, filterGridLayout } from '../src/render/filterGrid';
import { LIGHT_THEME } from '../src/render/theme';

type Scratch = Parameters<typeof drawFilterGrid>[3]['createCanvas'];

async function firstGrid(path: string): Promise<{ listMs: number; gridMs: number; tensors: number }> {
  const start = performance.now();
  const file = await openWeightFile(path);
  const listMs = performance.now() - start;
  const conv = file.tensors.find((t) => t.shape.length === 4);
  if (!conv) throw new Error(`${path} has no 4-D tensor`);
  const kernel = kernelView(await file.read(conv.name), conv.shape, conv.layout ?? 'OIHW');
  const layout = filterGridLayout(kernel, { filters: kernel.filters, channels: kernel.channels, rgb: false, scale: 4 });
  const canvas = createCanvas(Math.ceil(layout.width), Math.ceil(layout.height));
  const scratch = ((w: number, h: number) => createCanvas(w, h)) as unknown as Scratch;
  const ctx = canvas.getContext('2d') as unknown as CanvasRenderingContext2D;
  drawFilterGrid(ctx, layout, kernel, { normalization: 'global', createCanvas: scratch }, LIGHT_THEME);
  const gridMs = performance.now() - start;
  await file.close();
  return { listMs, gridMs, tensors: file.tensors.length };
}

async function main(): Promise<void> {
  const [mode, path] = process.argv.slice(2);
  const result = mode === 'grid' ? await firstGrid(path) : {};
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ...result, maxRssMB }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
