import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBoundary, pointInBoundary } from '../../src/contract/boundary.ts';
import { eventSchema, facilityStatusSchema, incidentSchema, poiSchema, stationSchema, weatherSchema, zoneSchema } from '../../src/contract/schemas.ts';
import { generateSynthetic, writeSynthetic } from '../../src/synth/index.ts';

/** Every file under dir (recursively) with its sha256. */
function digests(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, digests(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

function readCsv(file: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}

describe('synth: a two-year dataset written twice with the same seed', () => {
  const root = mkdtempSync(join(tmpdir(), 'synth-det-'));
  const a = join(root, 'a');
  const b = join(root, 'b');
  const options = { seed: 7, from: '2024-01-01', to: '2025-12-31', forecastDays: 3 };

  beforeAll(async () => {
    await writeSynthetic(generateSynthetic(options), a);
    await writeSynthetic(generateSynthetic(options), b);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has identical bytes in every file', () => {
    const da = digests(a);
    const db = digests(b);
    expect(Object.keys(da)).toEqual([
      'MANIFEST.json', 'boundary.geojson', 'crowd_flow.csv', 'events.csv', 'facility_status.csv', 'incidents.csv', 'pois.csv', 'stations.csv',
      'truth/intensity.parquet', 'truth/sources.csv', 'weather.csv', 'zones.csv',
    ]);
    expect(db).toEqual(da);
  });

  it('differs with another seed', () => {
    const other = generateSynthetic({ ...options, seed: 8, to: '2024-01-31' });
    const same = generateSynthetic({ ...options, to: '2024-01-31' });
    expect(other.incidents.map((r) => r.reported_at)).not.toEqual(same.incidents.map((r) => r.reported_at));
  });

  it('ends the weather with forecast rows for the three days after the last day', () => {
    const rows = readCsv(join(a, 'weather.csv'));
    const forecasts = rows.filter((r) => r.is_forecast === 'true');
    expect(forecasts.map((r) => r.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(rows.slice(0, -3).every((r) => r.is_forecast === 'false')).toBe(true);
    expect(rows.length).toBe(731 + 3);
    expect(rows[rows.length - 4].date).toBe('2025-12-31');
  });

  it('writes rows the data contract accepts', () => {
    const check = (file: string, schema: { safeParse: (v: unknown) => { success: boolean } }) => {
      const rows = readCsv(join(a, file));
      expect(rows.length).toBeGreaterThan(0);
      const bad = rows.filter((r) => !schema.safeParse(r).success);
      expect(bad.slice(0, 3)).toEqual([]);
    };
    check('incidents.csv', incidentSchema);
    check('weather.csv', weatherSchema);
    check('zones.csv', zoneSchema);
    check('stations.csv', stationSchema);
    check('pois.csv', poiSchema);
    check('events.csv', eventSchema);
    check('facility_status.csv', facilityStatusSchema);
  });

  it('has the district figures of the plan: 751.6 km², 5 stations in service plus planned ones, 1813 hydrants, 389 key units of which 78 high-risk', () => {
    const manifest = JSON.parse(readFileSync(join(a, 'MANIFEST.json'), 'utf8'));
    expect(manifest.world.area_km2).toBeCloseTo(751.6, 0);
    expect(manifest.world.built_up_km2).toBeGreaterThan(40);
    expect(manifest.world.built_up_km2).toBeLessThan(50);
    expect(manifest.world.devices.hydrant).toBe(1813);
    expect(manifest.world.pois.key_unit + manifest.world.pois.high_risk_unit).toBe(389);
    expect(manifest.world.pois.high_risk_unit).toBe(78);
    expect(manifest.world.pois.high_rise).toBe(1000);
    expect(manifest.world.pois.hazardous_chemicals).toBe(100);
    const stations = readCsv(join(a, 'stations.csv'));
    expect(stations.filter((s) => s.opened_on === '').length).toBe(5);
    expect(stations.filter((s) => s.opened_on !== '').map((s) => s.opened_on.slice(0, 4)).sort()).toEqual(['2022', '2022', '2023', '2025']);
    expect(manifest.files['incidents.csv'].rows).toBe(readCsv(join(a, 'incidents.csv')).length);
  });

  it('stores the truth as a parquet table of source_id INTEGER, day DATE, expected_fires DOUBLE covering every source and day', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const file = join(a, 'truth', 'intensity.parquet').replaceAll("'", "''");
    const types = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${file}')`);
    expect(types.getRowObjects()).toEqual([
      { column_name: 'source_id', column_type: 'INTEGER' },
      { column_name: 'day', column_type: 'DATE' },
      { column_name: 'expected_fires', column_type: 'DOUBLE' },
    ]);
    const stats = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(DISTINCT source_id)::INTEGER AS sources, min(day)::VARCHAR AS first, max(day)::VARCHAR AS last, sum(expected_fires) AS total FROM '${file}'`);
    const [row] = stats.getRowObjects();
    const sources = readCsv(join(a, 'truth', 'sources.csv')).length;
    expect(row).toMatchObject({ n: sources * 731, sources, first: '2024-01-01', last: '2025-12-31' });
    const fires = readCsv(join(a, 'incidents.csv')).filter((r) => r.category === 'fire').length;
    expect(Math.abs((row.total as number) - fires)).toBeLessThan(4 * Math.sqrt(fires));
    connection.closeSync();
    instance.closeSync();
  });
});
