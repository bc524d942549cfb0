import { describe, expect, it } from 'vitest';
import type { CrowdFlow, FacilityStatus } from '../../src/contract/schemas.ts';
import { build } from './helpers.ts';
import { dataset, incident, pointIn, tinyGrid, weatherDays } from './tiny.ts';

// 1 x 3 grid: cells 0, 1, 2 west to east; 1 neighbours 0 and 2.
const grid = tinyGrid(1, 3);
const incidents = [incident('2024-01-01', 0, 0)];
const weather = weatherDays('2023-12-01', '2024-02-10');

describe('crowd-flow features', () => {
  it("shares the nearest zone's previous-day population by inside share and compares it with the 28 days before", async () => {
    // Zone A sits in cell 0, zone B in cell 2; cell 1 is nearer to A (placed at its west edge).
    const zones = [
      { zone_id: 'A', ...pointIn(0, 0, 0.9) },
      { zone_id: 'B', ...pointIn(0, 2) },
    ];
    const crowd: CrowdFlow[] = [];
    for (let d = 1; d <= 31; d++) {
      const date = `2024-01-${String(d).padStart(2, '0')}`;
      if (date === '2024-01-30') continue; // outage of both zones
      crowd.push({ date, zone_id: 'A', population: d === 29 ? 2000 : 1000 } as CrowdFlow);
      crowd.push({ date, zone_id: 'B', population: 300 } as CrowdFlow);
    }
    // An hourly pair on the 31st for B: the day is their mean.
    crowd.pop();
    crowd.push({ date: '2024-01-31', hour: 10, zone_id: 'B', population: 200 } as CrowdFlow, { date: '2024-01-31', hour: 11, zone_id: 'B', population: 400 } as CrowdFlow);
    const b = await build(dataset({ incidents, weather, crowd_flow: crowd, zones }), grid, '2024-01-30', '2024-02-01');
    // Day 30 uses day 29: A = 2000 shared by cells 0 and 1 -> 1000 each; mean of days 1..28 (days 2..29 before 30 -> 27 x 1000 + 2000)/28.
    expect(b.at(0, '2024-01-30').crowd_population).toBeCloseTo(1000, 3);
    expect(b.at(1, '2024-01-30').crowd_population).toBeCloseTo(1000, 3);
    expect(b.at(2, '2024-01-30').crowd_population).toBeCloseTo(300, 3);
    expect(b.at(0, '2024-01-30').crowd_anomaly).toBeCloseTo(2000 / ((27 * 1000 + 2000) / 28) - 1, 5);
    expect(b.at(2, '2024-01-30').crowd_anomaly).toBeCloseTo(0, 6);
    expect(b.at(0, '2024-01-30').flag_crowd_imputed).toBe(false);
    // Day 31 uses day 30, an outage: day 29 carried forward, flagged.
    expect(b.at(0, '2024-01-31')).toMatchObject({ flag_crowd_imputed: true });
    expect(b.at(0, '2024-01-31').crowd_population).toBeCloseTo(1000, 3);
    // Feb 1 uses Jan 31: B's hourly mean 300.
    expect(b.at(2, '2024-02-01').crowd_population).toBeCloseTo(300, 3);
    expect(b.result.manifest.imputed.flag_crowd_imputed).toBe(3);
  });

  it('without the feed, crowd features are 0 and flagged on every row', async () => {
    const b = await build(dataset({ incidents, weather }), grid, '2024-01-30', '2024-01-31');
    expect(b.rows.every((r) => r.crowd_population === 0 && r.crowd_anomaly === 0 && r.flag_crowd_imputed === true)).toBe(true);
    expect(b.result.manifest.imputed.flag_crowd_imputed).toBe(6);
    expect(b.result.manifest.imputed.flag_facility_missing).toBe(6);
    expect(b.result.manifest.imputed.flag_station_missing).toBe(6);
    expect(b.result.manifest.imputed.flag_pois_missing).toBe(6);
    expect(b.result.manifest.imputed.flag_events_missing).toBe(6);
    expect(b.rows.every((r) => r.station_distance_km === 50)).toBe(true);
  });
});

describe('facility, static and event features', () => {
  const device = (device_id: string, device_type: FacilityStatus['device_type'], cell: number, at: string, status: FacilityStatus['status']): FacilityStatus =>
    ({ device_id, device_type, ...pointIn(0, cell), at, status }) as FacilityStatus;

  it('takes each device status as of its last event before the day', async () => {
    const facility = [
      device('h1', 'hydrant', 0, '2024-01-10T09:00:00+08:00', 'normal'),
      device('h1', 'hydrant', 0, '2024-01-12T09:00:00+08:00', 'fault'),
      device('h1', 'hydrant', 0, '2024-01-14T23:59:00+08:00', 'normal'), // repaired late on the 14th
      device('s1', 'smoke_detector', 0, '2024-01-11T08:00:00+08:00', 'offline'),
      device('s1', 'smoke_detector', 0, '2024-01-11T20:00:00+08:00', 'disabled'), // the day's last status counts
      device('e1', 'electrical_fire_monitor', 1, '2024-01-08T10:00:00+08:00', 'alarm'),
      device('e1', 'electrical_fire_monitor', 1, '2024-01-12T10:00:00+08:00', 'alarm'),
    ];
    const b = await build(dataset({ incidents, weather, facility_status: facility }), grid, '2024-01-10', '2024-01-16');
    expect(b.at(0, '2024-01-10')).toMatchObject({ devices_bad: 0, hydrants_out: 0, devices_known: 0 });
    expect(b.at(0, '2024-01-12')).toMatchObject({ devices_bad: 1, hydrants_out: 0, devices_known: 2 }); // s1 disabled since the 11th
    expect(b.at(0, '2024-01-13')).toMatchObject({ devices_bad: 2, hydrants_out: 1 });
    expect(b.at(0, '2024-01-14')).toMatchObject({ devices_bad: 2, hydrants_out: 1 }); // repair stamped during the 14th
    expect(b.at(0, '2024-01-15')).toMatchObject({ devices_bad: 1, hydrants_out: 0 });
    // Electrical alarms in the 7 days before: the 12th sees the 8th; the 13th sees 8th and 12th; the 16th only the 12th.
    expect(b.at(1, '2024-01-12').electrical_alarms_7d).toBe(1);
    expect(b.at(1, '2024-01-13').electrical_alarms_7d).toBe(2);
    expect(b.at(1, '2024-01-16').electrical_alarms_7d).toBe(1);
    expect(b.rows.every((r) => r.flag_facility_missing === false)).toBe(true);
  });

  it('counts electrical fire monitors in alarm state at the start of the day, in the cell and in its neighbours', async () => {
    const facility = [
      device('e1', 'electrical_fire_monitor', 1, '2024-01-08T10:00:00+08:00', 'alarm'),
      device('e1', 'electrical_fire_monitor', 1, '2024-01-12T10:00:00+08:00', 'alarm'), // still in alarm
      device('e1', 'electrical_fire_monitor', 1, '2024-01-14T09:00:00+08:00', 'normal'),
      device('e2', 'electrical_fire_monitor', 1, '2024-01-13T08:00:00+08:00', 'alarm'),
      device('e2', 'electrical_fire_monitor', 1, '2024-01-13T20:00:00+08:00', 'normal'), // cleared the same day: never counts
      device('e3', 'electrical_fire_monitor', 2, '2024-01-11T23:00:00+08:00', 'alarm'),
      device('s1', 'smoke_detector', 2, '2024-01-11T08:00:00+08:00', 'alarm'), // not an electrical fire monitor
    ];
    const b = await build(dataset({ incidents, weather, facility_status: facility }), grid, '2024-01-10', '2024-01-15');
    const state = (cell: number, day: string) => [b.at(cell, day).monitors_in_alarm, b.at(cell, day).nb_monitors_in_alarm];
    expect(state(1, '2024-01-10')).toEqual([1, 0]);
    expect(state(1, '2024-01-12')).toEqual([1, 1]); // e3 raised late on the 11th
    expect(state(1, '2024-01-14')).toEqual([1, 1]); // e1 cleared during the 14th
    expect(state(1, '2024-01-15')).toEqual([0, 1]);
    // Cell 0 neighbours only cell 1; cell 2 neighbours only cell 1.
    expect(state(0, '2024-01-13')).toEqual([0, 1]);
    expect(state(2, '2024-01-13')).toEqual([1, 1]);
    expect(state(0, '2024-01-15')).toEqual([0, 0]);
  });

  it('counts POIs per cell, derives the built-up share and the nearest station in service that day', async () => {
    const pois = [
      { poi_id: 'p1', kind: 'high_rise' as const, ...pointIn(0, 0) },
      { poi_id: 'p2', kind: 'high_rise' as const, ...pointIn(0, 0, 0.2, 0.2) },
      { poi_id: 'p3', kind: 'market' as const, ...pointIn(0, 0, 0.7, 0.7) },
      { poi_id: 'p4', kind: 'factory' as const, ...pointIn(0, 1) },
    ];
    // Station X at the centre of cell 0 all along; Y at the centre of cell 2 from 2024-01-12.
    const stations = [
      { station_id: 'X', name: 'X', ...pointIn(0, 0) },
      { station_id: 'Y', name: 'Y', ...pointIn(0, 2), opened_on: '2024-01-12' },
    ];
    const b = await build(dataset({ incidents, weather, pois, stations }), grid, '2024-01-11', '2024-01-12');
    expect(b.at(0, '2024-01-11')).toMatchObject({ poi_high_rise: 2, poi_crowded_places: 1, poi_industrial: 0, flag_pois_missing: false });
    expect(b.at(1, '2024-01-11')).toMatchObject({ poi_high_rise: 0, poi_industrial: 1 });
    // POIs per cell with any: [3, 1] -> 90th percentile 2.8; shares min(1, 3/2.8) = 1 and 1/2.8.
    expect(b.at(0, '2024-01-11').builtup_share).toBeCloseTo(1, 5);
    expect(b.at(1, '2024-01-11').builtup_share).toBeCloseTo(1 / 2.8, 5);
    expect(b.at(2, '2024-01-11').builtup_share).toBe(0);
    // Cells are 500 m apart: cell 2 is 1 km from X; once Y opens it is 0 km away.
    expect(b.at(0, '2024-01-11').station_distance_km).toBeCloseTo(0, 3);
    expect(b.at(2, '2024-01-11').station_distance_km).toBeCloseTo(1.0, 1);
    expect(b.at(2, '2024-01-12').station_distance_km).toBeCloseTo(0, 3);
    expect(b.at(1, '2024-01-12').station_distance_km).toBeCloseTo(0.5, 1);
    expect(b.rows.every((r) => r.flag_station_missing === false)).toBe(true);
  });

  it('adds the attendance of events active that day in the cell and in its neighbours', async () => {
    const events = [
      { event_id: 'e1', start: '2024-01-11T19:00:00+08:00', end: '2024-01-12T01:00:00+08:00', ...pointIn(0, 0), expected_attendance: 5000 },
      { event_id: 'e2', start: '2024-01-12T09:00:00+08:00', end: '2024-01-12T17:00:00+08:00', ...pointIn(0, 2), expected_attendance: 800 },
    ];
    const b = await build(dataset({ incidents, weather, events }), grid, '2024-01-10', '2024-01-13');
    expect(b.at(0, '2024-01-10')).toMatchObject({ event_attendance: 0, nb_event_attendance: 0 });
    expect(b.at(0, '2024-01-11')).toMatchObject({ event_attendance: 5000, nb_event_attendance: 0 });
    expect(b.at(1, '2024-01-11')).toMatchObject({ event_attendance: 0, nb_event_attendance: 5000 });
    // e1 runs past midnight into the 12th; e2 is on the 12th.
    expect(b.at(1, '2024-01-12')).toMatchObject({ event_attendance: 0, nb_event_attendance: 5800 });
    expect(b.at(2, '2024-01-12')).toMatchObject({ event_attendance: 800, nb_event_attendance: 0 });
    expect(b.at(0, '2024-01-13').event_attendance).toBe(0);
  });
});
