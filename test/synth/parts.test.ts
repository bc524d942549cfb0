import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../src/synth/calendar.ts';
import { pointInRing, signedAreaKm2, toLonLat, toXy } from '../../src/synth/geo.ts';
import { Rng } from '../../src/synth/rng.ts';
import { yearlyTarget } from '../../src/synth/targets.ts';
import { dayNumber } from '../../src/util/days.ts';

describe('synth parts', () => {
  it('draws the same numbers for the same seed and stream, others for another stream', () => {
    const a = new Rng(1, 'x');
    const b = new Rng(1, 'x');
    const c = new Rng(1, 'y');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws Poisson counts with the right mean', () => {
    const rng = new Rng(3, 'poisson');
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += rng.poisson(2.5);
    expect(sum / 20000).toBeCloseTo(2.5, 1);
  });

  it('measures a counter-clockwise 2 km x 3 km rectangle as +6 km² and finds points inside', () => {
    const ring: Array<[number, number]> = [[0, 0], [2, 0], [2, 3], [0, 3]];
    expect(signedAreaKm2(ring)).toBe(6);
    expect(signedAreaKm2([...ring].reverse())).toBe(-6);
    expect(pointInRing(1, 1, ring)).toBe(true);
    expect(pointInRing(2.5, 1, ring)).toBe(false);
  });

  it('projects the district centre to the origin and back', () => {
    expect(toXy(106.43, 29.82)).toEqual([0, 0]);
    const [lon, lat] = toLonLat([10, -5]);
    const [x, y] = toXy(lon, lat);
    expect(x).toBeCloseTo(10, 9);
    expect(y).toBeCloseTo(-5, 9);
    expect(lat).toBeCloseTo(29.82 - 5 / 110.574, 9);
  });

  it("knows Lunar New Year's Eve, the Lantern Festival and Qingming of 2016", () => {
    const days = buildCalendar(dayNumber('2016-02-01'), dayNumber('2016-04-10'));
    const at = (iso: string) => days.find((d) => d.iso === iso)!;
    expect(at('2016-02-07').springFestivalOffset).toBe(0);
    expect(at('2016-02-22').springFestivalOffset).toBe(15);
    expect(at('2016-04-04').qingmingOffset).toBe(0);
    expect(at('2016-04-04').publicHoliday).toBe(true);
    expect(at('2016-02-06').offWork).toBe(false); // adjusted working Saturday
  });

  it('uses the published figures for 2016-2020 and continues the trend after', () => {
    expect(yearlyTarget('assistance', 2018)).toBe(1645);
    // least-squares fit of assistance 2016-2020: slope (2*(2094-1260) + (1746-1478)) / 10 = 193.6 per year, mean 8223/5 = 1644.6 at 2018
    expect(yearlyTarget('assistance', 2021)).toBeCloseTo(1644.6 + 3 * 193.6, 6);
    expect(yearlyTarget('fire', 2021)).toBeCloseTo(744 * 0.985, 1);
  });
});
