/**
 * Local plane geometry of the synthetic district: kilometres east (x) and north (y) of the district
 * centre, converted to WGS84 lon/lat by an equirectangular projection about the centre (error well
 * under 0.5 % over a 40 km district, which is far below anything the generator cares about).
 */
export const CENTRE = { lon: 106.43, lat: 29.82 } as const;
const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON = 111.32 * Math.cos((CENTRE.lat * Math.PI) / 180);

export type Xy = [x_km: number, y_km: number];

export function toLonLat([x, y]: Xy): [lon: number, lat: number] {
  return [CENTRE.lon + x / KM_PER_DEG_LON, CENTRE.lat + y / KM_PER_DEG_LAT];
}

export function toXy(lon: number, lat: number): Xy {
  return [(lon - CENTRE.lon) * KM_PER_DEG_LON, (lat - CENTRE.lat) * KM_PER_DEG_LAT];
}

/** Signed area (km²) of a ring by the shoelace formula; positive when counter-clockwise. */
export function signedAreaKm2(ring: readonly Xy[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Even-odd ray casting; the ring may be open or closed. */
export function pointInRing(x: number, y: number, ring: readonly Xy[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distToSegment(x: number, y: number, [x1, y1]: Xy, [x2, y2]: Xy): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** Distance (km) from a point to the nearest vertex-to-vertex segment of a polyline or ring. */
export function distToPolyline(x: number, y: number, line: readonly Xy[], closed = false): number {
  let best = Infinity;
  const n = closed ? line.length : line.length - 1;
  for (let i = 0; i < n; i++) best = Math.min(best, distToSegment(x, y, line[i], line[(i + 1) % line.length]));
  return best;
}

/** A point at arc-length fraction t (0..1) along a polyline. */
export function pointAlong(line: readonly Xy[], t: number): Xy {
  const lengths: number[] = [];
  let total = 0;
  for (let i = 0; i + 1 < line.length; i++) {
    const l = Math.hypot(line[i + 1][0] - line[i][0], line[i + 1][1] - line[i][1]);
    lengths.push(l);
    total += l;
  }
  let target = Math.max(0, Math.min(1, t)) * total;
  for (let i = 0; i < lengths.length; i++) {
    if (target <= lengths[i] || i === lengths.length - 1) {
      const f = lengths[i] === 0 ? 0 : Math.min(1, target / lengths[i]);
      return [line[i][0] + f * (line[i + 1][0] - line[i][0]), line[i][1] + f * (line[i + 1][1] - line[i][1])];
    }
    target -= lengths[i];
  }
  return line[line.length - 1];
}

export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Ids of points bucketed by square cells of `cell_km` (key `col:row`), for neighbour searches. */
export function bucketByCell(points: ReadonlyArray<{ id: number; x: number; y: number }>, cell_km: number): Map<string, number[]> {
  const buckets = new Map<string, number[]>();
  for (const p of points) {
    const key = `${Math.floor(p.x / cell_km)}:${Math.floor(p.y / cell_km)}`;
    const list = buckets.get(key);
    if (list) list.push(p.id);
    else buckets.set(key, [p.id]);
  }
  return buckets;
}
