import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DATE, DOUBLE, DuckDBDataChunk, DuckDBDateValue, DuckDBInstance, INTEGER } from '@duckdb/node-api';
import type { CrowdFlow, FacilityStatus, Incident, MajorEvent, Poi, Station, Weather, Zone } from '../contract/schemas.ts';
import { UsageError } from '../util/errors.ts';

/**
 * Writers of the synthetic dataset: CSV in the data contract (fixed column order, fixed number
 * formatting, UTF-8, LF line ends), the boundary as GeoJSON, the ground truth as CSV + Parquet, and
 * MANIFEST.json. Everything is written into a sibling temporary folder and renamed into place at the
 * end, so a reader never sees a half-written dataset.
 */
export const GENERATOR = { name: 'firerisk-synth', version: '1.0.0' } as const;

type Cell = string | number | boolean | undefined;

function csvCell(value: Cell): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const parts: string[] = [header.join(',')];
  for (const row of rows) parts.push(row.map(csvCell).join(','));
  return `${parts.join('\n')}\n`;
}

const f6 = (v: number) => v.toFixed(6);
const f1 = (v: number) => v.toFixed(1);

export const csvTables = {
  incidents: (rows: readonly Incident[]) =>
    toCsv(
      ['incident_id', 'reported_at', 'lon', 'lat', 'category', 'cause', 'property_type', 'loss_cny', 'deaths', 'injuries'],
      rows.map((r) => [r.incident_id, r.reported_at, f6(r.lon), f6(r.lat), r.category, r.cause, r.property_type, String(Math.round(r.loss_cny)), String(r.deaths), String(r.injuries)]),
    ),
  weather: (rows: readonly Weather[]) =>
    toCsv(
      ['date', 'station_id', 'lon', 'lat', 'temp_max_c', 'temp_min_c', 'rel_humidity_pct', 'wind_speed_ms', 'precip_mm', 'is_forecast'],
      rows.map((r) => [r.date, r.station_id, r.lon === undefined ? undefined : f6(r.lon), r.lat === undefined ? undefined : f6(r.lat), f1(r.temp_max_c), f1(r.temp_min_c), String(Math.round(r.rel_humidity_pct)), f1(r.wind_speed_ms), f1(r.precip_mm), r.is_forecast ? 'true' : 'false']),
    ),
  crowd_flow: (rows: readonly CrowdFlow[]) => toCsv(['date', 'zone_id', 'population'], rows.map((r) => [r.date, r.zone_id, String(Math.round(r.population))])),
  zones: (rows: readonly Zone[]) => toCsv(['zone_id', 'lon', 'lat', 'name'], rows.map((r) => [r.zone_id, f6(r.lon), f6(r.lat), r.name])),
  facility_status: (rows: readonly FacilityStatus[]) =>
    toCsv(['device_id', 'device_type', 'lon', 'lat', 'at', 'status'], rows.map((r) => [r.device_id, r.device_type, f6(r.lon), f6(r.lat), r.at, r.status])),
  stations: (rows: readonly Station[]) =>
    toCsv(['station_id', 'name', 'lon', 'lat', 'opened_on', 'closed_on', 'kind'], rows.map((r) => [r.station_id, r.name, f6(r.lon), f6(r.lat), r.opened_on, r.closed_on, r.kind])),
  pois: (rows: readonly Poi[]) =>
    toCsv(['poi_id', 'kind', 'lon', 'lat', 'name', 'floors'], rows.map((r) => [r.poi_id, r.kind, f6(r.lon), f6(r.lat), r.name, r.floors === undefined ? undefined : String(r.floors)])),
  events: (rows: readonly MajorEvent[]) =>
    toCsv(['event_id', 'name', 'start', 'end', 'lon', 'lat', 'expected_attendance'], rows.map((r) => [r.event_id, r.name, r.start, r.end, f6(r.lon), f6(r.lat), String(r.expected_attendance)])),
};

/** RFC 7946 polygon (counter-clockwise exterior ring, closed). */
export function boundaryGeoJson(ringLonLat: ReadonlyArray<[number, number]>, properties: Record<string, string | number>): string {
  const ring = ringLonLat.map(([lon, lat]) => [Number(lon.toFixed(6)), Number(lat.toFixed(6))]);
  ring.push(ring[0]);
  return `${JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [ring] } }] })}\n`;
}

/** Writes truth/intensity.parquet: one row per source and day, ordered by source then day. */
export async function writeIntensityParquet(file: string, truth: Float64Array, nSources: number, firstDay: number, nDays: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    await connection.run('CREATE TABLE intensity (source_id INTEGER, day DATE, expected_fires DOUBLE)');
    const appender = await connection.createAppender('intensity');
    const CHUNK = 2048;
    const total = nSources * nDays;
    for (let start = 0; start < total; start += CHUNK) {
      const n = Math.min(CHUNK, total - start);
      const chunk = DuckDBDataChunk.create([INTEGER, DATE, DOUBLE], n);
      const ids: number[] = new Array(n);
      const dates: DuckDBDateValue[] = new Array(n);
      const values: number[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const idx = start + k;
        ids[k] = Math.floor(idx / nDays);
        dates[k] = new DuckDBDateValue(firstDay + (idx % nDays));
        values[k] = truth[idx];
      }
      chunk.setColumnValues(0, ids);
      chunk.setColumnValues(1, dates);
      chunk.setColumnValues(2, values);
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    await connection.run(`COPY intensity TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export interface FileEntry {
  rows: number | null;
  bytes: number;
  sha256: string;
}

/** Row counts: CSV lines minus the header; for other files the caller passes the count. */
export function describeFile(file: string, rows: number | null): FileEntry {
  const bytes = statSync(file).size;
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { rows, bytes, sha256 };
}

/** A temporary sibling folder for the dataset; `publish` renames it over `outDir`. */
export function prepareOutput(outDir: string): { tmp: string; publish: () => void } {
  const target = resolve(outDir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UsageError(`--out ${outDir} exists and is not a folder`);
    const entries = readdirSync(target);
    const ours = entries.includes('MANIFEST.json') && readFileSync(join(target, 'MANIFEST.json'), 'utf8').includes(`"${GENERATOR.name}"`);
    if (entries.length > 0 && !ours) throw new UsageError(`--out ${outDir} exists and is not a synthetic dataset written by firerisk synth; choose another folder or remove it`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'truth'), { recursive: true });
  return {
    tmp,
    publish: () => {
      const old = `${target}.old`;
      rmSync(old, { recursive: true, force: true });
      if (existsSync(target)) renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    },
  };
}

export function writeText(root: string, name: string, text: string): void {
  writeFileSync(join(root, name), text);
}

export function relativeName(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}
