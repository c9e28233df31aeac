// Pixel checks of the filter grid, heat map and bar strip drawn in Node by @napi-rs/canvas
// (the CLI's path); PNGs of LeNet- and AlexNet-shaped layers go to test-results/.
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kernelView, type KernelView, type Normalization } from '../../src/core/tensor/kernel';
import { colorLevel, colorMap, NON_FINITE_RGB } from '../../src/render/color';
import {
  drawFilterGrid,
  filterGridLayout,
  tileAt,
  tileRect,
  type FilterGridOptions,
} from '../../src/render/filterGrid';
import { drawHeatmap, heatmapCellAt, heatmapLayout } from '../../src/render/heatmap';
import type { CreateCanvas } from '../../src/render/pixels';
import { DARK_THEME, LIGHT_THEME, type Theme } from '../../src/render/theme';
import { alexnetTensors, lenetTensors } from '../support/kernels';

const RESULTS = join(__dirname, '..', '..', 'test-results');
const scratch: CreateCanvas = (w, h) => createCanvas(w, h) as unknown as OffscreenCanvas;

type Rgb = [number, number, number];

interface Drawn {
  ctx: SKRSContext2D;
  layout: ReturnType<typeof filterGridLayout>;
  png: () => Buffer;
}

function drawGrid(
  kernel: KernelView,
  options: Partial<FilterGridOptions> & { normalization?: Normalization },
  theme: Theme = DARK_THEME,
): Drawn {
  const { normalization = 'global', ...rest } = options;
  const layout = filterGridLayout(kernel, { filters: 64, channels: 64, rgb: false, scale: 4, ...rest });
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  drawFilterGrid(
    ctx as unknown as CanvasRenderingContext2D,
    layout,
    kernel,
    { normalization, createCanvas: scratch },
    theme,
  );
  return { ctx, layout, png: () => canvas.toBuffer('image/png') };
}

function pixel(ctx: SKRSContext2D, x: number, y: number): Rgb {
  const [r, g, b] = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
  return [r, g, b];
}

/** Every pixel of a kernel value's square, which must all be one colour (no smoothing). */
function square(drawn: Drawn, filter: number, channel: number, y: number, x: number): Rgb {
  const tile = tileRect(drawn.layout, filter, channel);
  const scale = drawn.layout.grid.scale;
  const { data } = drawn.ctx.getImageData(tile.x + x * scale, tile.y + y * scale, scale, scale);
  const first: Rgb = [data[0], data[1], data[2]];
  for (let i = 0; i < data.length; i += 4) {
    assert.deepEqual(
      [data[i], data[i + 1], data[i + 2]],
      first,
      `square of (${filter}, ${channel}, ${y}, ${x}) is flat`,
    );
  }
  return first;
}

const grey = (level: number): Rgb => [level, level, level];
const DIVERGING = colorMap('symmetric');
const diverging = (level: number): Rgb => [DIVERGING[level * 3], DIVERGING[level * 3 + 1], DIVERGING[level * 3 + 2]];

function save(name: string, png: Buffer): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, name), png);
}

/** 2 filters × 2 channels × 2×3: filter 0 spans −1..1, filter 1 spans 0..4. */
const SMALL = kernelView(
  Float32Array.from([-1, -0.5, 0, 0.5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 2, 2, 2, 2, 2, 2, 2]),
  [2, 2, 2, 3],
  'OIHW',
);

describe('filterGridLayout', () => {
  it('puts filter indices left of the rows and channel indices above the columns', () => {
    const { layout } = drawGrid(SMALL, {});
    assert.equal(layout.grid.arrangement, 'rows');
    assert.deepEqual([layout.rowLabelStep, layout.columnLabelStep], [1, 1]);
    assert.ok(layout.tilesX > 6 && layout.tilesY > 6, 'room for the labels');
    const tile = tileRect(layout, 1, 1);
    assert.deepEqual(tileAt(layout, tile.x + 4 * 2 + 1, tile.y + 4 + 3), { filter: 1, channel: 1, y: 1, x: 2 });
    assert.equal(tileAt(layout, tile.x - 1, tile.y), undefined, 'the gap before the tile');
  });

  it('labels every k-th row and column when tiles are too small for every index', () => {
    const layout = filterGridLayout(
      { filters: 192, channels: 64, height: 5, width: 5 },
      {
        filters: 192,
        channels: 64,
        rgb: false,
        scale: 1,
      },
    );
    assert.deepEqual([layout.rowLabelStep, layout.columnLabelStep], [2, 5]);
    assert.equal(layout.grid.width, 64 * 6 - 1);
  });

  it('wraps single-channel filters to the width it is given, with each index under its image', () => {
    const layout = filterGridLayout(
      { filters: 32, channels: 1, height: 5, width: 5 },
      {
        filters: 32,
        channels: 32,
        rgb: false,
        scale: 8,
        maxWidth: 400,
      },
    );
    assert.equal(layout.grid.arrangement, 'wrapped');
    assert.ok(layout.tileLabels);
    assert.ok(layout.width <= 400 && layout.width + layout.grid.pitchX > 400, `width ${layout.width}`);
  });

  it('leaves the labels out on request', () => {
    const layout = filterGridLayout(SMALL, { filters: 2, channels: 2, rgb: false, scale: 4, labels: false });
    assert.deepEqual([layout.tilesX, layout.tilesY, layout.rowLabelStep, layout.columnLabelStep], [6, 6, 0, 0]);
  });
});

describe('drawFilterGrid', () => {
  it('draws each value as a flat square of its grey level (global min-max)', () => {
    const drawn = drawGrid(SMALL, {});
    const range = { low: -1, high: 4 };
    for (const [o, i, y, x] of [
      [0, 0, 0, 0],
      [0, 0, 1, 1],
      [1, 0, 1, 1],
      [1, 0, 1, 2],
    ]) {
      assert.deepEqual(
        square(drawn, o, i, y, x),
        grey(colorLevel(SMALL.at(o, i, y, x), range)),
        `(${o}, ${i}, ${y}, ${x})`,
      );
    }
    assert.deepEqual(square(drawn, 0, 0, 0, 0), [0, 0, 0], 'the minimum is black');
    assert.deepEqual(square(drawn, 1, 0, 1, 1), [255, 255, 255], 'the maximum is white');
  });

  it('spans each filter from black to white when normalized per filter', () => {
    const drawn = drawGrid(SMALL, { normalization: 'filter' });
    assert.deepEqual(square(drawn, 0, 0, 0, 0), grey(0));
    assert.deepEqual(square(drawn, 0, 0, 0, 2), grey(128), 'zero is the middle of −1..1');
    assert.deepEqual(square(drawn, 0, 0, 1, 1), grey(255));
    assert.deepEqual(square(drawn, 1, 0, 0, 0), grey(0));
    assert.deepEqual(square(drawn, 1, 0, 1, 1), grey(255));
  });

  it('colours symmetric values blue below zero, white at zero, red above', () => {
    const drawn = drawGrid(SMALL, { normalization: 'symmetric' });
    assert.deepEqual(square(drawn, 0, 1, 0, 0), diverging(128), 'zero');
    assert.deepEqual(square(drawn, 1, 0, 1, 1), diverging(255), '+4, the largest |v|');
    assert.deepEqual(square(drawn, 0, 0, 0, 0), diverging(colorLevel(-1, { low: -4, high: 4 })), '−1');
    const [r, g, b] = square(drawn, 0, 0, 0, 0);
    assert.ok(b > r && b > g, `−1 is blue: ${[r, g, b]}`);
    save('filterGrid-symmetric.png', drawn.png());
  });

  it('draws RGB images from channels 0, 1, 2', () => {
    // One 1×2 filter: pixel 0 is (low, high, middle) across the channels, pixel 1 the reverse.
    const kernel = kernelView(Float32Array.from([0, 4, 4, 0, 2, 2]), [1, 3, 1, 2], 'OIHW');
    const drawn = drawGrid(kernel, { rgb: true });
    assert.equal(drawn.layout.grid.arrangement, 'wrapped');
    assert.deepEqual(square(drawn, 0, 0, 0, 0), [0, 255, 128]);
    assert.deepEqual(square(drawn, 0, 0, 0, 1), [255, 0, 128]);
  });

  it('marks NaN and ±Inf in their own colour without changing the others', () => {
    const kernel = kernelView(Float32Array.from([NaN, 0, 1, Infinity, 2, -Infinity]), [1, 1, 2, 3], 'OIHW');
    const drawn = drawGrid(kernel, {});
    for (const [y, x] of [
      [0, 0],
      [1, 0],
      [1, 2],
    ]) {
      assert.deepEqual(square(drawn, 0, 0, y, x), [...NON_FINITE_RGB]);
    }
    assert.deepEqual(square(drawn, 0, 0, 0, 1), grey(0));
    assert.deepEqual(square(drawn, 0, 0, 0, 2), grey(128));
    assert.deepEqual(square(drawn, 0, 0, 1, 1), grey(255));
    save('filterGrid-nan.png', drawn.png());
  });

  it('paints the gaps and margins in the theme background and the labels in its muted colour', () => {
    const drawn = drawGrid(SMALL, {}, LIGHT_THEME);
    const tile = tileRect(drawn.layout, 0, 0);
    assert.deepEqual(pixel(drawn.ctx, tile.x + tile.width, tile.y + 1), [255, 255, 255]);
    assert.deepEqual(pixel(drawn.ctx, 1, drawn.layout.height - 1), [255, 255, 255]);
    const { data } = drawn.ctx.getImageData(0, tile.y, drawn.layout.tilesX, tile.height);
    const muted = [0x65, 0x6d, 0x76];
    let text = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.max(...muted.map((c, j) => Math.abs(data[i + j] - c))) < 60) text++;
    }
    assert.ok(text > 3, `pixels of the row label "0": ${text}`);
  });

  it('draws only the visible part, its indices kept at its top and left edges', () => {
    const [, conv2] = lenetTensors().filter((t) => t.shape.length === 4);
    const kernel = kernelView(conv2.values, conv2.shape, 'OIHW');
    const whole = drawGrid(kernel, { filters: 8, channels: 8 });
    const { layout } = whole;
    const visible = { x: 60, y: 50, width: 80, height: 60 };
    const canvas = createCanvas(layout.width, layout.height);
    const ctx = canvas.getContext('2d');
    drawFilterGrid(
      ctx as unknown as CanvasRenderingContext2D,
      layout,
      kernel,
      { normalization: 'global', createCanvas: scratch, visible },
      DARK_THEME,
    );
    // Past the label bands, the tiles are as in the whole drawing.
    const [x, y] = [visible.x + layout.tilesX, visible.y + layout.tilesY];
    const [width, height] = [visible.width - layout.tilesX, visible.height - layout.tilesY];
    const part = (c: SKRSContext2D) => [...c.getImageData(x, y, width, height).data];
    assert.deepEqual(part(ctx), part(whole.ctx));
    assert.deepEqual(pixel(ctx, 10, 100), [0, 0, 0], 'nothing drawn outside it');
    const labelPixels = (left: number, top: number, w: number, h: number): number => {
      const { data } = ctx.getImageData(left, top, w, h);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 0x60) n++;
      return n;
    };
    assert.ok(labelPixels(visible.x, visible.y, visible.width, layout.tilesY) > 5, 'channel indices at the top');
    assert.ok(labelPixels(visible.x, y, layout.tilesX, height) > 5, 'filter indices at the left');
    assert.equal(tileAt(layout, x - 1, y + 5, visible), undefined, 'no tile under the filter indices');
    assert.ok(tileAt(layout, x - 1, y + 5), 'the same point unscrolled is a tile');
  });

  it("draws the lecture's figures (PNGs in test-results/)", () => {
    const lenet = lenetTensors();
    const [conv1, conv2] = lenet.filter((t) => t.shape.length === 4);
    const [alex1, alex2] = alexnetTensors();
    const view = (t: { values: Float32Array; shape: number[] }) => kernelView(t.values, t.shape, 'OIHW');
    const figures: [string, KernelView, Partial<FilterGridOptions>, Theme][] = [
      ['lenet-conv1', view(conv1), { scale: 8, maxWidth: 420 }, DARK_THEME],
      ['lenet-conv2', view(conv2), { filters: 32, channels: 32, scale: 3 }, DARK_THEME],
      ['alexnet-conv1-gray', view(alex1), { filters: 20, channels: 3, scale: 3 }, LIGHT_THEME],
      ['alexnet-conv1-rgb', view(alex1), { filters: 20, rgb: true, scale: 4, maxWidth: 600 }, LIGHT_THEME],
      ['alexnet-conv2', view(alex2), { filters: 20, channels: 15, scale: 4 }, LIGHT_THEME],
    ];
    for (const [name, kernel, options, theme] of figures)
      save(`filterGrid-${name}.png`, drawGrid(kernel, options, theme).png());
  });

  it('draws a 192 × 64 grid of 5×5 tiles (AlexNet conv2 whole) quickly', () => {
    const [, alex2] = alexnetTensors();
    const kernel = kernelView(alex2.values, alex2.shape, 'OIHW');
    const started = performance.now();
    const drawn = drawGrid(kernel, { filters: 192, channels: 64, scale: 2, normalization: 'filter' });
    const elapsed = performance.now() - started;
    console.log(`192 × 64 × 5×5 grid in Node (@napi-rs/canvas), scale 2: ${elapsed.toFixed(1)} ms`);
    assert.equal(drawn.layout.grid.rows * drawn.layout.grid.columns, 12_288);
    save('filterGrid-alexnet-conv2-whole.png', drawn.png());
  });
});

describe('drawHeatmap', () => {
  it('draws a 2-D tensor cell by cell on the diverging map, NaN in the marker colour', () => {
    const values = Float32Array.from([-2, 0, 2, 1, NaN, -1]);
    const layout = heatmapLayout([2, 3], { width: 200, height: 200 });
    assert.deepEqual([layout.kind, layout.block, layout.cellWidth], ['heatmap', 1, 16]);
    const canvas = createCanvas(layout.width, layout.height);
    const ctx = canvas.getContext('2d');
    const range = drawHeatmap(ctx as unknown as CanvasRenderingContext2D, layout, values, scratch, LIGHT_THEME);
    assert.deepEqual(range, { low: -2, high: 2 });
    const centre = (row: number, column: number): Rgb => pixel(ctx, 1 + column * 16 + 8, 1 + row * 16 + 8);
    assert.deepEqual(centre(0, 0), diverging(0));
    assert.deepEqual(centre(0, 2), diverging(255));
    assert.deepEqual(centre(1, 1), [...NON_FINITE_RGB]);
    assert.deepEqual(heatmapCellAt(layout, values, 1 + 16 + 3, 1 + 16 + 3), {
      row: 1,
      rowEnd: 2,
      column: 1,
      columnEnd: 2,
      value: NaN,
    });
  });

  it('shows a matrix larger than the room as block means', () => {
    const values = new Float32Array(1000 * 300).map((_, i) => (Math.floor(i / 300) < 500 ? -1 : 1));
    const layout = heatmapLayout([1000, 300], { width: 102, height: 102 });
    assert.deepEqual([layout.block, layout.cellsX, layout.cellsY], [10, 30, 100]);
    assert.equal(heatmapCellAt(layout, values, 1, 1 + 49)?.value, -1);
    assert.deepEqual(heatmapCellAt(layout, values, 1, 1 + 50), {
      row: 500,
      rowEnd: 510,
      column: 0,
      columnEnd: 10,
      value: 1,
    });
  });

  it('draws a 1-D tensor as bars about a zero line', () => {
    const values = Float32Array.from([1, -0.5, 0, NaN]);
    const layout = heatmapLayout([4], { width: 202, height: 82 });
    assert.deepEqual([layout.kind, layout.cellWidth, layout.cellHeight], ['bars', 24, 80]);
    const canvas = createCanvas(layout.width, layout.height);
    const ctx = canvas.getContext('2d');
    drawHeatmap(ctx as unknown as CanvasRenderingContext2D, layout, values, scratch, DARK_THEME);
    assert.deepEqual(pixel(ctx, 1 + 12, 1 + 5), diverging(255), 'bar 0 reaches the top');
    assert.deepEqual(pixel(ctx, 1 + 24 + 12, 1 + 5), [0x1e, 0x1e, 0x1e], 'bar 1 goes down only');
    assert.deepEqual(pixel(ctx, 1 + 24 + 12, 1 + 40 + 15), diverging(colorLevel(-0.5, { low: -1, high: 1 })));
    assert.deepEqual(pixel(ctx, 1 + 72 + 12, 1 + 5), [...NON_FINITE_RGB], 'NaN fills its bar');
    assert.equal(heatmapCellAt(layout, values, 1 + 24 + 3, 10)?.value, -0.5);
    save('heatmap-bars.png', canvas.toBuffer('image/png'));
  });

  it('draws a Linear layer (PNG in test-results/)', () => {
    const fc1 = lenetTensors().find((t) => t.name === 'fc1.weight')!;
    const layout = heatmapLayout(fc1.shape, { width: 600, height: 400 });
    const canvas = createCanvas(layout.width, layout.height);
    drawHeatmap(
      canvas.getContext('2d') as unknown as CanvasRenderingContext2D,
      layout,
      fc1.values,
      scratch,
      DARK_THEME,
    );
    save('heatmap-fc1.png', canvas.toBuffer('image/png'));
  });
});
