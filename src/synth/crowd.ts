import type { CrowdFlow } from '../contract/schemas.ts';
import type { DayInfo } from './calendar.ts';
import type { EventSpan } from './events.ts';
import type { ZoneInfo } from './geography.ts';
import { Rng } from './rng.ts';
import type { WeatherSeries } from './weather.ts';

/**
 * Daily population present per zone (as mobile-signalling data is delivered): residents (growing
 * ~2 %/year), daytime workers (away on days off and over the Spring Festival, when migrant workers go
 * home), students of the university zone (away in vacations), visitors of scenic zones (weekends,
 * holidays, fine weather), attendees of major events, unannounced local surges (fairs, markets,
 * gatherings), and a small AR(1) noise. `ratio` is the population present over its normal level
 * (residents + workers of that year), the crowd term of the fire intensity.
 */
export interface CrowdSeries {
  /** population[zone * nDays + dayIndex] */
  population: Float64Array;
  ratio: Float64Array;
  nDays: number;
}

const STUDENTS = 45000;
export const WORKER_PRESENCE = 0.6;

export function growth(day: DayInfo): number {
  return Math.pow(1.02, day.year + day.doy / 365.25 - 2020.5);
}

export function simulateCrowd(seed: number, zones: readonly ZoneInfo[], days: readonly DayInfo[], weather: WeatherSeries, events: readonly EventSpan[]): CrowdSeries {
  const rng = new Rng(seed, 'crowd');
  const nDays = days.length;
  const population = new Float64Array(zones.length * nDays);
  const ratio = new Float64Array(zones.length * nDays);
  const firstDay = days[0].day;
  const nearestZone = (x: number, y: number) => zones.reduce((best, z, i) => (Math.hypot(z.x - x, z.y - y) < Math.hypot(zones[best].x - x, zones[best].y - y) ? i : best), 0);
  const eventAdd = new Float64Array(zones.length * nDays);
  for (const e of events) {
    const z = nearestZone(e.x, e.y);
    for (let d = e.firstDay; d <= e.lastDay; d++) {
      const i = d - firstDay;
      if (i >= 0 && i < nDays) eventAdd[z * nDays + i] += e.attendance * Math.min(1, (e.endHour - e.startHour) / 10);
    }
  }
  zones.forEach((zone, z) => {
    let noise = 0;
    let surgeLeft = 0;
    let surgeSize = 0;
    for (let i = 0; i < nDays; i++) {
      const d = days[i];
      const g = growth(d);
      const sf = d.springFestivalOffset;
      const inSpringFestival = sf !== undefined && sf >= -7 && sf <= 12;
      const covid = d.iso >= '2020-01-24' && d.iso <= '2020-03-15';
      let residents = zone.residents;
      if (inSpringFestival) residents *= zone.kind === 'rural' ? 1.12 : zone.kind === 'urban' || zone.kind === 'university' ? 0.93 : 0.97;
      if (zone.kind === 'university') {
        const winterBreak = (d.month === 1 && d.doy >= 12) || (d.month === 2 && d.doy <= 55);
        const summerBreak = (d.month === 7 && d.doy >= 186) || d.month === 8;
        if (winterBreak || summerBreak) residents -= STUDENTS * 0.8;
      }
      if (d.offWork) residents *= 1.02;
      let workers = zone.workers * WORKER_PRESENCE;
      if (d.offWork) workers *= 0.55;
      if (inSpringFestival) workers *= 0.35;
      if (covid) workers *= 0.4;
      let visitors = 0;
      if (zone.kind === 'tourist') {
        visitors = d.publicHoliday ? 15000 : d.offWork ? 6000 : d.month === 7 || d.month === 8 ? 3500 : 1500;
        if (sf !== undefined && sf >= 1 && sf <= 6) visitors = 20000;
        if (weather.precip[i] > 5) visitors *= 0.5;
        if (covid) visitors *= 0.1;
      }
      noise = 0.6 * noise + rng.normal(0, 0.015);
      if (surgeLeft > 0) surgeLeft--;
      else if (rng.bernoulli(1.5 / 365)) {
        surgeLeft = 1 + rng.int(3);
        surgeSize = rng.uniform(0.1, 0.35);
      }
      const surge = surgeLeft > 0 ? 1 + surgeSize : 1;
      const normal = (zone.residents + zone.workers * WORKER_PRESENCE) * g;
      const present = ((residents + workers) * g * surge + visitors) * Math.exp(noise) + eventAdd[z * nDays + i];
      population[z * nDays + i] = present;
      ratio[z * nDays + i] = present / normal;
    }
  });
  return { population, ratio, nDays };
}

export function crowdRows(zones: readonly ZoneInfo[], days: readonly DayInfo[], crowd: CrowdSeries, observedDays: number): CrowdFlow[] {
  const rows: CrowdFlow[] = [];
  for (let i = 0; i < observedDays; i++)
    for (let z = 0; z < zones.length; z++)
      rows.push({ date: days[i].iso, hour: undefined, zone_id: zones[z].zone_id, lon: undefined, lat: undefined, population: Math.round(crowd.population[z * crowd.nDays + i]) });
  return rows;
}
