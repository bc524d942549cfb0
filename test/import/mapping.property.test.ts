import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMapping, mappingSchema, type Mapping } from '../../src/contract/mapping.ts';

// Mappings that exercise every kind of column spec; random rows must never make applyMapping throw,
// and every row must come out exactly once: written, filtered out or rejected.
const mappings: Mapping[] = [
  mappingSchema.parse({
    table: 'incidents',
    columns: {
      incident_id: 'a',
      reported_at: { from: ['b', 'c'], type: 'instant', format: 'yyyy/M/d HH:mm' },
      category: { from: 'd', map: { 火灾扑救: 'fire', 抢险救援: 'rescue' } },
      property_type: { from: 'e', map: { 住宅: 'residential' }, map_default: 'other' },
      loss_cny: { from: 'f', type: 'number', multiply: 10000, default: 0 },
    },
    coordinates: { x: 'x', y: 'y', crs: 'GCJ02' },
    filters: [{ column: 'd', not_in: ['虚假警情'] }],
  }),
  mappingSchema.parse({
    table: 'weather',
    timezone: 'Europe/Berlin',
    columns: {
      date: { from: 'a', type: 'day', format: 'excel' },
      temp_max_c: { from: 'b', type: 'number', unit: 'degF' },
      temp_min_c: { from: 'c', extract: '(-?[\\d.]+)', type: 'number', unit: 'K' },
      wind_speed_ms: { from: 'd', type: 'number', unit: 'beaufort' },
      rel_humidity_pct: { from: 'e', type: 'number', unit: 'fraction', decimal: ',' },
      is_forecast: { from: 'f', map: { 预报: true, 实况: false } },
    },
    filters: [{ column: 'x', pattern: '^[0-9]' }],
  }),
  mappingSchema.parse({
    table: 'crowd_flow',
    columns: { date: { from: 'a', type: 'day', format: 'epoch_ms' }, hour: { from: 'b', type: 'hour' }, population: { from: 'c', type: 'number' } },
    coordinates: { x: 'x', y: 'y', crs: 'EPSG:32648', proj4: '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs' },
  }),
  mappingSchema.parse({ table: 'pois', columns: { kind: { const: 'school' }, name: 'a' }, coordinates: { x: 'x', y: 'y', crs: 'BD09' }, id: { column: 'poi_id' } }),
];

const cell = fc.oneof(
  fc.string(),
  fc.constantFrom('', ' ', '火灾扑救', '虚假警情', '住宅', '3-4级', '12', '1,234.5', '2024/3/5', '14:07', '45474.5', '106.44', '29.83', 'NaN', '1e400', '-0', '预报'),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constant(undefined),
  fc.constant(null),
);
const row = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x', 'y', 'z', '__proto__', 'constructor'), cell, { maxKeys: 10 });

describe('applyMapping on random rows (property)', () => {
  it.each(mappings.map((m) => [m.table, m] as const))('%s: never throws, and read = written + filtered + rejected', (_table, mapping) => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 25 }), (rows) => {
        const result = applyMapping(mapping, rows);
        expect(result.read).toBe(rows.length);
        expect(result.rows.length + result.filtered.count + result.rejected.length).toBe(rows.length);
        expect(Object.values(result.filtered.reasons).reduce((a, b) => a + b, 0)).toBe(result.filtered.count);
        expect(result.sourceRows).toHaveLength(result.rows.length);
        for (const out of result.rows) {
          expect(Object.keys(out)).toEqual(result.columns);
          for (const value of Object.values(out)) expect(typeof value).toBe('string');
        }
        for (const r of result.rejected) expect(r.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
