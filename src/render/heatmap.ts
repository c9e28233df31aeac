// Tensors that are not convolution kernels: a 2-D one (a Linear layer's [out, in]
// weights) as a heat map, a 1-D one (a bias) as a strip of bars about zero. Both use the
// diverging colour map symmetric about zero. A tensor larger than the room is shown in
// blocks (each cell the mean of its block) rather than in a canvas too large to draw.
import { colorLevel, colorMap, NON_FINITE_RGB } from './color';
import { symmetricRange, type ValueRange } from '../core/tensor/range';
import { pixelImage, putRgb, type CreateCanvas } from './pixels';
import type { Theme } from './theme';

/** Largest heat-map cell and bar, in CSS pixels: bigger only spreads a small matrix thin. */
const MAX_CELL = 16;
const MAX_BAR = 24;
/** Room for the frame drawn around the picture. */
const FRAME = 1;

export interface HeatmapLayout {
  /** `heatmap` for 2-D tensors, `bars` for 1-D ones (one row). */
  kind: 'heatmap' | 'bars';
  rows: number;
  columns: number;
  /** Values per cell side (bars: per bar): 1, or more when the tensor outgrows the room. */
  block: number;
  cellsX: number;
  cellsY: number;
  cellWidth: number;
  cellHeight: number;
  width: number;
  height: number;
}

export interface HeatmapCell {
  /** The tensor indices the cell covers: rows [row, rowEnd), columns [column, columnEnd). */
  row: number;
  rowEnd: number;
  column: number;
  columnEnd: number;
  /** The value, or the mean of the block's values (NaN if any of them is not finite). */
  value: number;
}

/** Fits a 2-D tensor's heat map, or a 1-D tensor's bar strip (the room's full height), into `room`. */
export function heatmapLayout(shape: readonly number[], room: { width: number; height: number }): HeatmapLayout {
  if (shape.length !== 1 && shape.length !== 2) throw new RangeError(`expected a 1-D or 2-D shape, got [${shape}]`);
  const [rows, columns] = shape.length === 2 ? shape : [1, shape[0]];
  const [roomX, roomY] = [Math.max(1, room.width - 2 * FRAME), Math.max(1, room.height - 2 * FRAME)];
  if (shape.length === 1) {
    const block = Math.ceil(columns / roomX);
    const cellsX = Math.ceil(columns / block);
    const cellWidth = Math.max(1, Math.min(MAX_BAR, Math.floor(roomX / cellsX)));
    return finish({ kind: 'bars', rows, columns, block, cellsX, cellsY: 1, cellWidth, cellHeight: roomY });
  }
  const block = Math.max(Math.ceil(columns / roomX), Math.ceil(rows / roomY));
  const [cellsX, cellsY] = [Math.ceil(columns / block), Math.ceil(rows / block)];
  const cell = Math.max(1, Math.min(MAX_CELL, Math.floor(roomX / cellsX), Math.floor(roomY / cellsY)));
  return finish({ kind: 'heatmap', rows, columns, block, cellsX, cellsY, cellWidth: cell, cellHeight: cell });
}

function finish(layout: Omit<HeatmapLayout, 'width' | 'height'>): HeatmapLayout {
  return {
    ...layout,
    width: layout.cellsX * layout.cellWidth + 2 * FRAME,
    height: layout.cellsY * layout.cellHeight + 2 * FRAME,
  };
}

/** The cell under a point of the layout, with its value. */
export function heatmapCellAt(
  layout: HeatmapLayout,
  values: Float32Array,
  px: number,
  py: number,
): HeatmapCell | undefined {
  const [cx, cy] = [Math.floor((px - FRAME) / layout.cellWidth), Math.floor((py - FRAME) / layout.cellHeight)];
  if (cx < 0 || cy < 0 || cx >= layout.cellsX || cy >= layout.cellsY) return undefined;
  return cellOf(layout, values, cx, cy);
}

function cellOf(layout: HeatmapLayout, values: Float32Array, cx: number, cy: number): HeatmapCell {
  const { block, rows, columns } = layout;
  // Bars block along the one row only.
  const rowBlock = layout.kind === 'bars' ? 1 : block;
  const [row, column] = [cy * rowBlock, cx * block];
  const [rowEnd, columnEnd] = [Math.min(rows, row + rowBlock), Math.min(columns, column + block)];
  let sum = 0;
  for (let r = row; r < rowEnd; r++) {
    for (let c = column; c < columnEnd; c++) sum += values[r * columns + c];
  }
  // Any NaN or ±Inf makes the sum non-finite: the cell shows the marker, as a single value would.
  const mean = sum / ((rowEnd - row) * (columnEnd - column));
  return { row, rowEnd, column, columnEnd, value: Number.isFinite(mean) ? mean : NaN };
}

/** Draws the heat map or bar strip at (0, 0); returns the value range its colours span. */
export function drawHeatmap(
  ctx: CanvasRenderingContext2D,
  layout: HeatmapLayout,
  values: Float32Array,
  createCanvas: CreateCanvas,
  theme: Theme,
): ValueRange {
  const cells = cellValues(layout, values);
  let maxAbs = -Infinity;
  for (const v of cells) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const range = symmetricRange(maxAbs);
  ctx.save();
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  if (layout.kind === 'heatmap') drawCells(ctx, layout, cells, range, createCanvas);
  else drawBars(ctx, layout, cells, range, theme);
  ctx.strokeStyle = theme.gridLine;
  ctx.lineWidth = FRAME;
  ctx.strokeRect(FRAME / 2, FRAME / 2, layout.width - FRAME, layout.height - FRAME);
  ctx.restore();
  return range;
}

function cellValues(layout: HeatmapLayout, values: Float32Array): Float32Array {
  if (layout.block === 1) return values;
  const cells = new Float32Array(layout.cellsX * layout.cellsY);
  for (let cy = 0; cy < layout.cellsY; cy++) {
    for (let cx = 0; cx < layout.cellsX; cx++) cells[cy * layout.cellsX + cx] = cellOf(layout, values, cx, cy).value;
  }
  return cells;
}

/** A cell's colour on the diverging map; NaN and ±Inf in the marker colour. */
function rgbOf(value: number, range: ValueRange, map: Uint8ClampedArray): readonly [number, number, number] {
  const level = colorLevel(value, range);
  return level < 0 ? NON_FINITE_RGB : [map[level * 3], map[level * 3 + 1], map[level * 3 + 2]];
}

function drawCells(
  ctx: CanvasRenderingContext2D,
  layout: HeatmapLayout,
  cells: Float32Array,
  range: ValueRange,
  createCanvas: CreateCanvas,
): void {
  const map = colorMap('symmetric');
  const image = pixelImage(createCanvas, layout.cellsX, layout.cellsY, (data) => {
    cells.forEach((v, i) => putRgb(data, i * 4, ...rgbOf(v, range, map)));
  });
  // Smoothing off keeps each cell a flat square when scaled up.
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, FRAME, FRAME, layout.cellsX * layout.cellWidth, layout.cellsY * layout.cellHeight);
}

/** Bars up (positive) or down from a zero line across the middle; NaN and ±Inf bars fill the height. */
function drawBars(
  ctx: CanvasRenderingContext2D,
  layout: HeatmapLayout,
  cells: Float32Array,
  range: ValueRange,
  theme: Theme,
): void {
  const map = colorMap('symmetric');
  const half = layout.cellHeight / 2;
  const zero = FRAME + half;
  const gap = layout.cellWidth >= 4 ? 1 : 0;
  cells.forEach((v, i) => {
    const [r, g, b] = rgbOf(v, range, map);
    ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
    const x = FRAME + i * layout.cellWidth;
    const height = Number.isFinite(v) ? (range.high > 0 ? (v / range.high) * half : 0) : layout.cellHeight;
    const top = Number.isFinite(v) ? zero - Math.max(height, 0) : FRAME;
    ctx.fillRect(x, top, layout.cellWidth - gap, Math.max(Math.abs(height), 1));
  });
  ctx.fillStyle = theme.gridLine;
  ctx.fillRect(FRAME, Math.round(zero), layout.cellsX * layout.cellWidth, 1);
}
