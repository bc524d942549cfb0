import chineseDays from 'chinese-days';
import { dayNumber, isoDay } from '../util/days.ts';

/**
 * Calendar drivers per day: weekends and official holidays (chinese-days), the Spring Festival
 * period by the lunar calendar (Lunar New Year's Eve = offset 0 ... Lantern Festival = offset 15),
 * and Qingming (tomb-sweeping; ancestor offerings are a classic cause of grass and forest fires).
 */
export interface DayInfo {
  day: number;
  iso: string;
  year: number;
  month: number;
  /** Day of year, 0-based. */
  doy: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  /** Not a working day (weekend or official holiday, adjusted working days count as working). */
  offWork: boolean;
  /** Official public holiday (not a plain weekend). */
  publicHoliday: boolean;
  holidayName: string | undefined;
  /** Days since Lunar New Year's Eve when in -10..15, else undefined. */
  springFestivalOffset: number | undefined;
  /** Days from the Qingming solar term when within ±3, else undefined. */
  qingmingOffset: number | undefined;
}

/** chinese-days formats dates with local getters: hand it local-noon Date objects so that the process time zone never shifts a day. */
function localNoon(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d, 12, 0, 0);
}

function lunarToSolarDay(lunarYear: number, month: number, day: number): number {
  return dayNumber(chineseDays.getSolarDateFromLunar(localNoon(`${lunarYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`)).date);
}

export function buildCalendar(fromDay: number, toDay: number): DayInfo[] {
  const firstYear = Number(isoDay(fromDay).slice(0, 4)) - 1;
  const lastYear = Number(isoDay(toDay).slice(0, 4)) + 1;
  const newYearsEves: number[] = [];
  const qingming: number[] = [];
  for (let y = firstYear; y <= lastYear; y++) {
    newYearsEves.push(lunarToSolarDay(y, 1, 1) - 1);
    qingming.push(dayNumber(chineseDays.getSolarTermDate(y, 4, 'pure_brightness')));
  }
  const out: DayInfo[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    const iso = isoDay(day);
    const detail = chineseDays.getDayDetail(localNoon(iso));
    const weekday = new Date(day * 86_400_000).getUTCDay();
    const isHoliday = detail.name.includes(',');
    const year = Number(iso.slice(0, 4));
    let sf: number | undefined;
    for (const eve of newYearsEves) if (day - eve >= -10 && day - eve <= 15) sf = day - eve;
    let qm: number | undefined;
    for (const q of qingming) if (Math.abs(day - q) <= 3) qm = day - q;
    out.push({
      day,
      iso,
      year,
      month: Number(iso.slice(5, 7)),
      doy: day - dayNumber(`${year}-01-01`),
      weekday,
      offWork: !detail.work,
      publicHoliday: isHoliday && !detail.work,
      holidayName: isHoliday ? detail.name.split(',')[1] : undefined,
      springFestivalOffset: sf,
      qingmingOffset: qm,
    });
  }
  return out;
}
