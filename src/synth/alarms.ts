import type { DayInfo } from './calendar.ts';
import type { CrowdSeries } from './crowd.ts';
import { pointAlong, toXy, type Xy } from './geo.ts';
import type { World } from './geography.ts';
import { Rng, WeightedSampler } from './rng.ts';
import { type Category, yearlyTarget } from './targets.ts';
import type { WeatherSeries } from './weather.ts';

/**
 * Non-fire alarms (rescue, assistance, other) from their own simpler processes. Each year's total is
 * fixed to its target (published count or trend, pro rata for partial years, rounded) and the
 * incidents are spread over days and places in proportion to a daily intensity per sub-kind, which is
 * a Poisson process conditioned on its yearly total:
 * - rescue: traffic (holiday travel, rain), water and flood (flood season June-September, heavy rain
 *   over three days), entrapment in lifts (high-rises), other (rain-driven landslides, heights);
 * - assistance: population-driven (zone population present), wasp nests in summer and autumn,
 *   water supply in heat and drought, lockouts, animals, hazard removal;
 * - other: false and cancelled alarms, security duty; population-driven.
 */
export interface AlarmDraw {
  category: Exclude<Category, 'fire'>;
  subkind: string;
  dayIndex: number;
  x: number;
  y: number;
}

interface Subkind {
  name: string;
  share: number;
  weight: (i: number) => number;
  place: () => Xy;
}

export function simulateAlarms(seed: number, world: World, days: readonly DayInfo[], nObserved: number, weather: WeatherSeries, crowd: CrowdSeries): AlarmDraw[] {
  const rng = new Rng(seed, 'alarms');
  const { sources } = world;
  const jitter = (x: number, y: number, km: number): Xy => {
    for (let k = 0; k < 30; k++) {
      const px = x + rng.normal(0, km);
      const py = y + rng.normal(0, km);
      if (world.inside(px, py)) return [px, py];
    }
    return [x, y];
  };
  const residentsSampler = new WeightedSampler(sources.map((s) => s.residents));
  const ruralSampler = new WeightedSampler(sources.map((s) => (s.kind === 'village' ? 3 : s.kind === 'forest' ? 1 : s.kind === 'township' ? 1 : 0)));
  const highRises = world.pois.filter((p) => p.kind === 'high_rise');
  const highRiseXy = highRises.map((p) => toXy(p.lon, p.lat));
  const riverInside: Xy[] = [];
  for (let k = 0; k <= 500; k++) {
    const p = pointAlong(world.river, k / 500);
    if (world.inside(p[0], p[1])) riverInside.push(p);
  }
  // Water rescues happen mostly where people live along the river.
  const settled = sources.filter((s) => s.kind === 'urban' || s.kind === 'township');
  const riverWeights = riverInside.map(([x, y]) => 0.2 + settled.reduce((m, s) => Math.max(m, Math.exp(-Math.hypot(s.x - x, s.y - y) / 0.8)), 0));
  const riverSampler = new WeightedSampler(riverWeights);
  const fromResidents = (km: number) => () => {
    const s = sources[residentsSampler.draw(rng)];
    return jitter(s.x, s.y, km);
  };
  const fromRural = (km: number) => () => {
    const s = sources[ruralSampler.draw(rng)];
    return jitter(s.x, s.y, km);
  };

  const zonePopTotal = new Float64Array(days.length);
  for (let i = 0; i < days.length; i++) for (let z = 0; z < world.zones.length; z++) zonePopTotal[i] += crowd.population[z * crowd.nDays + i];
  const meanPop = zonePopTotal.slice(0, nObserved).reduce((a, b) => a + b, 0) / nObserved;
  const rain3 = (i: number) => weather.precip[i] + (i > 0 ? weather.precip[i - 1] : 0) + (i > 1 ? weather.precip[i - 2] : 0);
  const floodSeason = (i: number) => (days[i].month >= 6 && days[i].month <= 9 ? 1 : 0);
  const summer = (i: number) => (days[i].month >= 7 && days[i].month <= 10 ? 4 : days[i].month === 6 || days[i].month === 11 ? 1.5 : 0.2);
  const popRel = (i: number) => zonePopTotal[i] / meanPop;

  const processes: Record<AlarmDraw['category'], Subkind[]> = {
    rescue: [
      { name: '交通事故', share: 0.45, weight: (i) => (1 + 0.3 * (days[i].publicHoliday ? 1 : 0) + 0.25 * (weather.precip[i] > 5 ? 1 : 0)) * popRel(i), place: fromResidents(0.35) },
      {
        name: '水域救援',
        share: 0.2,
        weight: (i) => 1 + 1.5 * floodSeason(i) + 0.05 * weather.precip[i] + 2 * (rain3(i) > 50 ? 1 : 0),
        place: () => {
          const p = riverInside[riverSampler.draw(rng)];
          return jitter(p[0], p[1], 0.05);
        },
      },
      {
        name: '电梯困人',
        share: 0.2,
        weight: (i) => popRel(i),
        place: () => {
          const p = highRiseXy[rng.int(highRiseXy.length)];
          return jitter(p[0], p[1], 0.02);
        },
      },
      { name: '山体滑坡及其他抢险', share: 0.15, weight: (i) => 1 + 0.04 * weather.precip[i] + 1.5 * (rain3(i) > 50 ? 1 : 0), place: fromRural(0.4) },
    ],
    assistance: [
      { name: '开门救助', share: 0.3, weight: (i) => popRel(i) * (days[i].offWork ? 1.15 : 1), place: fromResidents(0.2) },
      { name: '摘除马蜂窝', share: 0.25, weight: (i) => summer(i), place: () => (rng.bernoulli(0.6) ? fromRural(0.3)() : fromResidents(0.3)()) },
      { name: '动物救助', share: 0.15, weight: (i) => popRel(i), place: fromResidents(0.3) },
      { name: '应急供水', share: 0.1, weight: (i) => 1 + 3 * Math.max(0, weather.tmax[i] - 33) / 4 + 2 * weather.dryness[i], place: fromRural(0.3) },
      { name: '排除险情', share: 0.2, weight: (i) => popRel(i) * (1 + 0.3 * Math.max(0, 12 - (weather.tmax[i] + weather.tmin[i]) / 2) / 6), place: fromResidents(0.2) },
    ],
    other: [
      { name: '误报警', share: 0.6, weight: (i) => popRel(i), place: fromResidents(0.3) },
      { name: '安保执勤', share: 0.25, weight: (i) => 1 + (days[i].publicHoliday ? 2 : 0), place: fromResidents(0.5) },
      { name: '虚假警情', share: 0.15, weight: () => 1, place: fromResidents(0.5) },
    ],
  };

  const draws: AlarmDraw[] = [];
  const years: Array<{ year: number; from: number; to: number }> = [];
  for (let i = 0; i < nObserved; i++) {
    const y = days[i].year;
    if (years.length === 0 || years[years.length - 1].year !== y) years.push({ year: y, from: i, to: i });
    else years[years.length - 1].to = i;
  }
  for (const category of ['rescue', 'assistance', 'other'] as const) {
    for (const { year, from, to } of years) {
      const n = to - from + 1;
      const daysInYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
      const total = Math.round((yearlyTarget(category, year) * n) / daysInYear);
      const subs = processes[category];
      // Normalise each sub-kind's weights over the year so that shares hold.
      const perSub = subs.map((sub) => {
        const w = new Float64Array(n);
        let sum = 0;
        for (let k = 0; k < n; k++) {
          w[k] = Math.max(0, sub.weight(from + k));
          sum += w[k];
        }
        for (let k = 0; k < n; k++) w[k] = sum > 0 ? (w[k] * sub.share) / sum : 0;
        return w;
      });
      const flat = new Float64Array(n * subs.length);
      perSub.forEach((w, j) => flat.set(w, j * n));
      const sampler = new WeightedSampler(flat);
      for (let c = 0; c < total; c++) {
        const idx = sampler.draw(rng);
        const j = Math.floor(idx / n);
        const k = idx % n;
        const [x, y] = subs[j].place();
        draws.push({ category, subkind: subs[j].name, dayIndex: from + k, x, y });
      }
    }
  }
  return draws;
}
