import { beforeAll, describe, expect, it } from 'vitest';
import { parseBoundary, pointInBoundary } from '../../src/contract/boundary.ts';
import { generateSynthetic, type SynthDataset } from '../../src/synth/index.ts';
import { boundaryGeoJson } from '../../src/synth/writers.ts';

/** The published alarms of Beibei District 2016-2020, written out again here on purpose (not imported from the generator). */
const published: Record<number, Record<string, number>> = {
  2016: { fire: 751, rescue: 355, assistance: 1260, other: 32 },
  2017: { fire: 720, rescue: 328, assistance: 1478, other: 23 },
  2018: { fire: 709, rescue: 373, assistance: 1645, other: 26 },
  2019: { fire: 795, rescue: 386, assistance: 1746, other: 38 },
  2020: { fire: 745, rescue: 403, assistance: 2094, other: 42 },
};

describe('synth: calibration of 2016-2020 to the published yearly figures', () => {
  let data: SynthDataset;
  const counts = new Map<number, Record<string, number>>();
  beforeAll(() => {
    data = generateSynthetic({ seed: 20211, from: '2016-01-01', to: '2020-12-31', forecastDays: 3 });
    for (const inc of data.incidents) {
      const year = Number(inc.reported_at.slice(0, 4));
      const c = counts.get(year) ?? { fire: 0, rescue: 0, assistance: 0, other: 0 };
      c[inc.category]++;
      counts.set(year, c);
    }
  });

  it('realises yearly counts per category within 10 % of the figures', () => {
    for (const year of [2016, 2017, 2018, 2019, 2020])
      for (const category of ['fire', 'rescue', 'assistance', 'other']) {
        const realised = counts.get(year)![category];
        const target = published[year][category];
        expect(Math.abs(realised - target) / target, `${year} ${category}: ${realised} vs ${target}`).toBeLessThanOrEqual(0.1);
      }
  });

  it('makes over 70 % of fires residential', () => {
    const fires = data.incidents.filter((i) => i.category === 'fire');
    expect(fires.filter((i) => i.property_type === 'residential').length / fires.length).toBeGreaterThan(0.7);
  });

  it('has a truth whose yearly sum equals the figure and is close to the realised fires', () => {
    const S = data.world.sources.length;
    const yearOf = Array.from({ length: data.nObserved }, (_, i) => new Date((data.firstDay + i) * 86_400_000).getUTCFullYear());
    for (const year of [2016, 2017, 2018, 2019, 2020]) {
      let total = 0;
      for (let s = 0; s < S; s++)
        for (let i = 0; i < data.nObserved; i++) if (yearOf[i] === year) total += data.intensity.truth[s * data.nObserved + i];
      // k(year) is found on a separate random stream, so the realised path's sum differs from the figure only through the near-repeat term
      expect(Math.abs(total - published[year].fire) / published[year].fire).toBeLessThan(0.01);
      const realised = counts.get(year)!.fire;
      expect(Math.abs(realised - total), `${year}: ${realised} fires vs expected ${total}`).toBeLessThan(4 * Math.sqrt(total));
    }
  });

  it('puts every fire at the location of a truth source', () => {
    const sourceKeys = new Set(data.world.sources.map((s) => `${s.lon},${s.lat}`));
    const fires = data.incidents.filter((i) => i.category === 'fire');
    expect(fires.every((f) => sourceKeys.has(`${f.lon},${f.lat}`))).toBe(true);
  });

  it('puts every incident, POI, station, zone and device inside the boundary', () => {
    const boundary = parseBoundary(JSON.parse(boundaryGeoJson(data.world.ringLonLat, {})));
    const outside = [...data.incidents, ...data.pois, ...data.stations, ...data.zones, ...data.world.devices].filter((p) => !pointInBoundary(boundary, p.lon, p.lat));
    expect(outside).toEqual([]);
  });

  it('gives incidents unique ids and times inside their day in +08:00', () => {
    const ids = new Set(data.incidents.map((i) => i.incident_id));
    expect(ids.size).toBe(data.incidents.length);
    expect(data.incidents.every((i) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/.test(i.reported_at))).toBe(true);
    const sorted = [...data.incidents.map((i) => i.reported_at)].sort();
    expect(data.incidents.map((i) => i.reported_at)).toEqual(sorted);
  });

  it('reports a clearly measurable dynamic share of the log-intensity variation', () => {
    expect(data.intensity.variance.dynamic_share).toBeGreaterThan(0.1);
    expect(data.intensity.variance.oracle_gain_over_static_nats_per_fire).toBeGreaterThan(0.05);
  });
});
