import type { BoundaryGeometry } from '../contract/dataset.ts';
import type { Config } from '../config/schema.ts';
import { buildH3Grid } from './h3.ts';
import { buildSquareGrid } from './square.ts';
import type { Grid } from './types.ts';

/** The district grid: square cells in a metric CRS, or H3 cells, that intersect the boundary. */
export function buildGrid(boundary: BoundaryGeometry, params: Config['grid'], boundarySource: 'file' | 'derived'): Grid {
  return params.kind === 'h3' ? buildH3Grid(boundary, params, boundarySource) : buildSquareGrid(boundary, params, boundarySource);
}
