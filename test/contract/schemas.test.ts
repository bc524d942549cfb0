import { describe, expect, it } from 'vitest';
import { localDay, tables, type TableName } from '../../src/contract/schemas.ts';

/** One good row and bad rows (with the column zod blames) per table, as CSV cells (strings). */
const cases: Record<TableName, { good: Record<string, string>; bad: Array<[string, Record<string, string>]> }> = {
  incidents: {
    good: { incident_id: 'I1', reported_at: '2025-03-01T14:05:00+08:00', lon: '106.43', lat: '29.82', category: 'Fire', cause: '', property_type: 'residential', loss_cny: '', deaths: '0', injuries: '1' },
    bad: [
      ['reported_at', { reported_at: '2025-03-01 2:05 pm' }],
      ['category', { category: 'explosion' }],
      ['lat', { lat: '129.8' }],
      ['deaths', { deaths: '-1' }],
      ['incident_id', { incident_id: ' ' }],
    ],
  },
  weather: {
    good: { date: '2025-03-01', temp_max_c: '18.5', temp_min_c: '9', rel_humidity_pct: '80', wind_speed_ms: '2.1', precip_mm: '0', is_forecast: 'false' },
    bad: [
      ['rel_humidity_pct', { rel_humidity_pct: '140' }],
      ['temp_min_c', { temp_min_c: '20' }],
      ['date', { date: '2025-02-30' }],
      ['is_forecast', { is_forecast: 'maybe' }],
    ],
  },
  crowd_flow: {
    good: { date: '2025-03-01', hour: '13', zone_id: 'Z1', lon: '', lat: '', population: '1520' },
    bad: [
      ['population', { population: '-3' }],
      ['hour', { hour: '24' }],
      ['zone_id', { zone_id: '' }],
    ],
  },
  zones: {
    good: { zone_id: 'Z1', lon: '106.43', lat: '29.82', name: 'Tiansheng' },
    bad: [['lon', { lon: 'east' }]],
  },
  facility_status: {
    good: { device_id: 'D1', device_type: 'hydrant', lon: '106.43', lat: '29.82', at: '2025-03-01T00:00:00Z', status: 'fault' },
    bad: [
      ['status', { status: 'broken' }],
      ['device_type', { device_type: 'fire_truck' }],
      ['at', { at: 'yesterday' }],
    ],
  },
  stations: {
    good: { station_id: 'S1', name: 'Beibei station', lon: '106.43', lat: '29.82', opened_on: '', closed_on: '', kind: 'special' },
    bad: [['opened_on', { opened_on: '2026/01/01' }]],
  },
  pois: {
    good: { poi_id: 'P1', kind: 'high_rise', lon: '106.43', lat: '29.82', name: '', floors: '32' },
    bad: [
      ['kind', { kind: 'castle' }],
      ['floors', { floors: '-2' }],
    ],
  },
  events: {
    good: { event_id: 'E1', name: 'Lantern fair', start: '2025-02-12T18:00:00+08:00', end: '2025-02-12T22:00:00+08:00', lon: '106.43', lat: '29.82', expected_attendance: '20000' },
    bad: [
      ['end', { end: '2025-02-12T17:00:00+08:00' }],
      ['expected_attendance', { expected_attendance: '' }],
    ],
  },
  holidays: {
    good: { date: '2025-10-01', name: 'National Day', kind: 'public_holiday' },
    bad: [['kind', { kind: 'birthday' }]],
  },
};

describe('table schemas', () => {
  for (const [name, { good, bad }] of Object.entries(cases) as Array<[TableName, (typeof cases)[TableName]]>) {
    it(`${name}: accepts a good row and rejects each bad variant on the right column`, () => {
      const schema = tables[name].schema;
      expect(schema.safeParse(good).success).toBe(true);
      for (const [column, change] of bad) {
        const result = schema.safeParse({ ...good, ...change });
        expect(result.success, `${name} ${JSON.stringify(change)}`).toBe(false);
        if (!result.success) expect(result.error.issues[0].path[0]).toBe(column);
      }
    });
  }

  it('coerces CSV strings to typed values and applies defaults', () => {
    const row = tables.incidents.schema.parse(cases.incidents.good);
    expect(row).toMatchObject({ lon: 106.43, lat: 29.82, category: 'fire', loss_cny: 0, deaths: 0, injuries: 1 });
    expect(tables.weather.schema.parse({ ...cases.weather.good, is_forecast: '' })).toMatchObject({ is_forecast: false, rel_humidity_pct: 80 });
  });

  it('crowd_flow accepts lon/lat instead of zone_id', () => {
    expect(tables.crowd_flow.schema.safeParse({ date: '2025-03-01', zone_id: '', lon: '106.4', lat: '29.8', population: '10' }).success).toBe(true);
  });

  it('a day may carry a midnight time (a date exported through a timestamp type), but no other time', () => {
    for (const text of ['2025-03-01', '2025-03-01 00:00:00', '2025-03-01T00:00', ' 2025-03-01T00:00:00.000 ']) expect(localDay.parse(text), text).toBe('2025-03-01');
    for (const text of ['2025-03-01 08:00:00', '2025-03-01T00:00:00Z', '2025-03-01T00:00:00+08:00', '2025/03/01', '2025-02-30 00:00:00']) expect(localDay.safeParse(text).success, text).toBe(false);
    expect(tables.weather.schema.parse({ ...cases.weather.good, date: '2025-03-01 00:00:00' }).date).toBe('2025-03-01');
  });
});
