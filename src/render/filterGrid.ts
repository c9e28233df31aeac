// The filter grid: a convolution kernel's tiles with filter and channel indices around
// them, drawn with the Canvas 2D API only (the webview, and Node for the CLI's PNG).
// The visible tiles' pixels are built at one pixel per kernel value, then scaled into
// place with smoothing off: crisp at any zoom, and fast for 12,288 tiles.
import {
  filterRanges,
  shownTiles,
  type KernelShape,
  type KernelView,
  type Normalization,
  type TileSelection,
} from '../core/tensor/kernel';
import { arrangementOf, cellTile, tileAtPoint, tileCell, tileGrid, type TileGrid, type TileHit } from './tileGrid';
import { colorLevel, colorMap, NON_FINITE_RGB } from './color';
import { type ValueRange } from '../core/tensor/range';
import type { Rect } from './hyperplanes';
import { pixelImage, putRgb, scratchContext, type CreateCanvas } from './pixels';
import type { Theme } from './theme';

const FONT_SIZE = 10;
/** Width of a digit at FONT_SIZE: UI fonts' figures are about 0.6 em (measuring needs a context). */
const DIGIT_WIDTH = 6.2;
/** Between labels and the tiles they name. */
const LABEL_GAP = 4;
/** Around the whole grid, so that an exported PNG has an edge. */
const MARGIN = 6;
/** Without a width to fill, wrapped grids have 8 images a row, as torchvision's make_grid. */
const DEFAULT_COLUMNS = 8;
/** Label every k-th row or column, k the first of these that leaves room for the text. */
const LABEL_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export interface FilterGridOptions extends TileSelection {
  /** CSS pixels per kernel pixel (the zoom); a positive integer keeps every value square. */
  scale: number;
  /** Room across in CSS pixels: wrapped grids take as many images a row as fit. */
  maxWidth?: number;
  /** Filter and channel indices beside the tiles where there is room (default true). */
  labels?: boolean;
}

export interface FilterGridLayout {
  grid: TileGrid;
  /** The first tile's top-left corner. */
  tilesX: number;
  tilesY: number;
  width: number;
  height: number;
  /** Rows arrangement: filter index every rowLabelStep rows, channel index every columnLabelStep columns (0: none). */
  rowLabelStep: number;
  columnLabelStep: number;
  /** Wrapped arrangement: the filter index under each image. */
  tileLabels: boolean;
}

export interface FilterGridDrawOptions {
  normalization: Normalization;
  createCanvas: CreateCanvas;
  /** The part of the layout to draw, in layout coordinates (a scrolled view draws what shows); all by default. */
  visible?: Rect;
  /** The range the shared colour scale spans, instead of the shown values' (see filterRanges). */
  range?: ValueRange;
}

/** Whole pixels, so that every tile starts on a pixel edge and stays crisp. */
const textWidth = (n: number): number => Math.ceil(String(n).length * DIGIT_WIDTH);

function labelStep(pitch: number, room: number): number {
  return LABEL_STEPS.find((step) => step * pitch >= room) ?? LABEL_STEPS[LABEL_STEPS.length - 1];
}

export function filterGridLayout(kernel: KernelShape, options: FilterGridOptions): FilterGridLayout {
  const labels = options.labels ?? true;
  const scale = Math.max(1, Math.round(options.scale));
  const gap = Math.min(4, Math.max(1, Math.round(scale / 2)));
  const shown = shownTiles(kernel, options);
  const wrapped = arrangementOf(shown) === 'wrapped';
  const tileLabels = labels && wrapped && kernel.width * scale >= textWidth(shown.filters - 1);
  const rowGap = tileLabels ? gap + FONT_SIZE + 3 : gap;
  const labelColumn = labels && !wrapped ? textWidth(shown.filters - 1) + LABEL_GAP : 0;
  const header = labels && !wrapped ? FONT_SIZE + LABEL_GAP : 0;
  const pitchX = kernel.width * scale + gap;
  const columns =
    options.maxWidth === undefined
      ? DEFAULT_COLUMNS
      : Math.floor((options.maxWidth - 2 * MARGIN - labelColumn + gap) / pitchX);
  const grid = tileGrid(kernel, shown, { scale, gap, rowGap, columns: Math.max(1, columns) });
  const [tilesX, tilesY] = [MARGIN + labelColumn, MARGIN + header];
  return {
    grid,
    tilesX,
    tilesY,
    width: tilesX + grid.width + MARGIN,
    height: tilesY + grid.height + MARGIN,
    rowLabelStep: labelColumn ? labelStep(grid.pitchY, FONT_SIZE) : 0,
    columnLabelStep: header ? labelStep(grid.pitchX, textWidth(grid.channels - 1) + 3) : 0,
    tileLabels,
  };
}

/**
 * The kernel pixel under a point of the layout, or undefined between and around tiles
 * and under the index labels, which stay at the edges of the `visible` part when scrolled.
 */
export function tileAt(layout: FilterGridLayout, px: number, py: number, visible?: Rect): TileHit | undefined {
  const [left, top] = [visible?.x ?? 0, visible?.y ?? 0];
  if ((layout.rowLabelStep && px < left + layout.tilesX) || (layout.columnLabelStep && py < top + layout.tilesY)) {
    return undefined;
  }
  return tileAtPoint(layout.grid, px - layout.tilesX, py - layout.tilesY);
}

/** Where a filter's tile (of a channel, in the rows arrangement) is drawn. */
export function tileRect(layout: FilterGridLayout, filter: number, channel = 0): Rect {
  const { grid } = layout;
  const { column, row } = tileCell(grid, filter, channel);
  return {
    x: layout.tilesX + column * grid.pitchX,
    y: layout.tilesY + row * grid.pitchY,
    width: grid.tileWidth,
    height: grid.tileHeight,
  };
}

export function drawFilterGrid(
  ctx: CanvasRenderingContext2D,
  layout: FilterGridLayout,
  kernel: KernelView,
  options: FilterGridDrawOptions,
  theme: Theme,
): void {
  const visible = options.visible ?? { x: 0, y: 0, width: layout.width, height: layout.height };
  ctx.save();
  ctx.fillStyle = theme.background;
  ctx.fillRect(visible.x, visible.y, visible.width, visible.height);
  const [columns, rows] = [visibleSpan(layout, visible, 'x'), visibleSpan(layout, visible, 'y')];
  if (columns.first <= columns.last && rows.first <= rows.last) drawTiles(ctx, layout, kernel, options, columns, rows);
  drawLabels(ctx, layout, visible, rows, columns, theme);
  ctx.restore();
}

interface Span {
  first: number;
  last: number;
}

/** The columns (or rows) of tiles that meet the visible rectangle. */
function visibleSpan(layout: FilterGridLayout, visible: Rect, axis: 'x' | 'y'): Span {
  const { grid } = layout;
  const [start, size, origin, pitch, count] =
    axis === 'x'
      ? [visible.x, visible.width, layout.tilesX, grid.pitchX, grid.columns]
      : [visible.y, visible.height, layout.tilesY, grid.pitchY, grid.rows];
  return {
    first: Math.max(0, Math.floor((start - origin) / pitch)),
    last: Math.min(count - 1, Math.floor((start + size - origin) / pitch)),
  };
}

/**
 * The visible tiles in two scaled copies rather than one drawImage per tile (12,288 for
 * AlexNet's second layer): their pixels side by side, one per value, are spread into
 * columns with their gaps on a scratch canvas, which is then copied into place row by row.
 */
function drawTiles(
  ctx: CanvasRenderingContext2D,
  layout: FilterGridLayout,
  kernel: KernelView,
  options: FilterGridDrawOptions,
  columns: Span,
  rows: Span,
): void {
  const { grid } = layout;
  const { width: w, height: h } = kernel;
  const [across, down] = [columns.last - columns.first + 1, rows.last - rows.first + 1];
  const pixels = tilePixels(kernel, grid, options, columns, rows);
  const spread = across * grid.pitchX - grid.gap;
  const strips = options.createCanvas(spread, down * h);
  const stripsCtx = scratchContext(strips);
  stripsCtx.imageSmoothingEnabled = false;
  for (let c = 0; c < across; c++) {
    stripsCtx.drawImage(pixels, c * w, 0, w, down * h, c * grid.pitchX, 0, grid.tileWidth, down * h);
  }
  ctx.imageSmoothingEnabled = false;
  const x = layout.tilesX + columns.first * grid.pitchX;
  for (let r = 0; r < down; r++) {
    const y = layout.tilesY + (rows.first + r) * grid.pitchY;
    ctx.drawImage(strips, 0, r * h, spread, h, x, y, spread, grid.tileHeight);
  }
}

/**
 * The tiles of the visible columns and rows at one pixel per kernel value, in their grid
 * places, coloured by their filter's range (over every shown tile); empty cells transparent.
 */
function tilePixels(
  kernel: KernelView,
  grid: TileGrid,
  options: FilterGridDrawOptions,
  columns: Span,
  rows: Span,
): OffscreenCanvas {
  const ranges = filterRanges(kernel, grid, options.normalization, options.range);
  const map = colorMap(options.normalization);
  const { width: w, height: h } = kernel;
  const width = (columns.last - columns.first + 1) * w;
  return pixelImage(options.createCanvas, width, (rows.last - rows.first + 1) * h, (data) => {
    for (let row = rows.first; row <= rows.last; row++) {
      for (let column = columns.first; column <= columns.last; column++) {
        const tile = cellTile(grid, column, row);
        if (!tile) continue;
        const { filter: o, channel } = tile;
        const range = ranges[o];
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const p = (((row - rows.first) * h + y) * width + (column - columns.first) * w + x) * 4;
            if (channel === undefined) {
              // RGB: each channel's level is its colour component directly.
              const [r, g, b] = [0, 1, 2].map((c) => colorLevel(kernel.at(o, c, y, x), range));
              if (r < 0 || g < 0 || b < 0) putRgb(data, p, ...NON_FINITE_RGB);
              else putRgb(data, p, r, g, b);
            } else {
              const level = colorLevel(kernel.at(o, channel, y, x), range);
              if (level < 0) putRgb(data, p, ...NON_FINITE_RGB);
              else putRgb(data, p, map[level * 3], map[level * 3 + 1], map[level * 3 + 2]);
            }
          }
        }
      }
    }
  });
}

/**
 * Filter and channel indices of the visible rows and columns, in the muted text colour.
 * In the rows arrangement they stay at the top and left of the visible part (over a band
 * of background), like a spreadsheet's frozen headers, so a scrolled grid stays readable.
 */
function drawLabels(
  ctx: CanvasRenderingContext2D,
  layout: FilterGridLayout,
  visible: Rect,
  rows: Span,
  columns: Span,
  theme: Theme,
): void {
  const { grid, tilesX, tilesY } = layout;
  const [left, top] = [visible.x, visible.y];
  const centreX = (column: number): number => tilesX + column * grid.pitchX + grid.tileWidth / 2;
  const centreY = (row: number): number => tilesY + row * grid.pitchY + grid.tileHeight / 2;
  const firstOf = (span: Span, step: number): number => Math.ceil(span.first / step) * step;
  const text = (align: CanvasTextAlign): void => {
    ctx.font = `${FONT_SIZE}px ${theme.fontFamily}`;
    ctx.fillStyle = theme.mutedForeground;
    ctx.textBaseline = 'middle';
    ctx.textAlign = align;
  };
  const band = (x: number, y: number, width: number, height: number): void => {
    ctx.fillStyle = theme.background;
    ctx.fillRect(x, y, width, height);
  };
  if (layout.columnLabelStep) {
    band(left, top, visible.width, tilesY);
    text('center');
    const { columnLabelStep: step } = layout;
    for (let column = firstOf(columns, step); column <= columns.last; column += step) {
      ctx.fillText(String(column), centreX(column), top + tilesY - LABEL_GAP - FONT_SIZE / 2);
    }
  }
  if (layout.rowLabelStep) {
    band(left, top + tilesY, tilesX, visible.height);
    text('right');
    const { rowLabelStep: step } = layout;
    for (let row = firstOf(rows, step); row <= rows.last; row += step) {
      if (centreY(row) > top + tilesY) ctx.fillText(String(row), left + tilesX - LABEL_GAP, centreY(row));
    }
  }
  if (layout.tileLabels) {
    text('center');
    for (let row = rows.first; row <= rows.last; row++) {
      for (let column = columns.first; column <= columns.last; column++) {
        const tile = cellTile(grid, column, row);
        const below = tilesY + row * grid.pitchY + grid.tileHeight + 2 + FONT_SIZE / 2;
        if (tile) ctx.fillText(String(tile.filter), centreX(column), below);
      }
    }
  }
}
