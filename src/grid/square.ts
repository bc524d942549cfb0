import type { BoundaryGeometry } from '../contract/dataset.ts';
import type { Config } from '../config/schema.ts';
import { UsageError } from '../util/errors.ts';
import { BoundaryIndex } from './clip.ts';
import { boundarySha256, boxOf, createProjection, normalizeBoundary, projectMultiPolygon, resolveMetricCrs, type Box, type PlanarRing } from './geometry.ts';
import type { Cell, Grid } from './types.ts';

/** Most cells a square grid may have (guards against a cell size given in km instead of m). */
export const MAX_SQUARE_CELLS = 5_000_000;

export function squareCellId(row: number, col: number, width: number): string {
  return `r${String(row).padStart(width, '0')}c${String(col).padStart(width, '0')}`;
}

/** Digits of the zero-padded row and column numbers in ids: at least 4, more for huge grids. */
export function squareIdWidth(nRows: number, nCols: number): number {
  return Math.max(4, String(Math.max(nRows, nCols) - 1).length);
}

/**
 * Square cells of `cell_size_m` in the metric CRS, origin snapped to a multiple of the cell size
 * below and left of the boundary, keeping the cells whose area intersects the boundary.
 * Rows count northwards, columns eastwards; cells are indexed in (row, col) order.
 */
export function buildSquareGrid(boundary: BoundaryGeometry, params: Config['grid'], boundarySource: 'file' | 'derived'): Grid {
  const size = params.cell_size_m;
  if (!(size > 0) || !Number.isFinite(size)) throw new UsageError(`grid: cell_size_m must be a positive number of metres, got ${size}`);
  const canonical = normalizeBoundary(boundary);
  const { crs, proj4 } = resolveMetricCrs(canonical, params);
  const projection = createProjection(proj4, crs);
  const metric = projectMultiPolygon(canonical.coordinates, projection);
  const extent = boxOf(metric);
  if (![extent.x0, extent.y0, extent.x1, extent.y1].every(Number.isFinite)) {
    throw new UsageError(`grid: the boundary cannot be projected to ${crs}; is it in this CRS's area of use?`);
  }
  const originX = Math.floor(extent.x0 / size) * size;
  const originY = Math.floor(extent.y0 / size) * size;
  const nCols = Math.max(1, Math.ceil((extent.x1 - originX) / size));
  const nRows = Math.max(1, Math.ceil((extent.y1 - originY) / size));
  if (nCols * nRows > MAX_SQUARE_CELLS) {
    throw new UsageError(`grid: ${nRows} x ${nCols} cells of ${size} m exceed ${MAX_SQUARE_CELLS}; choose a larger grid.cell_size_m`);
  }
  const gridBox: Box = { x0: originX, y0: originY, x1: originX + nCols * size, y1: originY + nRows * size };
  // Cuts fall on grid lines, so every cell lies in exactly one leaf of the index.
  const index = new BoundaryIndex(metric, gridBox, {
    splitAt: (lo, hi, axis) => {
      const origin = axis === 'x' ? originX : originY;
      const cells = Math.round((hi - lo) / size);
      if (cells < 2) return Number.NaN;
      return origin + (Math.round((lo - origin) / size) + Math.floor(cells / 2)) * size;
    },
  });

  // Corner lattice in lon/lat, computed lazily once per corner (each corner is shared by 4 cells).
  const stride = nCols + 1;
  const cornerLon = new Float64Array((nRows + 1) * stride).fill(Number.NaN);
  const cornerLat = new Float64Array((nRows + 1) * stride);
  const corner = (row: number, col: number): [number, number] => {
    const k = row * stride + col;
    if (Number.isNaN(cornerLon[k])) {
      const [lon, lat] = projection.inverse(originX + col * size, originY + row * size);
      cornerLon[k] = lon;
      cornerLat[k] = lat;
    }
    return [cornerLon[k], cornerLat[k]];
  };

  const width = squareIdWidth(nRows, nCols);
  const cellArea = size * size;
  const cells: Cell[] = [];
  for (let row = 0; row < nRows; row++) {
    const y0 = originY + row * size;
    for (let col = 0; col < nCols; col++) {
      const x0 = originX + col * size;
      const box: Box = { x0, y0, x1: x0 + size, y1: y0 + size };
      const ring: PlanarRing = [
        [box.x0, box.y0],
        [box.x1, box.y0],
        [box.x1, box.y1],
        [box.x0, box.y1],
        [box.x0, box.y0],
      ];
      const cx = x0 + size / 2;
      const cy = y0 + size / 2;
      const share = index.insideShare({ ring, box, cx, cy, area: cellArea, isBox: true });
      if (share <= 0) continue;
      const [centroidLon, centroidLat] = projection.inverse(cx, cy);
      cells.push({
        cell_index: cells.length,
        cell_id: squareCellId(row, col, width),
        row,
        col,
        centroid_lon: centroidLon,
        centroid_lat: centroidLat,
        centroid_x_m: cx,
        centroid_y_m: cy,
        area_km2: cellArea / 1e6,
        inside_share: share,
        // Counter-clockwise in the metric plane; the UTM projection is conformal, so it stays so in lon/lat.
        ring: [corner(row, col), corner(row, col + 1), corner(row + 1, col + 1), corner(row + 1, col), corner(row, col)],
      });
    }
  }
  return {
    definition: {
      kind: 'square',
      crs,
      proj4,
      origin_x_m: originX,
      origin_y_m: originY,
      cell_size_m: size,
      n_cols: nCols,
      n_rows: nRows,
      cell_count: cells.length,
      boundary_sha256: boundarySha256(canonical),
      boundary_source: boundarySource,
    },
    cells,
  };
}
