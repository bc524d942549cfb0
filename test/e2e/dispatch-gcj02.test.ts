/**
 * End to end on the foreign-shaped example (issue 7): a dispatch export with Chinese headers in GBK
 * and GCJ-02 coordinates, a weather-bureau export in °F and Beaufort force, a BD-09 key-unit list,
 * imported through their mappings, then `firerisk nightly` on the result: no boundary file (derived,
 * with a warning), no crowd-flow or facility feed (imputed and flagged), published GeoJSON.
 *
 * The example holds two years (2023-2024); features start a year after the first alarm, so there are
 * 366 labelled days. The default windows (5 training years, 180 validation days, a 12-month backtest)
 * do not fit in that; the configuration below does (and keeps the run to seconds).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point, polygon } from '@turf/helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/contract/import.ts';
import { parseMapping } from '../../src/contract/mapping.ts';
import { readChampion } from '../../src/model/registry.ts';
import { CLI, checkPublished, lastSummary, stage, statuses, tempDir, writeConfig } from '../pipeline/nightly-helpers.ts';

const example = join(import.meta.dirname, '../../datasets/examples/dispatch-gcj02');
const work = tempDir('e2e-gcj02');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sources = [
  { mapping: 'incidents.yaml', raw: '警情记录_2023-2024.csv' },
  { mapping: 'weather.json', raw: '气象日报.csv' },
  { mapping: 'pois.yaml', raw: '重点单位名录.csv' },
];

const CITY_CONFIG = {
  paths: { data: 'city', out: 'out', models: 'models' },
  grid: { cell_size_m: 2000 },
  features: { threads: 1 },
  model: { train_years: 0.5, validation_days: 60, max_epochs: 3 },
  evaluate: { months: 2, refit_every_months: 2, min_train_days: 30 },
  gate: { window_days: 30 },
};

describe('the dispatch-gcj02 example, imported and run through the nightly job', () => {
  it('imports through the mappings, runs every stage and publishes flagged GeoJSON on a derived grid', () => {
    const city = join(work, 'city');
    for (const { mapping, raw } of sources) {
      const parsed = parseMapping(readFileSync(join(example, 'mappings', mapping), 'utf8'), mapping);
      importFiles(parsed, [join(example, 'raw', raw)], city, 0.05);
    }
    expect(readFileSync(join(city, 'incidents.csv'), 'utf8')).toBe(readFileSync(join(example, 'expected', 'incidents.csv'), 'utf8'));

    const config = writeConfig(work, {}, 'firerisk.yaml', CITY_CONFIG);
    const run = spawnSync(process.execPath, [CLI, '-c', config, 'nightly'], { cwd: work, encoding: 'utf8' });
    expect(run.status, run.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    expect(run.stdout).toMatch(/^run \S+: OK {2}data=city$/m);

    const summary = lastSummary(work);
    expect(statuses(summary)).toEqual({ validate: 'ran', grid: 'ran', features: 'ran', train: 'ran', evaluate: 'ran', gate: 'ran', publish: 'ran' });
    // 352 contract rows written by the import; the contract quarantines the one without coordinates and the duplicate.
    expect(stage(summary, 'validate')!.report!.rows_quarantined).toBe(2);
    const cells = stage(summary, 'grid')!.report!.rows_out!;
    const cellDays = stage(summary, 'features')!.report!.rows_out!;
    expect(summary.warnings).toEqual(
      expect.arrayContaining([
        'validate: incidents: 2 of 352 rows quarantined (empty required cell: lon: 1; duplicate key: incident_id: 1)',
        'validate: crowd_flow: feed absent; its features are imputed and flagged',
        'validate: facility_status: feed absent; its features are imputed and flagged',
        'grid: no boundary.geojson: study area derived from the convex hull of 350 incident locations buffered by 2000 m; add a boundary file for a grid that follows the district line',
        `features: flag_crowd_imputed: ${cellDays} cell-days imputed`,
        `features: flag_facility_missing: ${cellDays} cell-days imputed`,
        // three forecast days (2025-01-01..03) after the last observed weather day
        `features: flag_weather_forecast: ${3 * cells} cell-days imputed`,
      ]),
    );
    expect(summary.warnings.some((w) => /outside the grid/.test(w))).toBe(false);
    expect(stage(summary, 'features')!.report!.details!.labels_until).toBe('2024-12-31');

    const { manifest, latest } = checkPublished(join(work, 'out', 'scores'));
    expect(manifest.model_version).toBe(readChampion(join(work, 'models'), 'city')!.model_id);
    expect(latest.metadata.scored_date).toBe('2025-01-01');
    expect(latest.features).toHaveLength(cells);
    expect((latest.metadata as unknown as { grid: { boundary_source: string } }).grid.boundary_source).toBe('derived');
    for (const f of latest.features) {
      expect(f.properties).toMatchObject({ flag_crowd_imputed: true, flag_facility_missing: true, flag_weather_forecast: true, flag_pois_missing: false });
      expect(Number(f.properties.expected_fires)).toBeGreaterThan(0);
    }

    // The alarms were converted from GCJ-02 to WGS84: every accepted one lies in a published (WGS84) cell.
    const cellsGeo = (latest.features as unknown as Array<{ geometry: { coordinates: number[][][] } }>).map((f) => polygon(f.geometry.coordinates));
    const rows = readFileSync(join(city, 'incidents.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    const located = rows.filter((r) => r[2] !== '' && r[3] !== '');
    expect(located.length).toBe(351); // 352 minus the one without coordinates (the duplicate has them)
    const outside = located.filter((r) => !cellsGeo.some((cell) => booleanPointInPolygon(point([Number(r[2]), Number(r[3])]), cell)));
    expect(outside.map((r) => r[0])).toEqual([]);
  });
});
