// Draws one snapshot of the 2-D MLP: decision regions, data points, and each hidden
// unit's line {x : w·x + b = 0} with a mark on its active side. Canvas 2D API only, so
// the webview and Node (@napi-rs/canvas) share it.
import {
  activeSidePoint,
  clipLineToBox,
  distanceToSegment,
  predictClass1Probability,
  type Segment,
  type Vec2,
} from '../core/mlp/hyperplane';
import type { Box, Dataset, Point, Snapshot } from '../core/mlp/run';
import type { Activation } from '../core/mlp/config';
import { cssColorToRgb, type Rgb } from './color';
import { unitColor, type Theme } from './theme';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HyperplaneScene {
  dataset: Dataset;
  snapshot: Snapshot;
  activation: Activation;
  /** Draw the test points too (hollow). */
  showTest: boolean;
  /** Shade the network's decision regions. */
  showRegions: boolean;
  highlightUnit?: number;
  deadUnits?: boolean[];
}

export interface DrawOptions {
  /** Thinner lines and smaller points, for small multiples. */
  compact?: boolean;
}

interface Style {
  lineWidth: number;
  pointRadius: number;
  /** Length of the active-side tick and radius of the dot at its end. */
  markLength: number;
  markDot: number;
  dash: number[];
}

const FULL_STYLE: Style = { lineWidth: 2, pointRadius: 2.5, markLength: 10, markDot: 3, dash: [6, 4] };
const COMPACT_STYLE: Style = { lineWidth: 1.25, pointRadius: 1.6, markLength: 6, markDot: 2, dash: [3, 3] };
const DEAD_ALPHA = 0.45;
/** Side of a decision-region cell in pixels: fine enough to look smooth once interpolated. */
const REGION_CELL_PX = 4;
/** Opacity of the region shading where the network is certain; it fades to 0 at p = 1/2. */
const REGION_MAX_ALPHA = 0.2;

/** Where the box lands in the rect: uniform scale (square data is square), centered, padded. */
interface Viewport {
  box: Box;
  scale: number;
  /** Pixel position of the box's top-left corner (xMin, yMax). */
  left: number;
  top: number;
  width: number;
  height: number;
}

function viewport(rect: Rect, box: Box): Viewport {
  const padding = Math.max(2, Math.round(0.02 * Math.min(rect.width, rect.height)));
  const [spanX, spanY] = [box.xMax - box.xMin, box.yMax - box.yMin];
  const scale = Math.min((rect.width - 2 * padding) / spanX, (rect.height - 2 * padding) / spanY);
  const [width, height] = [spanX * scale, spanY * scale];
  return {
    box,
    scale,
    left: rect.x + (rect.width - width) / 2,
    top: rect.y + (rect.height - height) / 2,
    width,
    height,
  };
}

function toPixel(v: Viewport, x: number, y: number): Vec2 {
  return [v.left + (x - v.box.xMin) * v.scale, v.top + (v.box.yMax - y) * v.scale];
}

export function dataToPixel(rect: Rect, box: Box, x: number, y: number): Vec2 {
  return toPixel(viewport(rect, box), x, y);
}

export function pixelToData(rect: Rect, box: Box, px: number, py: number): Vec2 {
  const v = viewport(rect, box);
  return [box.xMin + (px - v.left) / v.scale, box.yMax - (py - v.top) / v.scale];
}

/** Unit k's line clipped to the box, in pixels, or null when it is not visible. */
function unitSegmentPx(v: Viewport, s: Snapshot, k: number): Segment | null {
  const segment = clipLineToBox(s.w[k], s.b[k], v.box);
  return segment && [toPixel(v, ...segment[0]), toPixel(v, ...segment[1])];
}

/** The hidden unit whose line passes nearest to the pixel (px, py), within the tolerance. */
export function unitAtPoint(
  rect: Rect,
  scene: HyperplaneScene,
  px: number,
  py: number,
  tolerancePx = 5,
): number | undefined {
  const v = viewport(rect, scene.dataset.box);
  let nearest: number | undefined;
  let nearestDistance = tolerancePx;
  for (let k = 0; k < scene.snapshot.w.length; k++) {
    const segment = unitSegmentPx(v, scene.snapshot, k);
    const distance = segment ? distanceToSegment([px, py], segment) : Infinity;
    if (distance <= nearestDistance) [nearest, nearestDistance] = [k, distance];
  }
  return nearest;
}

export function drawHyperplaneScene(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  scene: HyperplaneScene,
  theme: Theme,
  options: DrawOptions = {},
): void {
  const style = options.compact ? COMPACT_STYLE : FULL_STYLE;
  const v = viewport(rect, scene.dataset.box);
  ctx.save();
  // Nothing spills into a neighbouring scene (points outside the box, in a grid).
  clipTo(ctx, rect.x, rect.y, rect.width, rect.height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  if (scene.showRegions) drawRegions(ctx, v, scene, theme);
  drawPoints(ctx, v, scene.dataset.train, theme, style, false);
  if (scene.showTest) drawPoints(ctx, v, scene.dataset.test, theme, style, true);
  drawFrame(ctx, v, theme);
  // Lines and their marks stay inside the box.
  clipTo(ctx, v.left, v.top, v.width, v.height);
  drawUnits(ctx, v, scene, style);
  ctx.restore();
}

/**
 * Shades each cell with the colour of the class the network predicts, more strongly the
 * surer it is. The cells fill a small offscreen image, scaled up with smoothing: one
 * drawImage instead of thousands of fillRects.
 */
function drawRegions(ctx: CanvasRenderingContext2D, v: Viewport, scene: HyperplaneScene, theme: Theme): void {
  const columns = Math.max(1, Math.ceil(v.width / REGION_CELL_PX));
  const rows = Math.max(1, Math.ceil(v.height / REGION_CELL_PX));
  const colors = theme.classColors.map((c) => cssColorToRgb(ctx, c)) as [Rgb, Rgb];
  const layer = createLayer(ctx, columns, rows);
  const layerCtx = layer.getContext('2d') as CanvasRenderingContext2D;
  const image = layerCtx.createImageData(columns, rows);
  const { box } = v;
  for (let row = 0; row < rows; row++) {
    const y = box.yMax - ((row + 0.5) / rows) * (box.yMax - box.yMin);
    for (let column = 0; column < columns; column++) {
      const x = box.xMin + ((column + 0.5) / columns) * (box.xMax - box.xMin);
      const p = predictClass1Probability(scene.snapshot, scene.activation, x, y);
      const offset = 4 * (row * columns + column);
      image.data.set(colors[p > 0.5 ? 1 : 0], offset);
      image.data[offset + 3] = Math.round(255 * REGION_MAX_ALPHA * Math.abs(2 * p - 1));
    }
  }
  layerCtx.putImageData(image, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(layer as CanvasImageSource, v.left, v.top, v.width, v.height);
  ctx.restore();
}

type Layer = OffscreenCanvas | HTMLCanvasElement;

/** An offscreen canvas: OffscreenCanvas in browsers; @napi-rs/canvas has none, but its canvas class is constructible. */
function createLayer(ctx: CanvasRenderingContext2D, width: number, height: number): Layer {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const CanvasClass = ctx.canvas.constructor as new (width: number, height: number) => HTMLCanvasElement;
  return new CanvasClass(width, height);
}

/** One path per class: a single fill (or stroke, for hollow test points) each. */
function drawPoints(
  ctx: CanvasRenderingContext2D,
  v: Viewport,
  points: Point[],
  theme: Theme,
  style: Style,
  hollow: boolean,
): void {
  for (const label of [0, 1] as const) {
    ctx.beginPath();
    for (const [x, y, pointLabel] of points) {
      if (pointLabel !== label) continue;
      const [px, py] = toPixel(v, x, y);
      ctx.moveTo(px + style.pointRadius, py);
      ctx.arc(px, py, style.pointRadius, 0, 2 * Math.PI);
    }
    if (hollow) {
      ctx.strokeStyle = theme.classColors[label];
      ctx.lineWidth = 1;
      ctx.stroke();
    } else {
      ctx.fillStyle = theme.classColors[label];
      ctx.fill();
    }
  }
}

/** Dead units first (underneath), the highlighted unit last (on top). */
function drawUnits(ctx: CanvasRenderingContext2D, v: Viewport, scene: HyperplaneScene, style: Style): void {
  const units = scene.snapshot.w.map((_, k) => k);
  const rank = (k: number) => (k === scene.highlightUnit ? 2 : scene.deadUnits?.[k] ? 0 : 1);
  units.sort((a, b) => rank(a) - rank(b) || a - b);
  for (const k of units) drawUnit(ctx, v, scene, k, style);
}

function drawUnit(ctx: CanvasRenderingContext2D, v: Viewport, scene: HyperplaneScene, k: number, style: Style): void {
  const segment = unitSegmentPx(v, scene.snapshot, k);
  if (!segment) return;
  const [start, end] = segment;
  const middle: Vec2 = [(start[0] + end[0]) / 2, (start[1] + end[1]) / 2];
  // Pixels are data scaled uniformly with y flipped, so w points along (w1, -w2) on screen.
  const [w1, w2] = scene.snapshot.w[k];
  const mark = activeSidePoint([w1, -w2], segment, style.markLength);
  const dead = scene.deadUnits?.[k] ?? false;
  const width = k === scene.highlightUnit ? 2 * style.lineWidth : style.lineWidth;
  ctx.save();
  ctx.strokeStyle = ctx.fillStyle = unitColor(k);
  ctx.globalAlpha = dead ? DEAD_ALPHA : 1;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.setLineDash(dead ? style.dash : []);
  strokeLine(ctx, start, end);
  ctx.setLineDash([]);
  ctx.lineWidth = Math.max(1, width * 0.75);
  strokeLine(ctx, middle, mark);
  ctx.beginPath();
  ctx.arc(mark[0], mark[1], Math.max(style.markDot, width), 0, 2 * Math.PI);
  ctx.fill();
  ctx.restore();
}

function clipTo(ctx: CanvasRenderingContext2D, x: number, y: number, width: number, height: number): void {
  ctx.beginPath();
  ctx.rect(x, y, width, height);
  ctx.clip();
}

function strokeLine(ctx: CanvasRenderingContext2D, from: Vec2, to: Vec2): void {
  ctx.beginPath();
  ctx.moveTo(...from);
  ctx.lineTo(...to);
  ctx.stroke();
}

function drawFrame(ctx: CanvasRenderingContext2D, v: Viewport, theme: Theme): void {
  ctx.save();
  ctx.strokeStyle = theme.gridLine;
  ctx.lineWidth = 1;
  // Half-pixel offsets keep a 1 px frame crisp.
  ctx.strokeRect(Math.round(v.left) - 0.5, Math.round(v.top) - 0.5, Math.round(v.width) + 1, Math.round(v.height) + 1);
  ctx.restore();
}
