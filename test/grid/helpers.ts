import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config/schema.ts';
import { readBoundary } from '../../src/contract/boundary.ts';
import type { BoundaryGeometry } from '../../src/contract/dataset.ts';

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'grid');
export const boundaryOf = (name: 'rectangle' | 'l-shape' | 'donut'): BoundaryGeometry => readBoundary(join(fixtures, name, 'boundary.geojson'));
/** Square grids in UTM 48N, the CRS the fixtures are laid out in (the default, 'auto', picks it for them too). */
export const squareParams = (cell_size_m = 500) => ({ ...defaultConfig().grid, kind: 'square' as const, cell_size_m, crs: 'EPSG:32648' });
export const h3Params = (h3_resolution = 8) => ({ ...defaultConfig().grid, kind: 'h3' as const, h3_resolution });

/** Shoelace signed area in lon/lat degrees²: > 0 for a counter-clockwise ring. */
export function signedAreaDeg2(ring: Array<[number, number]>): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) twice += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return twice / 2;
}
