import type { Config } from '../config/schema.ts';
import type { Dataset } from '../contract/dataset.ts';
import { boundaryFileName } from '../contract/schemas.ts';
import { buildGrid } from './build.ts';
import { deriveBoundary } from './derive.ts';
import type { Grid } from './types.ts';

/**
 * The grid of a validated dataset: clipped to its boundary file, or, for a city that brings none,
 * to the buffered extent of its incidents (with a warning, since the edge is then a guess).
 */
export function gridForDataset(dataset: Pick<Dataset, 'boundary' | 'incidents'>, params: Config['grid']): { grid: Grid; warnings: string[] } {
  if (dataset.boundary) return { grid: buildGrid(dataset.boundary, params, 'file'), warnings: [] };
  const points = dataset.incidents.map((incident) => [incident.lon, incident.lat] as [number, number]);
  const boundary = deriveBoundary(points, params.boundary_buffer_m);
  return {
    grid: buildGrid(boundary, params, 'derived'),
    warnings: [
      `no ${boundaryFileName}: study area derived from the convex hull of ${points.length} incident locations buffered by ${params.boundary_buffer_m} m; add a boundary file for a grid that follows the district line`,
    ],
  };
}
