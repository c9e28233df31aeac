// Drawing speed of the shared renderers in Node (@napi-rs/canvas, the CLI's path): a
// 600×600 hyperplane scene of 1,000 points and 20 units, regions shaded.
import { createCanvas } from '@napi-rs/canvas';
import { drawHyperplaneScene, type HyperplaneScene } from '../src/render/hyperplanes';
import { LIGHT_THEME } from '../src/render/theme';
import { discDataset, solvedDiscSnapshot } from '../test/render/scenes';
import { type BenchRow, median } from './benchRow';

const FRAMES = 20;

export function benchRender(): BenchRow[] {
  const ctx = createCanvas(600, 600).getContext('2d') as unknown as CanvasRenderingContext2D;
  const scene: HyperplaneScene = {
    dataset: discDataset(),
    snapshot: solvedDiscSnapshot(),
    activation: 'relu',
    showTest: true,
    showRegions: true,
  };
  const rect = { x: 0, y: 0, width: 600, height: 600 };
  const times = Array.from({ length: FRAMES }, () => {
    const start = performance.now();
    drawHyperplaneScene(ctx, rect, scene, LIGHT_THEME);
    return performance.now() - start;
  });
  return [
    {
      name: 'hyperplane scene 600×600 (Node canvas)',
      value: `${median(times).toFixed(1)} ms per frame, worst ${Math.max(...times).toFixed(1)} ms`,
    },
  ];
}
