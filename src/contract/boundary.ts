import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { BoundaryGeometry } from './dataset.ts';
import { InputDataError } from '../util/errors.ts';

/**
 * The district boundary: `boundary.geojson`, WGS84 lon/lat (RFC 7946), a Polygon or MultiPolygon
 * given as a bare geometry, a Feature, or a FeatureCollection (all its polygon features together).
 */

type Position = number[];

function checkRing(ring: unknown, where: string): Position[] {
  if (!Array.isArray(ring) || ring.length < 4) throw new Error(`${where}: a ring needs at least 4 positions`);
  for (const position of ring) {
    if (!Array.isArray(position) || position.length < 2 || !position.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new Error(`${where}: a position must be [lon, lat] numbers`);
    }
    const [lon, lat] = position as number[];
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      throw new Error(`${where}: position [${lon}, ${lat}] is not WGS84 lon/lat degrees (projected coordinates are not accepted)`);
    }
  }
  return ring as Position[];
}

function polygonsOf(geometry: unknown, where: string): Position[][][] {
  if (!geometry || typeof geometry !== 'object') throw new Error(`${where}: missing geometry`);
  const g = geometry as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (g.type === 'Polygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) throw new Error(`${where}: Polygon without rings`);
    return [g.coordinates.map((ring, i) => checkRing(ring, `${where} ring ${i}`))];
  }
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) throw new Error(`${where}: MultiPolygon without polygons`);
    return g.coordinates.map((polygon, p) => {
      if (!Array.isArray(polygon) || polygon.length === 0) throw new Error(`${where}: polygon ${p} without rings`);
      return polygon.map((ring, i) => checkRing(ring, `${where} polygon ${p} ring ${i}`));
    });
  }
  if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) return g.geometries.flatMap((x, i) => polygonsOf(x, `${where} geometry ${i}`));
  throw new Error(`${where}: expected a Polygon or MultiPolygon, found ${String(g.type)}`);
}

/** Turns parsed GeoJSON into the boundary geometry; throws an Error saying what is wrong. */
export function parseBoundary(json: unknown): BoundaryGeometry {
  if (!json || typeof json !== 'object') throw new Error('expected a GeoJSON object');
  const root = json as { type?: unknown; geometry?: unknown; features?: unknown };
  let polygons: Position[][][];
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features) || root.features.length === 0) throw new Error('FeatureCollection without features');
    polygons = root.features.flatMap((f, i) => polygonsOf((f as { geometry?: unknown })?.geometry, `feature ${i}`));
  } else if (root.type === 'Feature') {
    polygons = polygonsOf(root.geometry, 'feature');
  } else {
    polygons = polygonsOf(root, 'geometry');
  }
  if (polygons.length === 1) return { type: 'Polygon', coordinates: polygons[0] };
  return { type: 'MultiPolygon', coordinates: polygons };
}

/** Reads `boundary.geojson`; an unreadable or malformed file is an InputDataError naming it. */
export function readBoundary(file: string): BoundaryGeometry {
  const name = basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputDataError(`${name}: unreadable file (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputDataError(`${name}: not valid JSON (${(error as Error).message})`);
  }
  try {
    return parseBoundary(json);
  } catch (error) {
    throw new InputDataError(`${name}: ${(error as Error).message}`);
  }
}

/** True when the point lies inside the boundary or on its edge (holes excluded). */
export function pointInBoundary(boundary: BoundaryGeometry, lon: number, lat: number): boolean {
  return booleanPointInPolygon([lon, lat], boundary);
}

/** [minLon, minLat, maxLon, maxLat] of the boundary. */
export function boundaryBbox(boundary: BoundaryGeometry): [number, number, number, number] {
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const polygon of polygons)
    for (const [lon, lat] of polygon[0]) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  return [minLon, minLat, maxLon, maxLat];
}

/**
 * A membership test for many points: a bounding-box check, then the polygon test, memoised per
 * coordinate pair (facility events repeat the same device positions many times).
 */
export function createBoundaryTest(boundary: BoundaryGeometry): (lon: number, lat: number) => boolean {
  const [minLon, minLat, maxLon, maxLat] = boundaryBbox(boundary);
  const memo = new Map<number, Map<number, boolean>>();
  let size = 0;
  return (lon, lat) => {
    if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) return false;
    let byLat = memo.get(lon);
    let inside = byLat?.get(lat);
    if (inside === undefined) {
      inside = pointInBoundary(boundary, lon, lat);
      if (size < 1_000_000) {
        if (!byLat) memo.set(lon, (byLat = new Map()));
        byLat.set(lat, inside);
        size += 1;
      }
    }
    return inside;
  };
}
