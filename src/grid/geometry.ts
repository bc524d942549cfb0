import { createHash } from 'node:crypto';
import proj4 from 'proj4';
import type { BoundaryGeometry } from '../contract/dataset.ts';
import { InputDataError, UsageError } from '../util/errors.ts';

/** Planar geometry as plain arrays (the shapes polyclip-ts takes and returns). */
export type Point2 = [number, number];
export type PlanarRing = Point2[];
export type PlanarPolygon = PlanarRing[];
export type PlanarMultiPolygon = PlanarPolygon[];

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Shoelace signed area of a ring (closed or not); positive when counter-clockwise. */
export function signedRingArea(ring: ReadonlyArray<readonly [number, number]>): number {
  let twice = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % n];
    twice += x1 * y2 - x2 * y1;
  }
  return twice / 2;
}

/** Area of a multipolygon: each exterior minus its holes (orientation ignored). */
export function multiPolygonArea(geometry: PlanarMultiPolygon): number {
  let total = 0;
  for (const polygon of geometry) {
    polygon.forEach((ring, i) => {
      const a = Math.abs(signedRingArea(ring));
      total += i === 0 ? a : -a;
    });
  }
  return total;
}

export function vertexCount(geometry: PlanarMultiPolygon): number {
  let n = 0;
  for (const polygon of geometry) for (const ring of polygon) n += ring.length;
  return n;
}

export function boxOf(geometry: PlanarMultiPolygon | PlanarRing[]): Box {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const visit = (ring: PlanarRing) => {
    for (const [x, y] of ring) {
      if (x < box.x0) box.x0 = x;
      if (x > box.x1) box.x1 = x;
      if (y < box.y0) box.y0 = y;
      if (y > box.y1) box.y1 = y;
    }
  };
  for (const item of geometry) {
    if (typeof item[0][0] === 'number') visit(item as PlanarRing);
    else for (const ring of item as PlanarPolygon) visit(ring);
  }
  return box;
}

export function boxRing(b: Box): PlanarRing {
  return [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x1, b.y1],
    [b.x0, b.y1],
    [b.x0, b.y0],
  ];
}

/** Even-odd point in polygon over every ring of the multipolygon (holes count as outside). */
export function pointInMultiPolygon(x: number, y: number, geometry: PlanarMultiPolygon): boolean {
  let inside = false;
  for (const polygon of geometry) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

function closeRing(ring: PlanarRing): PlanarRing {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, [first[0], first[1]]];
}

/**
 * Canonical form of a boundary: a MultiPolygon whose rings are closed, exteriors counter-clockwise
 * and holes clockwise, each ring starting at its lowest (lon, then lat) vertex, polygons sorted by
 * their first vertex. The same shape given with another vertex order or start gives the same
 * canonical form, hence the same hash and the same grid.
 */
export function normalizeBoundary(boundary: BoundaryGeometry, source = 'boundary'): { type: 'MultiPolygon'; coordinates: number[][][][] } {
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.type === 'MultiPolygon' ? boundary.coordinates : null;
  if (!polygons) throw new InputDataError(`${source}: expected a Polygon or MultiPolygon geometry, got ${(boundary as { type?: unknown }).type}`);
  const out: PlanarMultiPolygon = [];
  polygons.forEach((polygon, p) => {
    if (!Array.isArray(polygon) || polygon.length === 0) throw new InputDataError(`${source}: polygon ${p} has no rings`);
    const rings = polygon.map((raw, r) => {
      if (!Array.isArray(raw)) throw new InputDataError(`${source}: polygon ${p} ring ${r} is not an array of positions`);
      const ring: PlanarRing = raw.map((position, v) => {
        const lon = position?.[0];
        const lat = position?.[1];
        if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
          throw new InputDataError(`${source}: polygon ${p} ring ${r} vertex ${v} is not a WGS84 [lon, lat] position: ${JSON.stringify(position)}`);
        }
        return [lon, lat];
      });
      const closed = closeRing(ring);
      if (closed.length < 4) throw new InputDataError(`${source}: polygon ${p} ring ${r} has fewer than 3 distinct vertices`);
      const open = closed.slice(0, -1);
      const area = signedRingArea(open);
      if (area === 0) throw new InputDataError(`${source}: polygon ${p} ring ${r} has zero area`);
      const wantCcw = r === 0;
      const oriented = area > 0 === wantCcw ? open : [...open].reverse();
      let start = 0;
      oriented.forEach(([x, y], i) => {
        const [sx, sy] = oriented[start];
        if (x < sx || (x === sx && y < sy)) start = i;
      });
      const rotated = [...oriented.slice(start), ...oriented.slice(0, start)];
      return closeRing(rotated);
    });
    out.push(rings);
  });
  if (out.length === 0) throw new InputDataError(`${source}: the geometry has no polygons`);
  out.sort((a, b) => a[0][0][0] - b[0][0][0] || a[0][0][1] - b[0][0][1]);
  return { type: 'MultiPolygon', coordinates: out };
}

export function boundarySha256(boundary: BoundaryGeometry): string {
  return createHash('sha256').update(JSON.stringify(normalizeBoundary(boundary).coordinates)).digest('hex');
}

export interface Projection {
  /** WGS84 lon/lat -> metric x/y. */
  forward(lon: number, lat: number): Point2;
  /** metric x/y -> WGS84 lon/lat. */
  inverse(x: number, y: number): Point2;
}

export function createProjection(proj4Definition: string, crsName = proj4Definition): Projection {
  let converter: proj4.Converter;
  try {
    converter = proj4('WGS84', proj4Definition);
  } catch (error) {
    throw new UsageError(`grid: cannot use the projection ${crsName} (${proj4Definition}): ${(error as Error).message}`);
  }
  return {
    forward: (lon, lat) => converter.forward([lon, lat]) as Point2,
    inverse: (x, y) => converter.inverse([x, y]) as Point2,
  };
}

/**
 * A UTM zone in `crs` (EPSG:326zz / 327zz) must match the zone of its proj4 string; a mismatch
 * means someone changed one of the two settings and not the other.
 */
export function checkCrsMatchesProj4(crs: string, proj4Definition: string): void {
  const epsg = /^EPSG:32([67])(\d\d)$/i.exec(crs.trim());
  const zone = /\+zone=(\d+)/.exec(proj4Definition);
  if (!epsg || !zone) return;
  const south = /\+south\b/.test(proj4Definition);
  if (Number(epsg[2]) !== Number(zone[1]) || (epsg[1] === '7') !== south) {
    throw new UsageError(`grid: crs ${crs} does not match proj4 "${proj4Definition}"; set grid.proj4 to the definition of ${crs}`);
  }
}

export function projectMultiPolygon(geometry: number[][][][], projection: Projection): PlanarMultiPolygon {
  return geometry.map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => projection.forward(lon, lat))));
}

/** UTM zone (1..60) and hemisphere of a WGS84 point. */
export function utmZoneOf(lon: number, lat: number): { crs: string; proj4: string; zone: number; south: boolean } {
  const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
  const south = lat < 0;
  return {
    zone,
    south,
    crs: `EPSG:32${south ? 7 : 6}${String(zone).padStart(2, '0')}`,
    proj4: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
  };
}

/** Centre of the boundary's lon/lat bounding box. */
export function boundaryCentre(boundary: BoundaryGeometry): Point2 {
  const b = boxOf(normalizeBoundary(boundary).coordinates as PlanarMultiPolygon);
  return [(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2];
}

/**
 * The metric CRS to lay cells in: the configured one, or with `crs: 'auto'` the UTM zone of the
 * boundary's centre. Also says when a configured UTM zone is not the boundary's own (areas and
 * distances then stretch: about 0.1 % per degree of longitude beyond the zone, growing quadratically).
 */
export function resolveMetricCrs(boundary: BoundaryGeometry, params: { crs: string; proj4: string }): { crs: string; proj4: string; mismatch?: string } {
  const [lon, lat] = boundaryCentre(boundary);
  const own = utmZoneOf(lon, lat);
  if (params.crs.trim().toLowerCase() === 'auto') return { crs: own.crs, proj4: own.proj4 };
  checkCrsMatchesProj4(params.crs, params.proj4);
  const zone = /\+proj=utm\b.*\+zone=(\d+)/.exec(params.proj4);
  const mismatch = zone && Number(zone[1]) !== own.zone ? `the boundary's centre (${lon.toFixed(2)}, ${lat.toFixed(2)}) lies in UTM zone ${own.zone} (${own.crs}), not in the configured ${params.crs}; set grid.crs to 'auto' or ${own.crs}` : undefined;
  return { crs: params.crs, proj4: params.proj4, ...(mismatch ? { mismatch } : {}) };
}
