import { buffer } from '@turf/buffer';
import { convex } from '@turf/convex';
import { featureCollection, lineString, point } from '@turf/helpers';
import type { BoundaryGeometry } from '../contract/dataset.ts';
import { InputDataError, UsageError } from '../util/errors.ts';

/**
 * A study area for a city without a boundary file: the convex hull of the points (incident
 * locations), buffered by `buffer_m` metres. With fewer than three distinct or only collinear
 * points the hull is a point or a segment, and the buffer alone gives it an area. The caller
 * should warn that the boundary was derived.
 */
export function deriveBoundary(points: Array<[number, number]>, buffer_m: number): BoundaryGeometry {
  if (!(buffer_m >= 0) || !Number.isFinite(buffer_m)) throw new UsageError(`grid: boundary buffer must be >= 0 metres, got ${buffer_m}`);
  points.forEach(([lon, lat], i) => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new InputDataError(`grid: point ${i} is not a WGS84 [lon, lat] position: [${lon}, ${lat}]`);
    }
  });
  if (points.length === 0) throw new InputDataError('grid: no points to derive a boundary from');
  const hull = convex(featureCollection(points.map((p) => point(p))));
  if (hull && buffer_m === 0) return hull.geometry;
  if (!hull && buffer_m === 0) throw new InputDataError('grid: the points are collinear or fewer than 3, so their hull has no area; use a boundary buffer > 0');
  let shape;
  if (hull) {
    shape = hull;
  } else {
    // Collinear: the segment between the two extreme points (lexicographic order along the line).
    const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    shape = first[0] === last[0] && first[1] === last[1] ? point(first) : lineString([first, last]);
  }
  const buffered = buffer(shape, buffer_m, { units: 'meters', steps: 16 });
  if (!buffered) throw new InputDataError('grid: buffering the point extent gave no polygon');
  return buffered.geometry as BoundaryGeometry;
}
