import { readFileSync } from 'node:fs';
import type { BoundaryGeometry } from '../contract/dataset.ts';
import { InputDataError } from '../util/errors.ts';
import { normalizeBoundary } from './geometry.ts';

/**
 * Reads a boundary GeoJSON file: a Polygon or MultiPolygon given as a bare geometry, a Feature,
 * or a FeatureCollection (all polygon features together form one MultiPolygon).
 * Temporary: to be replaced by `readBoundary` from src/contract/boundary.ts once it lands.
 */
export function readBoundaryFile(path: string): BoundaryGeometry {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputDataError(`${path}: cannot read the boundary GeoJSON (${(error as Error).message})`);
  }
  const polygons: number[][][][] = [];
  const take = (geometry: unknown, where: string) => {
    const g = geometry as { type?: string; coordinates?: unknown } | null;
    if (g?.type === 'Polygon') polygons.push(g.coordinates as number[][][]);
    else if (g?.type === 'MultiPolygon') polygons.push(...(g.coordinates as number[][][][]));
    else throw new InputDataError(`${path}: ${where} is a ${g?.type ?? 'missing geometry'}, expected Polygon or MultiPolygon`);
  };
  const v = value as { type?: string; geometry?: unknown; features?: Array<{ geometry?: unknown }> };
  if (v?.type === 'FeatureCollection' && Array.isArray(v.features)) {
    if (v.features.length === 0) throw new InputDataError(`${path}: the FeatureCollection has no features`);
    v.features.forEach((f, i) => take(f?.geometry, `feature ${i}`));
  } else if (v?.type === 'Feature') take(v.geometry, 'the feature');
  else take(v, 'the geometry');
  const geometry: BoundaryGeometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
  normalizeBoundary(geometry, path);
  return geometry;
}
