// Renders the Marketplace icon, media/icon.png (128 px; the Marketplace takes no SVG), from
// the activity-bar glyph media/weight-lens.svg: the lens in the dark theme's foreground on
// its background, the three lines in the first hidden units' colours as the view draws them.
// Run after changing the glyph: node --import tsx scripts/icon.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { DARK_THEME, unitColor } from '../src/render/theme';

const SIZE = 128;
const root = join(import.meta.dirname, '..');

let line = 0;
const svg = readFileSync(join(root, 'media/weight-lens.svg'), 'utf8')
  .replace('width="24" height="24"', `width="${SIZE}" height="${SIZE}"`)
  .replace(/currentColor/g, DARK_THEME.foreground)
  .replace(/<path d="([^"]+)"\/>/g, (_, d: string) => `<path d="${d}" stroke="${unitColor(line++)}"/>`);

// (tsx runs this file as CommonJS: no top-level await.)
void loadImage(Buffer.from(svg)).then((glyph) => {
  const canvas = createCanvas(SIZE, SIZE);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = DARK_THEME.background;
  ctx.beginPath();
  ctx.roundRect(0, 0, SIZE, SIZE, SIZE * 0.18);
  ctx.fill();
  const margin = SIZE * 0.06;
  ctx.drawImage(glyph, margin, margin, SIZE - 2 * margin, SIZE - 2 * margin);
  writeFileSync(join(root, 'media/icon.png'), canvas.toBuffer('image/png'));
});
