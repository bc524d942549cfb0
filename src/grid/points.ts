import { locateTableFile } from '../contract/load.ts';
import { readCsvTable, readParquetTable } from '../contract/readers.ts';
import { longitude, latitude } from '../contract/schemas.ts';
import { InputDataError } from '../util/errors.ts';

export interface IncidentPoints {
  file: string;
  points: Array<[number, number]>;
  /** Rows whose lon/lat is missing or not a WGS84 position (kept out of the extent, but counted). */
  skipped: number;
  firstSkippedRow?: number;
}

/** The lon/lat of every incident in `<dataDir>/incidents.csv` (or `.parquet`), to derive a study area from. */
export async function readIncidentPoints(dataDir: string): Promise<IncidentPoints> {
  const located = locateTableFile(dataDir, 'incidents');
  if (!located) throw new InputDataError(`${dataDir}: neither boundary.geojson nor incidents.csv / incidents.parquet found; cannot define the study area`);
  const table = located.format === 'csv' ? await readCsvTable(located.path) : await readParquetTable(located.path);
  for (const column of ['lon', 'lat']) {
    if (!table.columns.includes(column)) throw new InputDataError(`${table.file}: missing column ${column}`);
  }
  const out: IncidentPoints = { file: table.file, points: [], skipped: 0 };
  for (const row of table.rows) {
    const lon = longitude.safeParse(row.values.lon);
    const lat = latitude.safeParse(row.values.lat);
    if (!row.problem && lon.success && lat.success) out.points.push([lon.data, lat.data]);
    else {
      out.skipped++;
      out.firstSkippedRow ??= row.row;
    }
  }
  return out;
}
