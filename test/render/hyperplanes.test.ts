// Pixel checks of the hyperplane scene drawn in Node by @napi-rs/canvas.
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cssColorToRgb, type Rgb } from '../../src/render/color';
import {
  dataToPixel,
  drawHyperplaneScene,
  pixelToData,
  unitAtPoint,
  type HyperplaneScene,
  type Rect,
} from '../../src/render/hyperplanes';
import { DARK_THEME, LIGHT_THEME, unitColor } from '../../src/render/theme';
import { discDataset, snapshot, solvedDiscSnapshot, UNIT_BOX } from './scenes';

const SIZE = 200;
const RECT: Rect = { x: 0, y: 0, width: SIZE, height: SIZE };
const EMPTY = { name: 'empty', train: [], test: [], box: UNIT_BOX };
/** One ReLU unit, the line x = 0.5, active on the right, voting class 1 there. */
const VERTICAL = snapshot(1, [[1, 0]], [-0.5], [[-5, 5]], [1, -1]);

function draw(scene: Partial<HyperplaneScene>, theme = LIGHT_THEME, rect = RECT, size = SIZE): SKRSContext2D {
  const ctx = createCanvas(size, size).getContext('2d');
  const full: HyperplaneScene = {
    dataset: EMPTY,
    snapshot: VERTICAL,
    activation: 'relu',
    showTest: false,
    showRegions: false,
    ...scene,
  };
  drawHyperplaneScene(ctx as unknown as CanvasRenderingContext2D, rect, full, theme);
  return ctx;
}

function pixel(ctx: SKRSContext2D, px: number, py: number): Rgb {
  const [r, g, b] = ctx.getImageData(Math.floor(px), Math.floor(py), 1, 1).data;
  return [r, g, b];
}

function hex(color: string): Rgb {
  return cssColorToRgb(createCanvas(1, 1).getContext('2d') as unknown as CanvasRenderingContext2D, color);
}

const distance = (a: Rgb, b: Rgb) => Math.max(...a.map((c, i) => Math.abs(c - b[i])));

function assertColor(actual: Rgb, expected: string, message: string, tolerance = 3): void {
  assert.ok(distance(actual, hex(expected)) <= tolerance, `${message}: got rgb(${actual}), expected ${expected}`);
}

/** Data coordinates to the pixel whose centre is nearest, for a canvas of RECT. */
function at(x: number, y: number): [number, number] {
  return dataToPixel(RECT, UNIT_BOX, x, y);
}

describe('drawHyperplaneScene', () => {
  it('draws a vertical line at x = 0.5 in unit 0 colour, and nowhere else on its row', () => {
    const ctx = draw({});
    const [lineX, rowY] = at(0.5, 0.2);
    assertColor(pixel(ctx, lineX - 0.5, rowY), unitColor(0), 'on the line');
    const coloured: number[] = [];
    for (let px = 0; px < SIZE; px++) {
      if (distance(pixel(ctx, px, rowY), hex(unitColor(0))) <= 3) coloured.push(px);
    }
    assert.ok(
      coloured.length >= 2 && coloured.every((px) => Math.abs(px + 0.5 - lineX) <= 1.5),
      `line pixels at ${coloured}`,
    );
    assertColor(pixel(ctx, ...at(0.25, 0.2)), LIGHT_THEME.background, 'left of the line');
  });

  it('marks the active side (w·x + b > 0) of the line', () => {
    const ctx = draw({});
    const [lineX, middleY] = at(0.5, 0.5);
    // The mark's dot is 10 px from the line's middle; probe the pixel just above-left of its centre.
    const dot = (dx: number, dy = 0): [number, number] => [lineX + dx - 0.5, middleY + dy - 0.5];
    assertColor(pixel(ctx, ...dot(10)), unitColor(0), 'mark on the active (right) side');
    assertColor(pixel(ctx, ...dot(-10)), LIGHT_THEME.background, 'nothing on the inactive side');
    const flipped = draw({ snapshot: snapshot(1, [[-1, 0]], [0.5], [[0, 0]], [0, 0]) });
    assertColor(pixel(flipped, ...dot(-10)), unitColor(0), 'mark on the left once w is flipped');
    assertColor(pixel(flipped, ...dot(10)), LIGHT_THEME.background, 'and not on the right');
    // y = 0.5, active above it: up on the screen, where pixel rows count downwards.
    const horizontal = draw({ snapshot: snapshot(1, [[0, 2]], [-1], [[0, 0]], [0, 0]) });
    assertColor(pixel(horizontal, ...dot(0, -10)), unitColor(0), 'mark above the horizontal line');
    assertColor(pixel(horizontal, ...dot(0, 10)), LIGHT_THEME.background, 'nothing below it');
  });

  it('colours data points by class, test points hollow', () => {
    const dataset = {
      name: 'two',
      train: [[0.2, 0.8, 0]],
      test: [[0.8, 0.8, 1]],
      box: UNIT_BOX,
    } as HyperplaneScene['dataset'];
    const ctx = draw({ dataset, showTest: true, snapshot: snapshot(1, [], [], [], [0, 0]) });
    assertColor(pixel(ctx, ...at(0.2, 0.8)), LIGHT_THEME.classColors[0], 'class 0 point');
    const [testX, testY] = at(0.8, 0.8);
    assertColor(pixel(ctx, testX, testY), LIGHT_THEME.background, 'hollow centre of the test point');
    const offsets = [-3, -2, -1, 0, 1, 2, 3];
    const around = offsets.flatMap((dx) => offsets.map((dy) => pixel(ctx, testX + dx, testY + dy)));
    const nearest = Math.min(...around.map((c) => distance(c, hex(LIGHT_THEME.classColors[1]))));
    assert.ok(nearest <= 60, `class 1 ring around the test point (off by ${nearest})`);
    const hidden = draw({ dataset, showTest: false, snapshot: snapshot(1, [], [], [], [0, 0]) });
    assertColor(pixel(hidden, testX + 2, testY), LIGHT_THEME.background, 'test points hidden when showTest is off');
  });

  it('shades the decision regions with the predicted class on each side of the boundary', () => {
    const ctx = draw({ showRegions: true });
    const background = hex(LIGHT_THEME.background);
    const [left, right] = [pixel(ctx, ...at(0.15, 0.3)), pixel(ctx, ...at(0.85, 0.3))];
    const towards = (c: Rgb, color: string) => distance(c, hex(color)) < distance(background, hex(color)) - 10;
    assert.ok(
      towards(left, LIGHT_THEME.classColors[0]) && !towards(left, LIGHT_THEME.classColors[1]),
      `left is class 0: rgb(${left})`,
    );
    assert.ok(
      towards(right, LIGHT_THEME.classColors[1]) && !towards(right, LIGHT_THEME.classColors[0]),
      `right is class 1: rgb(${right})`,
    );
    assert.ok(distance(left, background) < 80 && distance(right, background) < 80, 'the shading stays light');
    assertColor(pixel(draw({ showRegions: false }), ...at(0.85, 0.3)), LIGHT_THEME.background, 'no shading when off');
  });

  it('draws dead units faint and the highlighted unit thicker', () => {
    const lineWidthAt = (ctx: SKRSContext2D) => {
      const [, rowY] = at(0.5, 0.2);
      let count = 0;
      for (let px = 0; px < SIZE; px++) if (distance(pixel(ctx, px, rowY), hex(LIGHT_THEME.background)) > 40) count++;
      return count;
    };
    assert.ok(lineWidthAt(draw({ highlightUnit: 0 })) > lineWidthAt(draw({})) + 1, 'highlighted is thicker');
    const dead = draw({ deadUnits: [true] });
    const [lineX] = at(0.5, 0);
    const column = Array.from({ length: SIZE }, (_, py) => pixel(dead, lineX - 0.5, py));
    const darkest = Math.max(...column.map((c) => distance(c, hex(LIGHT_THEME.background))));
    assert.ok(darkest < distance(hex(unitColor(0)), hex(LIGHT_THEME.background)) * 0.7, 'dead line is faint');
    assert.ok(
      column.some((c) => distance(c, hex(LIGHT_THEME.background)) <= 3),
      'dead line has gaps (dashed)',
    );
  });

  it('keeps square data square and centred in a wide rect', () => {
    const wide: Rect = { x: 10, y: 20, width: 400, height: 200 };
    const [x0, y0] = dataToPixel(wide, UNIT_BOX, 0, 0);
    const [x1, y1] = dataToPixel(wide, UNIT_BOX, 1, 1);
    assert.ok(Math.abs(x1 - x0 - (y0 - y1)) < 1e-9, 'same scale on both axes');
    assert.ok(Math.abs((x0 + x1) / 2 - 210) < 1e-9 && Math.abs((y0 + y1) / 2 - 120) < 1e-9, 'centred');
    assert.ok(y1 < y0, 'y grows upwards');
    const [x, y] = pixelToData(wide, UNIT_BOX, 123, 45);
    assert.deepEqual(
      dataToPixel(wide, UNIT_BOX, x, y).map((v) => Math.round(v * 1e9) / 1e9),
      [123, 45],
    );
  });

  it('does not throw on NaN or infinite weights', () => {
    const broken = snapshot(
      1,
      [
        [NaN, 1],
        [Infinity, 0],
        [0, 0],
      ],
      [0, NaN, 1],
      [
        [NaN, 0],
        [0, 0],
        [0, 0],
      ],
      [NaN, 0],
    );
    assert.doesNotThrow(() => draw({ snapshot: broken, showRegions: true, dataset: discDataset(50) }));
    assert.equal(
      unitAtPoint(
        RECT,
        { dataset: EMPTY, snapshot: broken, activation: 'relu', showTest: false, showRegions: true },
        100,
        100,
      ),
      undefined,
    );
  });
});

describe('unitAtPoint', () => {
  const scene: HyperplaneScene = {
    dataset: EMPTY,
    snapshot: snapshot(
      1,
      [
        [1, 0],
        [0, 1],
      ],
      [-0.5, -0.25],
      [
        [0, 0],
        [0, 0],
      ],
      [0, 0],
    ),
    activation: 'relu',
    showTest: false,
    showRegions: false,
  };
  it('finds the nearest line within the tolerance', () => {
    const [lineX, rowY] = at(0.5, 0.7);
    assert.equal(unitAtPoint(RECT, scene, lineX + 3, rowY), 0);
    const [columnX, lineY] = at(0.9, 0.25);
    assert.equal(unitAtPoint(RECT, scene, columnX, lineY - 4), 1);
    assert.equal(unitAtPoint(RECT, scene, lineX + 8, rowY), undefined);
    assert.equal(unitAtPoint(RECT, scene, lineX + 8, rowY, 10), 0);
  });
  it('prefers the nearer of two lines near their crossing', () => {
    const [crossX, crossY] = at(0.5, 0.25);
    assert.equal(unitAtPoint(RECT, scene, crossX + 1, crossY + 3), 0);
    assert.equal(unitAtPoint(RECT, scene, crossX + 3, crossY + 1), 1);
  });
});

describe('scene pictures', () => {
  it('saves a full-size scene in light and dark themes under test-results/', async () => {
    mkdirSync('test-results', { recursive: true });
    const dataset = discDataset();
    const scene: HyperplaneScene = {
      dataset,
      snapshot: solvedDiscSnapshot(),
      activation: 'relu',
      showTest: true,
      showRegions: true,
      highlightUnit: 5,
      deadUnits: solvedDiscSnapshot().w.map((_, k) => k === 11),
    };
    for (const [name, theme] of [
      ['light', LIGHT_THEME],
      ['dark', DARK_THEME],
    ] as const) {
      const canvas = createCanvas(600, 600);
      const ctx = canvas.getContext('2d');
      drawHyperplaneScene(
        ctx as unknown as CanvasRenderingContext2D,
        { x: 0, y: 0, width: 600, height: 600 },
        scene,
        theme,
      );
      writeFileSync(`test-results/hyperplanes-${name}.png`, await canvas.encode('png'));
    }
  });
});
