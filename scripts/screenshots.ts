// Copies the README's pictures of real VS Code from the end-to-end tests' screenshots
// (test-results/e2e-*.png, 1440 px wide) into media/screenshots/, scaled down to keep
// them small. Run after `node scripts/test.mjs e2e`: node --import tsx scripts/screenshots.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';

const WIDTH = 1024;
const root = join(import.meta.dirname, '..');
const PICTURES: Record<string, string> = {
  'e2e-4-codelens-trained.png': 'vscode-hyperplanes.png',
  'e2e-2-conv2-filters.png': 'vscode-weights.png',
};

async function main(): Promise<void> {
  for (const [from, to] of Object.entries(PICTURES)) {
    const image = await loadImage(join(root, 'test-results', from));
    const height = Math.round((image.height * WIDTH) / image.width);
    const canvas = createCanvas(WIDTH, height);
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image, 0, 0, WIDTH, height);
    const png = canvas.toBuffer('image/png');
    writeFileSync(join(root, 'media/screenshots', to), png);
    console.log(`media/screenshots/${to}: ${WIDTH}×${height}, ${Math.round(png.length / 1024)} KB`);
  }
}

void main();
