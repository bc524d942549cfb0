import type { GridDefinition, Ring } from '../grid/types.ts';
import { FireriskError } from '../util/errors.ts';
import { fieldsOf, recordOf, roundDecimals, roundSignificant, type FieldValue } from './records.ts';
import type { ScoredDay } from './score.ts';

/**
 * The only module that writes GeoJSON. One RFC 7946 FeatureCollection per scored day:
 * WGS84 lon/lat (no `crs` member), exterior rings counter-clockwise, coordinates rounded to
 * 6 decimals (about 0.1 m), a `bbox`, flat snake_case properties, features sorted by cell_id and
 * rounded numbers, so that the same scores always give the same bytes. Run metadata sits in the
 * foreign member `metadata`; there is no wall-clock time anywhere.
 * Layout: the collection header on the first line, then one feature per line (readable diffs).
 */
export const COORDINATE_DECIMALS = 6;

/** Twice the signed area of a closed ring in the lon/lat plane; > 0 means counter-clockwise. */
export function signedArea2(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/** The ring rounded to 6 decimals, closed, counter-clockwise (RFC 7946 right-hand rule). */
export function normalizeRing(ring: Ring, label: string): Ring {
  const rounded: Ring = [];
  for (const [lon, lat] of ring) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new FireriskError(`${label}: ring position [${lon}, ${lat}] is not a WGS84 longitude/latitude`);
    }
    const p: [number, number] = [roundDecimals(lon, COORDINATE_DECIMALS), roundDecimals(lat, COORDINATE_DECIMALS)];
    const prev = rounded[rounded.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) rounded.push(p);
  }
  const first = rounded[0];
  const last = rounded[rounded.length - 1];
  if (first && (first[0] !== last[0] || first[1] !== last[1])) rounded.push([first[0], first[1]]);
  if (rounded.length < 4) throw new FireriskError(`${label}: ring has fewer than 3 distinct positions after rounding`);
  const area = signedArea2(rounded);
  if (area === 0) throw new FireriskError(`${label}: ring has zero area`);
  return area > 0 ? rounded : rounded.reverse();
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortedKeys(v);
    }
    return out;
  }
  return value;
}

export interface CollectionMetadata {
  scored_date: string;
  last_data_day: string;
  time_zone?: string;
  model_version: string;
  cell_count: number;
  counts_by_warning_level: ScoredDay['counts'];
  expected_fires_total: number;
  warning_rule: unknown;
  drivers_count: number;
  fields: Array<{ name: string; type: string; description: string }>;
  grid: GridDefinition;
}

export function collectionMetadata(day: ScoredDay): CollectionMetadata {
  return {
    scored_date: day.day,
    last_data_day: day.last_data_day,
    ...(day.time_zone ? { time_zone: day.time_zone } : {}),
    model_version: day.model_version,
    cell_count: day.cells.length,
    counts_by_warning_level: { I: day.counts.I, II: day.counts.II, III: day.counts.III, IV: day.counts.IV, none: day.counts.none },
    expected_fires_total: roundSignificant(day.expected_fires_total, 6),
    warning_rule: sortedKeys(day.warning_rule),
    drivers_count: day.drivers_count,
    fields: fieldsOf(day),
    grid: sortedKeys(day.grid) as GridDefinition,
  };
}

/** The day's FeatureCollection as text (UTF-8, LF, trailing newline). */
export function scoredDayToGeoJson(day: ScoredDay): string {
  const fields = fieldsOf(day);
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  const lines: string[] = [];
  let previousId: string | null = null;
  for (const cell of day.cells) {
    if (previousId !== null && !(previousId < cell.cell_id)) {
      throw new FireriskError(`scores of ${day.day} are not sorted by unique cell_id (${previousId}, ${cell.cell_id})`);
    }
    previousId = cell.cell_id;
    const ring = normalizeRing(cell.ring, `cell ${cell.cell_id}`);
    for (const [lon, lat] of ring) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
    const values = recordOf(day, cell);
    const properties: Record<string, FieldValue> = {};
    fields.forEach((f, k) => (properties[f.name] = values[k]));
    lines.push(JSON.stringify({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties }));
  }
  const header: Record<string, unknown> = { type: 'FeatureCollection', name: `firerisk_scores_${day.day}` };
  if (day.cells.length > 0) header.bbox = [minLon, minLat, maxLon, maxLat];
  header.metadata = collectionMetadata(day);
  const head = JSON.stringify(header);
  return `${head.slice(0, -1)},"features":[${lines.length ? `\n${lines.join(',\n')}\n` : ''}]}\n`;
}
