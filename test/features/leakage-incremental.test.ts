import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CrowdFlow, FacilityStatus, Incident, MajorEvent, Weather } from '../../src/contract/schemas.ts';
import type { Dataset } from '../../src/contract/dataset.ts';
import { loadFeatureMatrix, warnNotExcluded } from '../../src/features/load.ts';
import { selectColumns } from '../../src/features/matrix.ts';
import { build, tempOut, testConfig, withoutLabels } from './helpers.ts';
import { dataset, incident, pointIn, tinyGrid, weatherRow } from './tiny.ts';
import { dayNumber, dayRange } from '../../src/util/days.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { labelHistory } from '../../src/evaluate/history.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { trainingWindows } from '../../src/model/windows.ts';

const grid = tinyGrid(3, 3);

/** A small world with every feed, from 2023-11-01 to 2024-02-29, drawn from a fixed pseudo-random sequence. */
function world(): Dataset {
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const days = dayRange('2023-11-01', '2024-02-29');
  const incidents: Incident[] = [];
  const crowd: CrowdFlow[] = [];
  const facility: FacilityStatus[] = [];
  const weather: Weather[] = [];
  for (const day of days) {
    for (let k = 0; k < 3; k++) {
      const cell = Math.floor(rand() * 9);
      incidents.push(incident(day, Math.floor(cell / 3), cell % 3, rand() < 0.4 ? 'fire' : 'rescue', `${String(Math.floor(rand() * 24)).padStart(2, '0')}:30:00`));
    }
    weather.push(weatherRow(day, { temp_max_c: 10 + 10 * rand(), temp_min_c: 5 * rand(), precip_mm: rand() < 0.3 ? 10 * rand() : 0, rel_humidity_pct: 40 + 50 * rand() }));
    crowd.push({ date: day, zone_id: 'Z1', population: 1000 + 500 * rand() } as CrowdFlow, { date: day, zone_id: 'Z2', population: 200 + 100 * rand() } as CrowdFlow);
    facility.push({ device_id: `d${Math.floor(rand() * 5)}`, device_type: rand() < 0.5 ? 'hydrant' : 'electrical_fire_monitor', ...pointIn(Math.floor(rand() * 3), Math.floor(rand() * 3)), at: `${day}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:10:00+08:00`, status: (['normal', 'fault', 'alarm', 'offline'] as const)[Math.floor(rand() * 4)] } as FacilityStatus);
  }
  const events: MajorEvent[] = [
    { event_id: 'e1', start: '2024-01-14T18:00:00+08:00', end: '2024-01-14T22:00:00+08:00', ...pointIn(1, 1), expected_attendance: 3000 } as MajorEvent,
    { event_id: 'e2', start: '2024-01-16T18:00:00+08:00', end: '2024-01-17T22:00:00+08:00', ...pointIn(2, 2), expected_attendance: 900 } as MajorEvent,
  ];
  return dataset({
    incidents,
    weather,
    crowd_flow: crowd,
    zones: [{ zone_id: 'Z1', ...pointIn(0, 0) }, { zone_id: 'Z2', ...pointIn(2, 2) }],
    facility_status: facility,
    events,
    stations: [{ station_id: 'S', name: 'S', ...pointIn(0, 1) }],
    pois: [{ poi_id: 'p', kind: 'old_residential', ...pointIn(1, 2) }],
  });
}

const D = '2024-01-15';
const midnightD = Date.parse(`${D}T00:00:00+08:00`);

describe('no leakage', () => {
  it('features of day d do not change when every record stamped from d 00:00 local time on is changed or deleted', async () => {
    const original = world();
    // Edge cases at local midnight: 23:59 on the 14th counts as yesterday; 00:30 on the 15th (16:30Z the day before) is day d.
    original.incidents.push({ ...incident('2024-01-14', 0, 0, 'fire'), reported_at: '2024-01-14T15:59:00Z' });
    original.incidents.push({ ...incident('2024-01-14', 0, 0, 'fire'), reported_at: '2024-01-14T16:30:00Z' });
    const mutated: Dataset = {
      ...original,
      incidents: [
        ...original.incidents.filter((r) => Date.parse(r.reported_at) < midnightD),
        incident(D, 2, 2, 'fire', '00:00:00'),
        incident('2024-01-20', 1, 1, 'fire'),
      ],
      // Weather of day d itself is allowed; every later day changes.
      weather: original.weather.map((w) => (w.date > D ? { ...w, temp_max_c: 35, precip_mm: 50 } : w)),
      crowd_flow: original.crowd_flow!.map((c) => (c.date >= D ? { ...c, population: c.population * 7 } : c)),
      facility_status: original.facility_status!.filter((f) => Date.parse(f.at) < midnightD),
      // Scheduled events are known ahead like the forecast: events of later days change.
      events: original.events!.filter((e) => e.event_id !== 'e2'),
    };
    const a = await build(original, grid, '2024-01-01', '2024-01-31');
    const b = await build(mutated, grid, '2024-01-01', '2024-01-31');
    for (let cell = 0; cell < 9; cell++) expect(withoutLabels(b.at(cell, D))).toEqual(withoutLabels(a.at(cell, D)));
    // The mutation is visible from the next day on (so the comparison above could fail).
    expect(b.at(0, '2024-01-16')).not.toEqual(a.at(0, '2024-01-16'));
    // The 23:59 fire is yesterday's for d; the 00:30 fire is on d (a label, not a feature).
    expect(a.at(0, D).fires_1d).toBeGreaterThanOrEqual(1);
    expect(a.at(0, D).y_fires).toBeGreaterThanOrEqual(1);
  });
});

describe('incremental builds', () => {
  it('a nightly run that adds days recomputes only the changed months and equals a full recompute', async () => {
    const full = world();
    const cut = (ds: Dataset, last: string): Dataset => ({
      ...ds,
      incidents: ds.incidents.filter((r) => r.reported_at.slice(0, 10) <= last),
      weather: ds.weather.filter((w) => w.date <= last),
      crowd_flow: ds.crowd_flow!.filter((c) => c.date <= last),
      facility_status: ds.facility_status!.filter((f) => f.at.slice(0, 10) <= last),
    });
    const out = tempOut();
    const first = await build(cut(full, '2024-02-10'), grid, '2023-12-01', '2024-02-10', out);
    expect(first.result.recomputedMonths).toEqual(['2023-12', '2024-01', '2024-02']);
    const nightly = await build(cut(full, '2024-02-11'), grid, '2023-12-01', '2024-02-11', out);
    expect(nightly.result.reusedMonths).toEqual(['2023-12', '2024-01']);
    expect(nightly.result.recomputedMonths).toEqual(['2024-02']);
    // The year 2024 is a new part (kept January copied, February recomputed); 2023's part is kept; no old part is left.
    const partFolders = () => readdirSync(join(out, 'features', 'parts')).sort();
    expect(partFolders()).toEqual(nightly.result.manifest.parts.map((p) => p.folder.replace('parts/', '')).sort());
    expect(nightly.result.manifest.parts.map((p) => [p.year, p.rows])).toEqual([['2023', 9 * 31], ['2024', 9 * (31 + 11)]]);
    expect(nightly.result.manifest.parts[0].folder).toBe(first.result.manifest.parts[0].folder);
    expect(nightly.result.manifest.parts[1].folder).not.toBe(first.result.manifest.parts[1].folder);
    // Left by interrupted builds: a half-written part, and a part written before the manifest was.
    mkdirSync(join(out, 'features', 'parts', '2024-0123456789abcdef.999.tmp'));
    mkdirSync(join(out, 'features', 'parts', '2024-fedcba9876543210'));
    const again = await build(cut(full, '2024-02-11'), grid, '2023-12-01', '2024-02-11', out);
    expect(again.result.recomputedMonths).toEqual([]);
    expect(partFolders()).toEqual(nightly.result.manifest.parts.map((p) => p.folder.replace('parts/', '')).sort());
    const recompute = await build(cut(full, '2024-02-11'), grid, '2023-12-01', '2024-02-11');
    expect(nightly.rows).toEqual(recompute.rows);
    // features.parquet is ordered by day, then cell (the loader and the backtest rely on it).
    const order = nightly.rows.map((r) => `${r.day}|${String(r.cell_index).padStart(4, '0')}`);
    expect(order).toEqual([...order].sort());
    expect(again.rows).toEqual(recompute.rows);

    // A late correction in November (before the feature range) changes every feature month.
    const corrected = cut(full, '2024-02-11');
    corrected.incidents = [...corrected.incidents, incident('2023-11-20', 1, 1, 'fire')];
    const late = await build(corrected, grid, '2023-12-01', '2024-02-11', out);
    expect(late.result.recomputedMonths).toEqual(['2023-12', '2024-01', '2024-02']);
    expect(late.rows).toEqual((await build(corrected, grid, '2023-12-01', '2024-02-11')).rows);
  });
});

describe('memory-bounded passes', () => {
  it('splitting the cells into groups gives the same table', async () => {
    const config = testConfig();
    config.features.chunk_cell_days = 3 * (31 + 365); // 3 cells per pass -> 3 groups
    const grouped = await build(world(), grid, '2024-01-01', '2024-01-31', tempOut(), config);
    const single = await build(world(), grid, '2024-01-01', '2024-01-31');
    expect(grouped.rows).toEqual(single.rows);
  });
});

describe('loadFeatureMatrix', () => {
  it('reads features, labels and flags into typed arrays, and subsamples zero-fire rows deterministically with weights', async () => {
    const b = await build(world(), grid, '2024-01-01', '2024-01-31');
    const all = await loadFeatureMatrix(b.result.parquetPath);
    expect(all.rows).toBe(9 * 31);
    expect(all.featureNames).toEqual(b.result.manifest.columns.features);
    const p = all.featureNames.length;
    const j = all.featureNames.indexOf('alarms_30d');
    // Row 10 is day 2024-01-02, cell 1.
    expect(all.cellIndex[10]).toBe(1);
    expect(all.X[10 * p + j]).toBe(b.rows[10].alarms_30d);
    expect(all.yFires[10]).toBe(b.rows[10].y_fires);
    expect(Object.keys(all.flags)).toContain('crowd_imputed');
    expect(all.flags.facility_missing.every((v) => v === 0)).toBe(true);

    const window = await loadFeatureMatrix(b.result.parquetPath, { fromDay: '2024-01-10', toDay: '2024-01-11' });
    expect(window.rows).toBe(18);

    const sampled = await loadFeatureMatrix(b.result.parquetPath, { negativeRate: 0.3, seed: 5 });
    const again = await loadFeatureMatrix(b.result.parquetPath, { negativeRate: 0.3, seed: 5 });
    expect(Array.from(sampled.day)).toEqual(Array.from(again.day));
    const fireRows = Array.from(all.yFires).filter((y) => y > 0).length;
    expect(Array.from(sampled.yFires).filter((y) => y > 0).length).toBe(fireRows);
    const zeros = all.rows - fireRows;
    const keptZeros = sampled.rows - fireRows;
    expect(keptZeros).toBeGreaterThan(zeros * 0.15);
    expect(keptZeros).toBeLessThan(zeros * 0.45);
    for (let i = 0; i < sampled.rows; i++) expect(sampled.sampleWeight![i]).toBeCloseTo(sampled.yFires[i] > 0 ? 1 : 1 / 0.3, 5);
  });

  it('leaves out the excluded feature columns, and lists the excluded names the table lacks', async () => {
    const b = await build(world(), grid, '2024-01-01', '2024-01-31');
    const all = await loadFeatureMatrix(b.result.parquetPath);
    expect(all.notExcluded).toEqual([]);
    const without = await loadFeatureMatrix(b.result.parquetPath, { exclude: ['ffmc', 'alarms_30d', 'no_such_feature'] });
    expect(without.featureNames).toEqual(all.featureNames.filter((name) => name !== 'ffmc' && name !== 'alarms_30d'));
    expect(without.notExcluded).toEqual(['no_such_feature']);
    expect(without).toEqual({ ...selectColumns(all, without.featureNames), notExcluded: ['no_such_feature'] });
    const logged = createMemoryLogger();
    warnNotExcluded(without.notExcluded, 'features.parquet', logged);
    expect(logged.lines.map((r) => r.message)).toEqual(['model.exclude_features names no_such_feature, which features.parquet has no column for; ignored']);
  });

  it('reads zeros subsampled only before a day, so that training windows and the label history come out as from the full table', async () => {
    const b = await build(world(), grid, '2024-01-01', '2024-01-31');
    const full = await loadFeatureMatrix(b.result.parquetPath);
    const mixed = await loadFeatureMatrix(b.result.parquetPath, { negativeRate: 0.1, seed: 5, subsampleBefore: '2024-01-21' });
    expect(mixed.sampleWeight).toBeUndefined();
    const rowsOn = (m: typeof full, day: number) => Array.from(m.day).filter((d) => d === day).length;
    for (let day = dayNumber('2024-01-21'); day <= dayNumber('2024-01-31'); day++) expect(rowsOn(mixed, day)).toBe(9);
    // Before the day, some days keep no row at all (no fire, no zero drawn); the label history still counts them.
    const emptyDays = dayRange('2024-01-01', '2024-01-20').filter((d) => rowsOn(mixed, dayNumber(d)) === 0);
    expect(emptyDays.length).toBeGreaterThan(0);
    expect(Array.from(mixed.labelledDays!)).toEqual(dayRange('2024-01-01', '2024-01-31').map(dayNumber));
    expect(labelHistory(mixed, 9)).toEqual(labelHistory(full, 9));

    const params = { ...defaultConfig().model, negative_rate: 0.1, seed: 5, validation_days: 5 };
    for (const firstTestDay of ['2024-01-26', '2024-01-31']) {
      const fromFull = trainingWindows(full, params, dayNumber(firstTestDay));
      const fromMixed = trainingWindows(mixed, params, dayNumber(firstTestDay));
      expect(fromMixed.train.rows).toBeGreaterThan(0);
      expect(fromMixed.train).toEqual(fromFull.train);
      expect(fromMixed.valid).toEqual(fromFull.valid);
    }
  });
});
