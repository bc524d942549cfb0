import { cellArea, cellToBoundary, cellToLatLng, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS, UNITS } from 'h3-js';
import type { BoundaryGeometry } from '../contract/dataset.ts';
import type { Config } from '../config/schema.ts';
import { UsageError } from '../util/errors.ts';
import { BoundaryIndex } from './clip.ts';
import { boundarySha256, boxOf, createProjection, normalizeBoundary, projectMultiPolygon, resolveMetricCrs, signedRingArea, type Box, type PlanarRing } from './geometry.ts';
import type { Cell, Grid, Ring } from './types.ts';

export const WGS84_CRS = 'EPSG:4326';
export const WGS84_PROJ4 = '+proj=longlat +datum=WGS84 +no_defs';

/** Most H3 cells a grid may have (guards against a resolution far too fine for the area). */
export const MAX_H3_CELLS = 2_000_000;

/** The closed, counter-clockwise lon/lat ring of an H3 cell. */
export function h3Ring(h3Index: string): Ring {
  const ring = cellToBoundary(h3Index, true) as Ring;
  return signedRingArea(ring) > 0 ? ring : [...ring].reverse();
}

/**
 * H3 cells at `h3_resolution` whose area intersects the boundary (H3's overlapping containment,
 * then each cell's inside share measured in the metric CRS), sorted by H3 index.
 */
export function buildH3Grid(boundary: BoundaryGeometry, params: Config['grid'], boundarySource: 'file' | 'derived'): Grid {
  const resolution = params.h3_resolution;
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) throw new UsageError(`grid: h3_resolution must be an integer 0..15, got ${resolution}`);
  const canonical = normalizeBoundary(boundary);
  const { crs, proj4 } = resolveMetricCrs(canonical, params);
  const projection = createProjection(proj4, crs);
  const metric = projectMultiPolygon(canonical.coordinates, projection);

  const candidates = new Set<string>();
  for (const polygon of canonical.coordinates) {
    let found: string[];
    try {
      found = polygonToCellsExperimental(polygon, resolution, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true);
    } catch (error) {
      throw new UsageError(`grid: H3 cannot cover the boundary at resolution ${resolution}: ${(error as Error).message}`);
    }
    for (const h of found) candidates.add(h);
    if (candidates.size > MAX_H3_CELLS) throw new UsageError(`grid: more than ${MAX_H3_CELLS} H3 cells at resolution ${resolution}; choose a coarser grid.h3_resolution`);
  }
  const ids = [...candidates].sort();
  const rings = ids.map(h3Ring);
  const metricRings = rings.map((ring) => ring.map(([lon, lat]) => projection.forward(lon, lat)) as PlanarRing);
  const extent = boxOf([...metric.flat(), ...metricRings]);
  const hexSpan = metricRings.length ? boxOf([metricRings[0]]) : extent;
  const minSide = 4 * Math.max(hexSpan.x1 - hexSpan.x0, hexSpan.y1 - hexSpan.y0);
  const index = new BoundaryIndex(metric, extent, {
    splitAt: (lo, hi) => (hi - lo < minSide ? Number.NaN : (lo + hi) / 2),
  });

  const cells: Cell[] = [];
  ids.forEach((h3Index, i) => {
    const ring = metricRings[i];
    const box: Box = boxOf([ring]);
    const [lat, lon] = cellToLatLng(h3Index);
    const [cx, cy] = projection.forward(lon, lat);
    const share = index.insideShare({ ring, box, cx, cy, area: signedRingArea(ring), isBox: false });
    if (share <= 0) return;
    cells.push({
      cell_index: cells.length,
      cell_id: h3Index,
      centroid_lon: lon,
      centroid_lat: lat,
      centroid_x_m: cx,
      centroid_y_m: cy,
      area_km2: cellArea(h3Index, UNITS.km2),
      inside_share: share,
      ring: rings[i],
    });
  });
  return {
    definition: {
      kind: 'h3',
      crs: WGS84_CRS,
      proj4: WGS84_PROJ4,
      h3_resolution: resolution,
      metric_crs: crs,
      metric_proj4: proj4,
      cell_count: cells.length,
      boundary_sha256: boundarySha256(canonical),
      boundary_source: boundarySource,
    },
    cells,
  };
}
