import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { InputDataError } from '../util/errors.ts';

export interface IncidentPoints {
  file: string;
  points: Array<[number, number]>;
  /** Rows whose lon/lat is missing or not a WGS84 position (kept out of the extent, but counted). */
  skipped: number;
  firstSkippedRow?: number;
}

const isPosition = (lon: number, lat: number) => Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;

/** The lon/lat of every incident in `<dataDir>/incidents.csv` (or `.parquet`), to derive a study area from. */
export async function readIncidentPoints(dataDir: string): Promise<IncidentPoints> {
  const csvPath = join(dataDir, 'incidents.csv');
  const parquetPath = join(dataDir, 'incidents.parquet');
  const out: IncidentPoints = { file: csvPath, points: [], skipped: 0 };
  const add = (lonRaw: unknown, latRaw: unknown, row: number) => {
    const lon = typeof lonRaw === 'number' ? lonRaw : lonRaw === null || lonRaw === undefined || String(lonRaw).trim() === '' ? Number.NaN : Number(lonRaw);
    const lat = typeof latRaw === 'number' ? latRaw : latRaw === null || latRaw === undefined || String(latRaw).trim() === '' ? Number.NaN : Number(latRaw);
    if (isPosition(lon, lat)) out.points.push([lon, lat]);
    else {
      out.skipped++;
      out.firstSkippedRow ??= row;
    }
  };
  if (existsSync(csvPath)) {
    let records: Record<string, string>[];
    try {
      records = parse(readFileSync(csvPath, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
    } catch (error) {
      throw new InputDataError(`${csvPath}: unreadable file (${(error as Error).message.split('\n')[0]})`);
    }
    if (records.length && !('lon' in records[0] && 'lat' in records[0])) throw new InputDataError(`${csvPath}: missing column lon or lat`);
    records.forEach((r, i) => add(r.lon, r.lat, i + 1));
    return out;
  }
  if (existsSync(parquetPath)) {
    out.file = parquetPath;
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT TRY_CAST(lon AS DOUBLE), TRY_CAST(lat AS DOUBLE) FROM read_parquet('${parquetPath.replaceAll("'", "''")}')`);
      reader.getRows().forEach(([lon, lat], i) => add(lon, lat, i + 1));
    } catch (error) {
      throw new InputDataError(`${parquetPath}: cannot read lon/lat (${(error as Error).message.split('\n')[0]})`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    return out;
  }
  throw new InputDataError(`${dataDir}: neither boundary.geojson nor incidents.csv / incidents.parquet found; cannot define the study area`);
}
