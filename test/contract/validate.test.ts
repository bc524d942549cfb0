import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/contract/readers.ts';
import { OUTSIDE_DISTRICT, validateTable } from '../../src/contract/validate.ts';
import { createBoundaryTest } from '../../src/contract/boundary.ts';
import type { BoundaryGeometry } from '../../src/contract/dataset.ts';

/** A square district from 106.3 to 106.6 E and 29.7 to 29.9 N. */
const square: BoundaryGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [106.3, 29.7],
      [106.6, 29.7],
      [106.6, 29.9],
      [106.3, 29.9],
      [106.3, 29.7],
    ],
  ],
};
const insideDistrict = createBoundaryTest(square);

const incidentsCsv = `incident_id,reported_at,lon,lat,category,cause,property_type,loss_cny,deaths,injuries
I1,2025-03-01T14:05:00+08:00,106.43,29.82,fire,electrical,residential,1200,0,0
I2,2025-03-01T15:00:00+08:00,106.44,29.83,rescue,,other,,,
I1,2025-03-02T09:00:00+08:00,106.45,29.84,fire,,residential,0,0,0
I3,2025-03-02T09:00:00+08:00,107.90,29.84,fire,,residential,0,0,0
I4,2025-03-02 9am,106.45,29.84,fire,,residential,0,0,0
I5,2025-03-02T09:00:00+08:00,106.45,29.84,explosion,,residential,0,0,0
I6,2025-03-02T09:00:00+08:00,106.45,29.84,fire,,residential,0,0
I7,2025-03-02T09:00:00+08:00,,29.84,fire,,residential,0,0,0
I8,2025-03-02T09:00:00+08:00,106.45,29.84,fire,,residential,0,-2,0
`;

describe('validateTable: incidents', () => {
  const result = validateTable('incidents', parseCsvText(incidentsCsv, 'incidents.csv'), { insideDistrict });

  it('keeps the valid rows, typed', () => {
    expect(result.rows.map((r) => r.incident_id)).toEqual(['I1', 'I2']);
    expect(result.rows[1]).toMatchObject({ category: 'rescue', loss_cny: 0, lon: 106.44 });
  });

  it('quarantines each bad row once, with row number, column and reason', () => {
    expect(result.quarantine.map((q) => [q.row, q.column, q.reason])).toEqual([
      [3, 'incident_id', 'duplicate key: incident_id'],
      [4, 'lon', OUTSIDE_DISTRICT],
      [5, 'reported_at', 'unparseable timestamp: reported_at (expected ISO 8601, e.g. 2025-03-01T14:05:00+08:00, or 2025-03-01 14:05:00 in local time)'],
      [6, 'category', 'unknown category: category (expected one of fire, rescue, assistance, other)'],
      [7, null, 'wrong number of fields (expected 10)'],
      [8, 'lon', 'empty required cell: lon'],
      [9, 'deaths', 'impossible value: deaths must be >= 0'],
    ]);
    expect(result.quarantine[0].raw).toMatchObject({ incident_id: 'I1', reported_at: '2025-03-02T09:00:00+08:00' });
    expect(result.quarantine[0].file).toBe('incidents.csv');
  });

  it('counts reasons and keeps read = accepted + quarantined', () => {
    expect(result.report).toMatchObject({ table: 'incidents', read: 9, accepted: 2, quarantined: 7 });
    expect(Object.values(result.report.reasons).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('without a boundary file the out-of-district row is accepted', () => {
    const open = validateTable('incidents', parseCsvText(incidentsCsv, 'incidents.csv'));
    expect(open.rows.map((r) => r.incident_id)).toEqual(['I1', 'I2', 'I3']);
  });
});

describe('validateTable: other tables', () => {
  it('weather: humidity 140 % and min above max are impossible; duplicate day is quarantined', () => {
    const csv = `date,temp_max_c,temp_min_c,rel_humidity_pct,wind_speed_ms,precip_mm,is_forecast
2025-07-01,36,27,140,2,0,false
2025-07-02,36,27,60,2,0,false
2025-07-02,35,26,61,2,0,false
2025-07-03,25,27,60,2,0,false
2025-07-03,36,27,60,2,0,true
`;
    const result = validateTable('weather', parseCsvText(csv, 'weather.csv'));
    expect(result.report.reasons).toEqual({
      'impossible value: rel_humidity_pct must be <= 100': 1,
      'duplicate key: date,station_id,is_forecast': 1,
      'impossible value: temp_min_c must not exceed temp_max_c': 1,
    });
    expect(result.rows.map((r) => [r.date, r.is_forecast])).toEqual([
      ['2025-07-02', false],
      ['2025-07-03', true],
    ]);
  });

  it('crowd_flow: negative population, unknown zone, and a zone id without a zones table', () => {
    const csv = `date,hour,zone_id,lon,lat,population
2025-07-01,8,Z1,,,1500
2025-07-01,8,Z2,,,-40
2025-07-01,8,Z9,,,100
2025-07-01,8,,106.4,29.8,100
2025-07-01,8,,,,100
`;
    const withZones = validateTable('crowd_flow', parseCsvText(csv, 'crowd_flow.csv'), { knownZones: new Set(['Z1', 'Z2']) });
    expect(withZones.report.reasons).toEqual({
      'impossible value: population must be >= 0': 1,
      'unknown zone: zone_id not in zones': 1,
      'missing location: needs zone_id or both lon and lat': 1,
    });
    expect(withZones.report.accepted).toBe(2);
    const withoutZones = validateTable('crowd_flow', parseCsvText(csv, 'crowd_flow.csv'));
    expect(withoutZones.report.reasons['unknown zone: zone_id without lon/lat needs a zones table']).toBe(2);
    expect(withoutZones.report.accepted).toBe(1);
  });

  it('facility_status: unknown status and device type; duplicate (device_id, at); outside the district', () => {
    const csv = `device_id,device_type,lon,lat,at,status
D1,hydrant,106.4,29.8,2025-07-01T08:00:00+08:00,fault
D1,hydrant,106.4,29.8,2025-07-01T08:00:00+08:00,normal
D1,hydrant,106.4,29.8,2025-07-01T09:00:00+08:00,normal
D2,hydrant,106.4,29.8,2025-07-01T09:00:00+08:00,exploded
D3,sprinkler,106.4,29.8,2025-07-01T09:00:00+08:00,normal
D4,smoke_detector,106.0,29.8,2025-07-01T09:00:00+08:00,normal
`;
    const result = validateTable('facility_status', parseCsvText(csv, 'facility_status.csv'), { insideDistrict });
    expect(result.report.reasons).toEqual({
      'duplicate key: device_id,at': 1,
      'unknown category: status (expected one of normal, fault, alarm, offline, disabled)': 1,
      'unknown category: device_type (expected one of alarm_panel, smoke_detector, sprinkler_pressure, hydrant, electrical_fire_monitor, other)': 1,
      [OUTSIDE_DISTRICT]: 1,
    });
    expect(result.report).toMatchObject({ read: 6, accepted: 2, quarantined: 4 });
  });

  it('stations are not checked against the boundary (a neighbouring station may serve the district)', () => {
    const csv = `station_id,name,lon,lat,opened_on\nS1,Outside,106.0,29.8,\nS2,Planned,106.4,29.8,2027-01-01\n`;
    const result = validateTable('stations', parseCsvText(csv, 'stations.csv'), { insideDistrict });
    expect(result.report.accepted).toBe(2);
    expect(result.rows[1].opened_on).toBe('2027-01-01');
  });
});
