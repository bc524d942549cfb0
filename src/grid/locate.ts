import { latLngToCell } from 'h3-js';
import { FireriskError } from '../util/errors.ts';
import { createProjection } from './geometry.ts';
import type { Grid } from './types.ts';

export type CellLocator = (lon: number, lat: number) => number;

const SQUARE_ID = /^r(\d+)c(\d+)$/;

/** Row and column of a square cell: from the cell itself, or parsed from its id. */
export function squareRowCol(cell: Grid['cells'][number]): [number, number] {
  if (cell.row !== undefined && cell.col !== undefined) return [cell.row, cell.col];
  const m = SQUARE_ID.exec(cell.cell_id);
  if (!m) throw new FireriskError(`grid: square cell id ${cell.cell_id} is not r{row}c{col}`);
  return [Number(m[1]), Number(m[2])];
}

/** Dense (row, col) -> cell_index table of a square grid, -1 where no cell was kept. */
export function squareLookup(grid: Grid): { table: Int32Array; nRows: number; nCols: number } {
  const { n_rows: nRows, n_cols: nCols } = grid.definition;
  if (nRows === undefined || nCols === undefined) throw new FireriskError('grid: a square grid definition needs n_rows and n_cols');
  const table = new Int32Array(nRows * nCols).fill(-1);
  for (const cell of grid.cells) {
    const [row, col] = squareRowCol(cell);
    if (row >= nRows || col >= nCols) throw new FireriskError(`grid: cell ${cell.cell_id} lies outside the ${nRows} x ${nCols} grid`);
    table[row * nCols + col] = cell.cell_index;
  }
  return { table, nRows, nCols };
}

/**
 * A function from a WGS84 point to the index of the grid cell holding it, or -1 when no cell does
 * (outside the grid, or a non-finite coordinate). A point on a shared edge belongs to the cell
 * east / north of it. A point in a kept boundary cell but just outside the boundary still gets
 * that cell: cells, not the boundary line, define membership.
 */
export function createCellLocator(grid: Grid): CellLocator {
  const d = grid.definition;
  if (d.kind === 'h3') {
    const resolution = d.h3_resolution;
    if (resolution === undefined) throw new FireriskError('grid: an H3 grid definition needs h3_resolution');
    const byId = new Map(grid.cells.map((cell) => [cell.cell_id, cell.cell_index]));
    return (lon, lat) => {
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return -1;
      return byId.get(latLngToCell(lat, lon, resolution)) ?? -1;
    };
  }
  const { origin_x_m: ox, origin_y_m: oy, cell_size_m: size } = d;
  if (ox === undefined || oy === undefined || size === undefined) throw new FireriskError('grid: a square grid definition needs origin_x_m, origin_y_m and cell_size_m');
  const projection = createProjection(d.proj4, d.crs);
  const { table, nRows, nCols } = squareLookup(grid);
  return (lon, lat) => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return -1;
    const [x, y] = projection.forward(lon, lat);
    const col = Math.floor((x - ox) / size);
    const row = Math.floor((y - oy) / size);
    if (!(col >= 0 && col < nCols && row >= 0 && row < nRows)) return -1;
    return table[row * nCols + col];
  };
}

/** Cell indexes of many points at once (-1 where none). */
export function locateCells(grid: Grid, lons: Float64Array, lats: Float64Array): Int32Array {
  if (lons.length !== lats.length) throw new FireriskError(`grid: ${lons.length} longitudes but ${lats.length} latitudes`);
  const locate = createCellLocator(grid);
  const out = new Int32Array(lons.length);
  for (let i = 0; i < lons.length; i++) out[i] = locate(lons[i], lats[i]);
  return out;
}
