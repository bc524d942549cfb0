import { area } from '@turf/area';
import type { BoundaryGeometry } from '../contract/dataset.ts';
import type { Grid } from './types.ts';

export interface GridAreaCheck {
  /** Geodesic area of the boundary (turf). */
  boundary_area_km2: number;
  /** Sum over cells of area x inside share: the boundary area as the grid sees it. */
  covered_area_km2: number;
  /** Sum of the full areas of the kept cells (>= the boundary area: edge cells stick out). */
  cells_area_km2: number;
  /** covered / boundary - 1. */
  relative_error: number;
}

export function gridAreaCheck(grid: Grid, boundary: BoundaryGeometry): GridAreaCheck {
  const boundaryKm2 = area(boundary) / 1e6;
  let covered = 0;
  let full = 0;
  for (const cell of grid.cells) {
    covered += cell.area_km2 * cell.inside_share;
    full += cell.area_km2;
  }
  return { boundary_area_km2: boundaryKm2, covered_area_km2: covered, cells_area_km2: full, relative_error: covered / boundaryKm2 - 1 };
}
