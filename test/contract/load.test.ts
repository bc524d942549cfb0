import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { inspectDataset, loadDataset } from '../../src/contract/load.ts';
import { writeQuarantine } from '../../src/contract/quarantine.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { InputDataError } from '../../src/util/errors.ts';
import { runCli } from '../../src/cli/main.ts';

const root = mkdtempSync(join(tmpdir(), 'firerisk-contract-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

const incidents = `incident_id,reported_at,lon,lat,category,cause,property_type,loss_cny,deaths,injuries
I1,2024-12-31T23:30:00+08:00,106.43,29.82,fire,electrical,residential,1200,0,0
I2,2025-02-01T15:00:00+08:00,106.44,29.83,rescue,,other,,,
I3,2025-03-02T09:00:00Z,106.45,29.84,assistance,,commercial,0,0,1
`;
const weather = `date,temp_max_c,temp_min_c,rel_humidity_pct,wind_speed_ms,precip_mm,is_forecast
2025-01-01,10,5,80,1.5,0.2,false
2025-01-02,11,6,85,2,0,false
2025-01-03,12,7,70,3,0,true
`;
const boundary = JSON.stringify({
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: { name: 'Beibei' }, geometry: { type: 'Polygon', coordinates: [[[106.3, 29.7], [106.6, 29.7], [106.6, 29.9], [106.3, 29.9], [106.3, 29.7]]] } }],
});

function dataset(files: Record<string, string>): string {
  const dir = join(root, `case-${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const config = defaultConfig();

async function expectInputError(dir: string, message: RegExp) {
  const error = await loadDataset(dir, config, createMemoryLogger()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputDataError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('\n');
}

describe('loadDataset', () => {
  it('reads the tables present, the boundary, and the default holidays for the years covered', async () => {
    const dir = dataset({ 'incidents.csv': `\uFEFF${incidents}`, 'weather.csv': weather, 'boundary.geojson': boundary });
    const data = await loadDataset(dir, config, createMemoryLogger());
    expect(data.incidents.map((r) => r.incident_id)).toEqual(['I1', 'I2', 'I3']);
    expect(data.weather).toHaveLength(3);
    expect(data.crowd_flow).toBeUndefined();
    expect(data.boundary?.type).toBe('Polygon');
    // I1 is 2024-12-31 local time, so the default holidays span 2024 and 2025.
    expect(data.holidays.find((h) => h.date === '2024-10-01')?.kind).toBe('public_holiday');
    expect(data.holidays.find((h) => h.date === '2025-01-28')?.kind).toBe('spring_festival');
    expect(data.holidays.some((h) => h.date < '2024-01-01' || h.date > '2025-12-31')).toBe(false);
    expect(data.report.tables.find((t) => t.table === 'incidents')).toMatchObject({ present: true, read: 3, accepted: 3, quarantined: 0 });
    expect(data.report.tables.find((t) => t.table === 'pois')).toMatchObject({ present: false });
  });

  it('outside China: the time zone and the holidays of the district\'s own location', async () => {
    const london = `incident_id,reported_at,lon,lat,category,cause,property_type,loss_cny,deaths,injuries
L1,2024-12-31T23:30:00Z,-0.12,51.50,fire,,residential,0,0,0
L2,2025-06-01T10:00:00+01:00,-0.10,51.52,rescue,,other,,,
`;
    const dir = dataset({ 'incidents.csv': london, 'weather.csv': weather.replaceAll('2025-01-0', '2025-01-1') });
    const log = createMemoryLogger();
    const data = await loadDataset(dir, config, log);
    expect(data.locale).toMatchObject({ timeZone: 'Europe/London', timeZoneSource: 'location', country: 'GB' });
    // 23:30 UTC on 31 December is still 2024 in London (it would be 2025 in Shanghai), so the years are 2024-2025.
    expect(data.holidays.find((h) => h.date === '2024-12-25')?.name).toBe('Christmas Day');
    expect(data.holidays.some((h) => h.kind !== 'public_holiday')).toBe(false);
    expect(data.holidays.some((h) => h.date < '2024-01-01' || h.date > '2025-12-31')).toBe(false);
    expect(log.lines.some((l) => /time zone Europe\/London \(from the district's location/.test(l.message))).toBe(true);
  });

  it('uses the dataset holidays table when there is one', async () => {
    const dir = dataset({ 'incidents.csv': incidents, 'weather.csv': weather, 'holidays.csv': 'date,name,kind\n2025-01-02,Local day,public_holiday\n' });
    const data = await loadDataset(dir, config, createMemoryLogger());
    expect(data.holidays).toEqual([{ date: '2025-01-02', name: 'Local day', kind: 'public_holiday' }]);
  });

  it('a missing required table names the file', async () => {
    await expectInputError(dataset({ 'incidents.csv': incidents }), /^weather\.csv \(or weather\.parquet\) not found in .*: the weather table is required$/);
  });

  it('a missing column names the file and the column', async () => {
    const noCategory = incidents.replace('category,', '').replace(/,(fire|rescue|assistance),/g, ',');
    await expectInputError(dataset({ 'incidents.csv': noCategory, 'weather.csv': weather }), /^incidents\.csv: missing column 'category' \(required: /);
  });

  it('a weather file without humidity or wind, and incidents without property types, are read with a stated constant', async () => {
    const bare = `date,temp_max_c,temp_min_c,precip_mm
2025-01-01,10,5,0.2
2025-01-02,11,6,0
`;
    const untyped = `incident_id,reported_at,lon,lat,category
I1,2025-01-01T10:00:00+08:00,106.43,29.82,fire
`;
    const log = createMemoryLogger();
    const data = await loadDataset(dataset({ 'incidents.csv': untyped, 'weather.csv': bare }), config, log);
    expect(data.weather.map((w) => [w.rel_humidity_pct, w.wind_speed_ms])).toEqual([[70, 2], [70, 2]]);
    expect(data.incidents[0].property_type).toBe('other');
    const warnings = log.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toContain("weather.csv: no 'rel_humidity_pct' column: humidity held at 70 % every day: rel_humidity_pct is constant, and the dew-point and fire-weather codes follow temperature, rain and wind only");
    expect(warnings.some((w) => w.startsWith("weather.csv: no 'wind_speed_ms' column: wind held at 2 m/s"))).toBe(true);
    expect(warnings.some((w) => w.startsWith("incidents.csv: no 'property_type' column"))).toBe(true);
    // A column that is there keeps its rule: an empty humidity cell is a bad row, not a 70.
    const holed = `date,temp_max_c,temp_min_c,rel_humidity_pct,precip_mm\n2025-01-01,10,5,,0\n2025-01-02,11,6,80,0\n`;
    const lenient = { ...config, validate: { max_bad_share: 0.6 } };
    const partial = await loadDataset(dataset({ 'incidents.csv': untyped, 'weather.csv': holed }), lenient, createMemoryLogger());
    expect(partial.weather.map((w) => [w.date, w.rel_humidity_pct, w.wind_speed_ms])).toEqual([['2025-01-02', 80, 2]]);
    expect(partial.report.quarantine[0]).toMatchObject({ row: 1, column: 'rel_humidity_pct' });
  });

  it('reads timestamps without an offset as wall-clock time in the zone of the district, and says how many', async () => {
    const local = `incident_id,reported_at,lon,lat,category
I1,2024-12-31 23:30:00,106.43,29.82,fire
I2,2025-02-01T15:00,106.44,29.83,rescue
I3,2025-03-02T09:00:00Z,106.45,29.84,assistance
`;
    const log = createMemoryLogger();
    const data = await loadDataset(dataset({ 'incidents.csv': local, 'weather.csv': weather, 'boundary.geojson': boundary }), config, log);
    expect(data.incidents.map((r) => r.reported_at)).toEqual(['2024-12-31T23:30:00+08:00', '2025-02-01T15:00:00+08:00', '2025-03-02T09:00:00Z']);
    expect(data.report.tables.find((t) => t.table === 'incidents')).toMatchObject({ accepted: 3, local_times: 2 });
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContain('incidents.csv: 2 timestamps without an offset read as wall-clock time in Asia/Shanghai');
    // Elsewhere the zone of the place, or the one configured.
    const newYork = await loadDataset(dataset({ 'incidents.csv': 'incident_id,reported_at,lon,lat,category\nI1,2025-07-04 21:30:00,-74.0,40.7,fire\n', 'weather.csv': weather }), config, createMemoryLogger());
    expect(newYork.incidents[0].reported_at).toBe('2025-07-04T21:30:00-04:00');
    const configured = await loadDataset(dataset({ 'incidents.csv': local, 'weather.csv': weather }), { ...config, timezone: 'UTC' }, createMemoryLogger());
    expect(configured.incidents[0].reported_at).toBe('2024-12-31T23:30:00+00:00');
  });

  it('an unreadable file, an empty file and a broken boundary are one-line errors naming the file', async () => {
    const dir = dataset({ 'weather.csv': weather });
    mkdirSync(join(dir, 'incidents.csv'));
    await expectInputError(dir, /^incidents\.csv: unreadable file \(/);
    await expectInputError(dataset({ 'incidents.csv': '', 'weather.csv': weather }), /^incidents\.csv: empty file/);
    await expectInputError(dataset({ 'incidents.csv': incidents, 'weather.csv': weather, 'boundary.geojson': '{"type":' }), /^boundary\.geojson: not valid JSON/);
    await expectInputError(dataset({ 'incidents.csv': incidents, 'weather.csv': weather, 'weather.parquet': 'x' }), /weather\.csv and weather\.parquet both exist/);
  });

  it('fails when the quarantined share of a required table exceeds validate.max_bad_share, naming row and column', async () => {
    const bad = `${incidents}I4,2025-03-02T09:00:00+08:00,106.45,29.84,blaze,,residential,0,0,0\n`;
    const dir = dataset({ 'incidents.csv': bad, 'weather.csv': weather });
    await expectInputError(dir, /^incidents\.csv: 1 of 4 rows quarantined \(25\.0%\), above validate\.max_bad_share = 0\.2; most common: unknown category: category .* x1 \(first at row 4, column category\)$/);
    const lenient = { ...config, validate: { max_bad_share: 0.3 } };
    const data = await loadDataset(dir, lenient, createMemoryLogger());
    expect(data.incidents).toHaveLength(3);
    expect(data.report.quarantine).toHaveLength(1);
  });

  it('rows outside the boundary are quarantined but not counted as bad rows; all of them outside is an error', async () => {
    const withNeighbours = `${incidents}N1,2025-03-03T09:00:00+08:00,106.70,29.84,fire,,other,0,0,0\nN2,2025-03-04T09:00:00+08:00,106.71,29.85,rescue,,other,0,0,0\n`;
    const log = createMemoryLogger();
    const data = await loadDataset(dataset({ 'incidents.csv': withNeighbours, 'weather.csv': weather, 'boundary.geojson': boundary }), config, log);
    expect(data.incidents.map((r) => r.incident_id)).toEqual(['I1', 'I2', 'I3']);
    expect(data.report.quarantine.map((q) => q.row)).toEqual([4, 5]);
    expect(log.lines.some((l) => l.level === 'warn' && l.message === 'incidents.csv: 2 of 5 rows outside boundary.geojson: quarantined, not used, not counted as bad rows')).toBe(true);
    const elsewhere = incidents.replace(/,106\.(\d+),/g, ',107.$1,');
    await expectInputError(dataset({ 'incidents.csv': elsewhere, 'weather.csv': weather, 'boundary.geojson': boundary }), /^incidents\.csv: all 3 rows lie outside boundary\.geojson \(is the boundary for this district, and are lon and lat the right way round\?\)$/);
  });

  it('Parquet gives the same typed rows as CSV', async () => {
    const csvDir = dataset({ 'incidents.csv': incidents, 'weather.csv': weather });
    const parquetDir = dataset({});
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const src = (name: string) => join(csvDir, name).replaceAll("'", "''");
    const out = (name: string) => join(parquetDir, name).replaceAll("'", "''");
    // Native Parquet types: TIMESTAMPTZ, DOUBLE, INTEGER, DATE, BOOLEAN, VARCHAR with NULLs.
    await connection.run(`COPY (SELECT incident_id, reported_at::TIMESTAMPTZ AS reported_at, lon::DOUBLE AS lon, lat::DOUBLE AS lat, category, NULLIF(cause, '') AS cause,
      property_type, TRY_CAST(loss_cny AS DOUBLE) AS loss_cny, TRY_CAST(deaths AS INTEGER) AS deaths, TRY_CAST(injuries AS INTEGER) AS injuries
      FROM read_csv('${src('incidents.csv')}', all_varchar = true)) TO '${out('incidents.parquet')}' (FORMAT parquet)`);
    await connection.run(`COPY (SELECT date::DATE AS date, temp_max_c::DOUBLE AS temp_max_c, temp_min_c::DOUBLE AS temp_min_c, rel_humidity_pct::INTEGER AS rel_humidity_pct,
      wind_speed_ms::DOUBLE AS wind_speed_ms, precip_mm::DOUBLE AS precip_mm, is_forecast::BOOLEAN AS is_forecast
      FROM read_csv('${src('weather.csv')}', all_varchar = true)) TO '${out('weather.parquet')}' (FORMAT parquet)`);
    connection.closeSync();
    db.closeSync();
    const fromCsv = await loadDataset(csvDir, config, createMemoryLogger());
    const fromParquet = await loadDataset(parquetDir, config, createMemoryLogger());
    const instantMs = (rows: typeof fromCsv.incidents) => rows.map((r) => ({ ...r, reported_at: Date.parse(r.reported_at) }));
    expect(instantMs(fromParquet.incidents)).toEqual(instantMs(fromCsv.incidents));
    expect(fromParquet.weather).toEqual(fromCsv.weather);
    expect(fromParquet.report.tables[0].file).toBe('incidents.parquet');
  });

  it('a Parquet TIMESTAMP without zone is wall-clock time in the district, like CSV text without an offset', async () => {
    const dir = dataset({ 'weather.csv': weather, 'boundary.geojson': boundary });
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(`COPY (SELECT 'I1' AS incident_id, TIMESTAMP '2024-12-31 23:30:00' AS reported_at, 106.43 AS lon, 29.82 AS lat, 'fire' AS category)
      TO '${join(dir, 'incidents.parquet').replaceAll("'", "''")}' (FORMAT parquet)`);
    connection.closeSync();
    db.closeSync();
    const data = await loadDataset(dir, config, createMemoryLogger());
    expect(data.incidents[0].reported_at).toBe('2024-12-31T23:30:00+08:00');
    expect(data.report.tables[0]).toMatchObject({ file: 'incidents.parquet', accepted: 1, local_times: 1 });
  });
});

describe('writeQuarantine and firerisk validate', () => {
  const badIncidents = `${incidents}I2,2025-03-02T09:00:00+08:00,106.45,29.84,fire,,residential,0,0,0
I5,2025-03-02T09:00:00+08:00,108.45,29.84,fire,"says ""hi""",residential,0,0,0
`;
  const badWeather = `${weather}2025-01-04,10,5,140,1.5,0.2,false\n`;

  it('writes one CSV per present table with _row, _column, _reason and the raw row, plus the JSON report', async () => {
    const dir = dataset({ 'incidents.csv': badIncidents, 'weather.csv': badWeather, 'boundary.geojson': boundary, 'pois.csv': 'poi_id,kind,lon,lat\n' });
    const { dataset: data } = await inspectDataset(dir, config, createMemoryLogger());
    const out = join(dir, 'quarantine');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'events.csv'), 'stale');
    writeQuarantine(data.report, out);
    expect(readFileSync(join(out, 'incidents.csv'), 'utf8')).toBe(
      '_row,_column,_reason,incident_id,reported_at,lon,lat,category,cause,property_type,loss_cny,deaths,injuries\n' +
        '4,incident_id,duplicate key: incident_id,I2,2025-03-02T09:00:00+08:00,106.45,29.84,fire,,residential,0,0,0\n' +
        '5,lon,outside district: lon/lat not inside boundary.geojson,I5,2025-03-02T09:00:00+08:00,108.45,29.84,fire,"says ""hi""",residential,0,0,0\n',
    );
    expect(readFileSync(join(out, 'weather.csv'), 'utf8')).toContain('4,rel_humidity_pct,impossible value: rel_humidity_pct must be <= 100,2025-01-04');
    expect(readFileSync(join(out, 'pois.csv'), 'utf8')).toBe('_row,_column,_reason\n');
    expect(existsSync(join(out, 'events.csv'))).toBe(false);
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8'));
    expect(report.tables.find((t: { table: string }) => t.table === 'incidents')).toMatchObject({ read: 5, accepted: 3, quarantined: 2 });
    expect(report.totals).toEqual({ read: 9, accepted: 6, quarantined: 3 });
  });

  it('the CLI prints per-table counts and exits 3 when a required table has too many bad rows', async () => {
    const dir = dataset({ 'incidents.csv': badIncidents, 'weather.csv': badWeather, 'boundary.geojson': boundary });
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    const originalErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runCli(['--quiet', 'validate', '--data', dir, '--quarantine', join(dir, 'q')]);
    } finally {
      process.stdout.write = original;
      process.stderr.write = originalErr;
    }
    const text = written.join('');
    expect(code).toBe(3);
    expect(text).toMatch(/incidents\.csv\s+5\s+3\s+2/);
    expect(text).toMatch(/1\s+duplicate key: incident_id/);
    expect(text).toMatch(/firerisk: incidents\.csv: 1 of 4 rows quarantined \(25\.0%\) \(1 more outside the district, not counted\), above validate\.max_bad_share = 0\.2; most common: duplicate key: incident_id x1/);
    expect(existsSync(join(dir, 'q', 'incidents.csv'))).toBe(true);
    process.exitCode = undefined;
  });
});
