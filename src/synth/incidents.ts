import type { Incident, Station } from '../contract/schemas.ts';
import { dayNumber } from '../util/days.ts';
import type { AlarmDraw } from './alarms.ts';
import type { DayInfo } from './calendar.ts';
import { round6, toLonLat, toXy } from './geo.ts';
import type { FireSource, SourceKind } from './geography.ts';
import type { FireDraw } from './intensity.ts';
import { Rng } from './rng.ts';
import { localInstant } from './time.ts';

/**
 * Turns drawn fires and alarms into incident rows: time of day (category-specific daily profiles),
 * property type (by source kind; residential for most fires in homes), cause text (Chinese fire
 * statistics wording, depending on season and festivals), direct loss in CNY (log-normal by property
 * type, larger far from an open fire station), deaths and injuries, and ids of the form
 * JQ500109YYYYMMDDNNNN (500109 is Beibei's administrative code; NNNN counts the day's alarms in time order).
 */
const PROPERTY_MIX: Record<SourceKind, Array<[Incident['property_type'], number]>> = {
  urban: [['residential', 0.88], ['commercial', 0.05], ['vehicle', 0.04], ['other', 0.03]],
  township: [['residential', 0.84], ['commercial', 0.05], ['vehicle', 0.05], ['outdoor', 0.03], ['other', 0.03]],
  village: [['residential', 0.8], ['outdoor', 0.12], ['vehicle', 0.04], ['other', 0.04]],
  industrial: [['industrial', 0.82], ['vehicle', 0.08], ['other', 0.1]],
  forest: [['outdoor', 0.95], ['other', 0.05]],
};

export function expectedResidentialShare(kindShares: Record<SourceKind, number>): number {
  let share = 0;
  for (const kind of Object.keys(kindShares) as SourceKind[]) share += kindShares[kind] * (PROPERTY_MIX[kind].find(([p]) => p === 'residential')?.[1] ?? 0);
  return share;
}

const FIRE_HOURS = [1.2, 1.0, 0.8, 0.6, 0.5, 0.5, 0.7, 1.0, 1.3, 1.5, 1.7, 2.0, 2.1, 1.8, 1.7, 1.7, 1.8, 2.0, 2.2, 2.1, 1.9, 1.7, 1.5, 1.3];
const FIREWORK_HOURS = [3, 1.5, 0.5, 0.2, 0.1, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 1.0, 1.1, 1.4, 2.0, 2.6, 3.0, 3.2, 3.4, 3.6];
const RESCUE_HOURS = [0.6, 0.5, 0.4, 0.3, 0.3, 0.4, 0.8, 1.6, 2.0, 1.6, 1.4, 1.4, 1.4, 1.3, 1.4, 1.5, 1.7, 2.0, 2.0, 1.6, 1.3, 1.1, 0.9, 0.7];
const DAYTIME_HOURS = [0.4, 0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.2, 1.8, 2.0, 2.0, 1.9, 1.6, 1.7, 1.9, 1.9, 1.9, 1.8, 1.7, 1.6, 1.4, 1.1, 0.8, 0.6];

const LOSS: Record<Incident['property_type'], [median: number, sigma: number]> = {
  residential: [1800, 1.4],
  commercial: [8000, 1.5],
  industrial: [30000, 1.8],
  vehicle: [6000, 1.0],
  outdoor: [300, 1.3],
  other: [800, 1.2],
};

function fireCause(rng: Rng, property: Incident['property_type'], day: DayInfo, kind: SourceKind): string {
  const sf = day.springFestivalOffset;
  if (sf !== undefined && sf >= 0 && sf <= 15 && (property === 'residential' || property === 'outdoor') && rng.bernoulli(sf <= 1 || sf === 15 ? 0.55 : 0.25)) return '燃放烟花爆竹';
  if (day.qingmingOffset !== undefined && (kind === 'forest' || kind === 'village') && rng.bernoulli(0.6)) return '祭祀用火';
  const options: Array<[string, number]> =
    property === 'residential'
      ? [['电气故障', 0.38], ['生活用火不慎', 0.28], ['吸烟', 0.1], ['玩火', 0.04], ['自燃', 0.03], ['放火', 0.01], ['原因不明', 0.16]]
      : property === 'commercial'
        ? [['电气故障', 0.5], ['生活用火不慎', 0.15], ['吸烟', 0.1], ['原因不明', 0.25]]
        : property === 'industrial'
          ? [['电气故障', 0.35], ['生产作业不慎', 0.35], ['自燃', 0.1], ['吸烟', 0.05], ['原因不明', 0.15]]
          : property === 'vehicle'
            ? [['车辆故障', 0.6], ['电气故障', 0.2], ['交通事故', 0.1], ['原因不明', 0.1]]
            : property === 'outdoor'
              ? [['野外用火', 0.35], ['吸烟', 0.2], ['玩火', 0.1], ['焚烧秸秆杂物', 0.2], ['雷击', 0.03], ['原因不明', 0.12]]
              : [['电气故障', 0.3], ['生活用火不慎', 0.2], ['原因不明', 0.5]];
  return options[rng.weightedIndex(options.map((o) => o[1]))][0];
}

function drawHourSecond(rng: Rng, hours: readonly number[]): number {
  return rng.weightedIndex(hours) * 3600 + rng.int(3600);
}

interface Draft {
  day: number;
  second: number;
  row: Omit<Incident, 'incident_id' | 'reported_at'>;
}

export function stampIncidents(seed: number, days: readonly DayInfo[], sources: readonly FireSource[], fires: readonly FireDraw[], alarms: readonly AlarmDraw[], stations: readonly Station[]): Incident[] {
  const rng = new Rng(seed, 'incidents');
  const stationXy = stations.map((s) => ({ xy: toXy(s.lon, s.lat), opened: s.opened_on ? dayNumber(s.opened_on) : -Infinity }));
  const nearestStationKm = (x: number, y: number, day: number) =>
    stationXy.reduce((best, s) => (s.opened <= day ? Math.min(best, Math.hypot(s.xy[0] - x, s.xy[1] - y)) : best), Infinity);
  const drafts: Draft[] = [];
  for (const f of fires) {
    const src = sources[f.source];
    const day = days[f.dayIndex];
    const mix = PROPERTY_MIX[src.kind];
    const property = mix[rng.weightedIndex(mix.map((m) => m[1]))][0];
    const cause = fireCause(rng, property, day, src.kind);
    const second = drawHourSecond(rng, cause === '燃放烟花爆竹' ? FIREWORK_HOURS : FIRE_HOURS);
    const [median, sigma] = LOSS[property];
    const distanceFactor = 1 + nearestStationKm(src.x, src.y, day.day) / 10;
    const major = property === 'industrial' && rng.bernoulli(0.02) ? rng.uniform(20, 80) : 1;
    const loss = Math.min(5e7, Math.round(rng.logNormal(median, sigma) * distanceFactor * major));
    const deaths = rng.bernoulli(property === 'residential' ? (src.near.elder_care > 0 ? 0.005 : 0.0015) : 0.0004) ? 1 : 0;
    const injuries = rng.poisson(property === 'industrial' ? 0.02 : property === 'residential' ? 0.006 : 0.003);
    drafts.push({ day: day.day, second, row: { lon: src.lon, lat: src.lat, category: 'fire', cause, property_type: property, loss_cny: loss, deaths, injuries } });
  }
  for (const a of alarms) {
    const day = days[a.dayIndex];
    const [lon, lat] = toLonLat([a.x, a.y]);
    let property: Incident['property_type'] = 'other';
    let deaths = 0;
    let injuries = 0;
    let hours = DAYTIME_HOURS;
    if (a.category === 'rescue') {
      hours = RESCUE_HOURS;
      if (a.subkind === '交通事故') {
        property = 'vehicle';
        injuries = rng.poisson(0.6);
        deaths = rng.bernoulli(0.03) ? 1 : 0;
      } else if (a.subkind === '水域救援') {
        property = 'outdoor';
        deaths = rng.bernoulli(0.1) ? 1 : 0;
      } else if (a.subkind === '电梯困人') property = rng.bernoulli(0.8) ? 'residential' : 'commercial';
      else property = rng.bernoulli(0.5) ? 'outdoor' : 'other';
    } else if (a.category === 'assistance') {
      property = a.subkind === '摘除马蜂窝' ? (rng.bernoulli(0.5) ? 'outdoor' : 'residential') : a.subkind === '应急供水' ? 'other' : rng.bernoulli(0.7) ? 'residential' : 'other';
    } else {
      hours = FIRE_HOURS;
    }
    drafts.push({ day: day.day, second: drawHourSecond(rng, hours), row: { lon: round6(lon), lat: round6(lat), category: a.category, cause: a.subkind, property_type: property, loss_cny: 0, deaths, injuries } });
  }
  const categoryOrder = { fire: 0, rescue: 1, assistance: 2, other: 3 } as const;
  drafts.sort((a, b) => a.day - b.day || a.second - b.second || categoryOrder[a.row.category] - categoryOrder[b.row.category] || a.row.lon - b.row.lon || a.row.lat - b.row.lat);
  const out: Incident[] = [];
  let seq = 0;
  let lastDay = -1;
  for (const d of drafts) {
    seq = d.day === lastDay ? seq + 1 : 1;
    lastDay = d.day;
    const reported = localInstant(d.day, d.second);
    out.push({ incident_id: `JQ500109${reported.slice(0, 10).replaceAll('-', '')}${String(seq).padStart(4, '0')}`, reported_at: reported, ...d.row });
  }
  return out;
}
