// Where each tile of a filter grid goes: the renderer draws there, and hit-testing (the
// webview's hover, the CLI's nothing) reads it back.
import { shownTiles, type KernelShape, type TileSelection } from '../core/tensor/kernel';

export interface TileGridOptions {
  /** CSS pixels per kernel pixel (the zoom). */
  scale: number;
  /** Pixels between neighbouring tiles in a row. */
  gap: number;
  /** Pixels between rows of tiles: the gap, plus a band for labels under wrapped images. */
  rowGap: number;
  /** Images per row when each filter is one image. */
  columns: number;
}

export interface TileGrid extends TileSelection {
  /**
   * `rows`: a row per filter, its channels left to right (LeNet's second layer);
   * `wrapped`: one image per filter (a single channel, or RGB) wrapped into rows (LeNet's first).
   */
  arrangement: 'rows' | 'wrapped';
  columns: number;
  rows: number;
  scale: number;
  tileWidth: number;
  tileHeight: number;
  /** Between neighbouring tiles in a row. */
  gap: number;
  /** Distance from one tile's left (top) edge to the next one's. */
  pitchX: number;
  pitchY: number;
  /** The tiles' extent, from the first tile's corner to the last one's (and its label band). */
  width: number;
  height: number;
}

/** One image per filter (a single channel, or RGB) wraps; several channels make a row per filter. */
export function arrangementOf(shown: TileSelection): TileGrid['arrangement'] {
  return shown.rgb || shown.channels === 1 ? 'wrapped' : 'rows';
}

export function tileGrid(kernel: KernelShape, selection: TileSelection, options: TileGridOptions): TileGrid {
  const shown = shownTiles(kernel, selection);
  const wrapped = arrangementOf(shown) === 'wrapped';
  const columns = wrapped ? Math.max(1, Math.min(Math.floor(options.columns), shown.filters)) : shown.channels;
  const rows = wrapped ? Math.ceil(shown.filters / columns) : shown.filters;
  const tileWidth = kernel.width * options.scale;
  const tileHeight = kernel.height * options.scale;
  const pitchX = tileWidth + options.gap;
  const pitchY = tileHeight + options.rowGap;
  return {
    ...shown,
    arrangement: wrapped ? 'wrapped' : 'rows',
    columns,
    rows,
    scale: options.scale,
    tileWidth,
    tileHeight,
    gap: options.gap,
    pitchX,
    pitchY,
    width: columns * pitchX - options.gap,
    // The last row keeps its label band (rowGap − gap), not the gap after it.
    height: rows * pitchY - options.gap,
  };
}

/** Column and row of a filter's tile (of its channel, in the `rows` arrangement). */
export function tileCell(grid: TileGrid, filter: number, channel: number): { column: number; row: number } {
  return grid.arrangement === 'rows'
    ? { column: channel, row: filter }
    : { column: filter % grid.columns, row: Math.floor(filter / grid.columns) };
}

/**
 * The tile at a column and row: its filter, and its channel (undefined for an RGB image);
 * undefined past the last filter of a wrapped grid.
 */
export function cellTile(
  grid: TileGrid,
  column: number,
  row: number,
): { filter: number; channel: number | undefined } | undefined {
  if (grid.arrangement === 'rows') return { filter: row, channel: column };
  const filter = row * grid.columns + column;
  return filter < grid.filters ? { filter, channel: grid.rgb ? undefined : 0 } : undefined;
}

/** A kernel pixel under a point; `channel` is undefined on an RGB image (all three channels). */
export interface TileHit {
  filter: number;
  channel: number | undefined;
  y: number;
  x: number;
}

/** The kernel pixel at (x, y) from the first tile's corner; undefined in gaps and past the end. */
export function tileAtPoint(grid: TileGrid, x: number, y: number): TileHit | undefined {
  const [column, row] = [Math.floor(x / grid.pitchX), Math.floor(y / grid.pitchY)];
  const [inX, inY] = [x - column * grid.pitchX, y - row * grid.pitchY];
  if (x < 0 || y < 0 || column >= grid.columns || row >= grid.rows) return undefined;
  if (inX >= grid.tileWidth || inY >= grid.tileHeight) return undefined;
  const tile = cellTile(grid, column, row);
  return tile && { ...tile, y: Math.floor(inY / grid.scale), x: Math.floor(inX / grid.scale) };
}
