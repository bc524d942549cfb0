import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeRing, scoredDayToGeoJson, signedArea2 } from '../../src/score/geojson.ts';
import { scoredDayToCsv } from '../../src/score/csv.ts';
import { TINY_DIR, scoreTiny } from './fixture.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = join(TINY_DIR, 'out', name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`golden file ${file} missing: run with UPDATE_GOLDEN=1 to create it`);
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

function ogrinfo(file: string): string {
  return execFileSync('ogrinfo', ['-ro', '-al', '-so', file], { encoding: 'utf8' });
}

describe('scores as GeoJSON (RFC 7946)', () => {
  it('matches the golden file of the tiny fixture byte for byte', async () => {
    golden('scores.geojson', scoredDayToGeoJson(await scoreTiny()));
  });

  it('matches the golden CSV of the tiny fixture', async () => {
    golden('scores.csv', scoredDayToCsv(await scoreTiny()));
  });

  it('gives identical bytes on a rerun', async () => {
    expect(scoredDayToGeoJson(await scoreTiny())).toBe(scoredDayToGeoJson(await scoreTiny()));
  });

  it('has no crs member, a bbox, counter-clockwise rings rounded to 6 decimals, and flat properties', async () => {
    const fc = JSON.parse(scoredDayToGeoJson(await scoreTiny()));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.crs).toBeUndefined();
    expect(fc.bbox).toEqual([106.4, 29.8, 106.415, 29.815]);
    expect(fc.features).toHaveLength(9);
    for (const f of fc.features) {
      const ring = f.geometry.coordinates[0] as Array<[number, number]>;
      expect(signedArea2(ring)).toBeGreaterThan(0); // includes r0001c0001, clockwise in the input grid
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const [lon, lat] of ring) {
        expect(Math.round(lon * 1e6) / 1e6).toBe(lon);
        expect(Math.round(lat * 1e6) / 1e6).toBe(lat);
      }
      for (const [k, v] of Object.entries(f.properties)) {
        expect(k).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(v === null || typeof v !== 'object').toBe(true);
      }
    }
    expect(fc.features.map((f: { properties: { cell_id: string } }) => f.properties.cell_id)).toEqual([
      'r0000c0000', 'r0000c0001', 'r0000c0002', 'r0001c0000', 'r0001c0001', 'r0001c0002', 'r0002c0000', 'r0002c0001', 'r0002c0002',
    ]);
    const red = fc.features.find((f: { properties: { cell_id: string } }) => f.properties.cell_id === 'r0002c0002').properties;
    expect(red).toMatchObject({ warning_level: 'I', warning_color: 'red', risk_class: 4, rank: 1, percentile: 100, driver_1: 'x0', driver_1_direction: 'up', driver_1_effect: 2.4, flag_crowd_imputed: true });
    expect(fc.metadata).toMatchObject({ scored_date: '2026-01-15', last_data_day: '2026-01-14', model_version: 'fixture-glm-1', cell_count: 9, counts_by_warning_level: { I: 1, II: 1, III: 1, IV: 3, none: 3 } });
    expect(fc.metadata.grid.kind).toBe('square');
  });

  it('reverses a clockwise ring and drops repeated positions after rounding', () => {
    const cw: Array<[number, number]> = [[0, 0], [0, 1], [0.0000001, 1], [1, 1], [1, 0], [0, 0]];
    expect(normalizeRing(cw, 'test')).toEqual([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
    expect(() => normalizeRing([[0, 0], [200, 1], [1, 1], [0, 0]], 'cell x')).toThrow(/cell x/);
  });

  it('opens in GDAL: feature count, Polygon, WGS 84, typed attribute fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-score-'));
    const file = join(dir, 'scores-2026-01-15.geojson');
    writeFileSync(file, scoredDayToGeoJson(await scoreTiny()));
    const info = ogrinfo(file);
    expect(info).toMatch(/Feature Count: 9/);
    expect(info).toMatch(/Geometry: Polygon/);
    expect(info).toMatch(/WGS 84/);
    expect(info).toMatch(/Extent: \(106\.400000, 29\.800000\) - \(106\.415000, 29\.815000\)/);
    for (const field of [
      'cell_id: String', 'cell_index: Integer', 'risk: Real', 'expected_fires: Real', 'warning_level: String', 'warning_color: String',
      'risk_class: Integer', 'rank: Integer', 'percentile: Real', 'driver_1: String', 'driver_1_direction: String', 'driver_1_effect: Real',
      'flag_crowd_imputed: Integer(Boolean)', 'model_version: String',
    ]) {
      expect(info).toContain(`${field} `);
    }
    const csv = join(dir, 'scores.csv');
    writeFileSync(csv, scoredDayToCsv(await scoreTiny()));
    expect(ogrinfo(csv)).toMatch(/Feature Count: 9/);
  });
});
