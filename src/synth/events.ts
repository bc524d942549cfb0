import type { MajorEvent } from '../contract/schemas.ts';
import { isoDay } from '../util/days.ts';
import type { DayInfo } from './calendar.ts';
import { round6, toLonLat } from './geo.ts';
import { Rng } from './rng.ts';

/** Major public events: a yearly programme of festivals, concerts, races and fairs at fixed venues. */
export interface EventSpan {
  event_id: string;
  name: string;
  x: number;
  y: number;
  firstDay: number;
  lastDay: number;
  /** Expected attendance per event day. */
  attendance: number;
  startHour: number;
  endHour: number;
}

interface Template {
  name: string;
  x: number;
  y: number;
  attendance: number;
  days: number;
  startHour: number;
  endHour: number;
  /** Candidate first days inside one year's calendar. */
  when: (year: DayInfo[]) => DayInfo[];
  perYear?: number;
}

const saturdays = (months: number[]) => (year: DayInfo[]) => year.filter((d) => d.weekday === 6 && months.includes(d.month));

const templates: Template[] = [
  { name: '缙云寺春节庙会', x: -2.6, y: 3.4, attendance: 30000, days: 3, startHour: 8, endHour: 18, when: (y) => y.filter((d) => d.springFestivalOffset === 1) },
  { name: '缙云山越野赛', x: -2.8, y: 2.5, attendance: 8000, days: 1, startHour: 7, endHour: 16, when: saturdays([4]) },
  { name: '嘉陵江端午龙舟赛', x: 1.2, y: 0.8, attendance: 40000, days: 1, startHour: 9, endHour: 17, when: (y) => y.filter((d) => d.holidayName === '端午').slice(0, 1) },
  { name: '西南大学毕业典礼', x: 0.2, y: 1.9, attendance: 20000, days: 1, startHour: 9, endHour: 12, when: (y) => y.filter((d) => d.month === 6 && d.weekday === 5 && d.doy > 160) },
  { name: '北碚体育馆演唱会', x: 0.9, y: 0.3, attendance: 22000, days: 1, startHour: 19, endHour: 23, when: saturdays([3, 4, 5, 6, 9, 10, 11, 12]), perYear: 3 },
  { name: '金刀峡旅游节', x: 9.0, y: 9.7, attendance: 20000, days: 2, startHour: 9, endHour: 18, when: saturdays([7]) },
  { name: '嘉陵江国庆灯光秀', x: 1.0, y: 1.0, attendance: 50000, days: 3, startHour: 18, endHour: 22, when: (y) => y.filter((d) => d.month === 10 && d.doy - y.find((z) => z.month === 10)!.doy === 0) },
  { name: '水土科技博览会', x: 9.3, y: -5.6, attendance: 10000, days: 2, startHour: 9, endHour: 17, when: (y) => y.filter((d) => d.month === 9 && d.weekday === 4) },
  { name: '蔡家购物节', x: 2.0, y: -11.5, attendance: 12000, days: 2, startHour: 10, endHour: 22, when: (y) => y.filter((d) => d.month === 11 && d.weekday === 6 && d.doy < 320) },
  { name: '北碚半程马拉松', x: 0.5, y: 0.0, attendance: 25000, days: 1, startHour: 7, endHour: 13, when: (y) => y.filter((d) => d.month === 11 && d.weekday === 0) },
];

/** Days with mass gatherings cancelled (COVID-19 restrictions). */
const cancelled = (iso: string) => (iso >= '2020-01-20' && iso <= '2020-07-31') || (iso >= '2022-09-01' && iso <= '2022-12-15');

export function scheduleEvents(seed: number, days: readonly DayInfo[]): EventSpan[] {
  const rng = new Rng(seed, 'events');
  const byYear = new Map<number, DayInfo[]>();
  for (const d of days) {
    const list = byYear.get(d.year);
    if (list) list.push(d);
    else byYear.set(d.year, [d]);
  }
  const spans: EventSpan[] = [];
  const lastDay = days[days.length - 1].day;
  for (const [year, yearDays] of [...byYear.entries()].sort((a, b) => a[0] - b[0])) {
    for (const t of templates) {
      const candidates = t.when(yearDays);
      const chosen = new Set<number>();
      for (let k = 0; k < (t.perYear ?? 1) && candidates.length > 0; k++) chosen.add(candidates[rng.int(candidates.length)].day);
      for (const first of [...chosen].sort((a, b) => a - b)) {
        const attendance = Math.round(t.attendance * rng.uniform(0.75, 1.3));
        if (cancelled(isoDay(first)) || first + t.days - 1 > lastDay) continue;
        spans.push({ event_id: '', name: `${year}${t.name}`, x: t.x, y: t.y, firstDay: first, lastDay: first + t.days - 1, attendance, startHour: t.startHour, endHour: t.endHour });
      }
    }
  }
  spans.sort((a, b) => a.firstDay - b.firstDay || a.name.localeCompare(b.name));
  spans.forEach((s, i) => (s.event_id = `EV${String(i + 1).padStart(4, '0')}`));
  return spans;
}

const hh = (h: number) => `${String(h).padStart(2, '0')}:00:00+08:00`;

export function eventRows(spans: readonly EventSpan[]): MajorEvent[] {
  return spans.map((s) => {
    const [lon, lat] = toLonLat([s.x, s.y]);
    return {
      event_id: s.event_id,
      name: s.name,
      start: `${isoDay(s.firstDay)}T${hh(s.startHour)}`,
      end: `${isoDay(s.lastDay)}T${hh(s.endHour)}`,
      lon: round6(lon),
      lat: round6(lat),
      expected_attendance: s.attendance * (s.lastDay - s.firstDay + 1),
    };
  });
}
