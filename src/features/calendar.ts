import chineseDays from 'chinese-days';
import type { Holiday } from '../contract/schemas.ts';
import { dayNumber, isoDay } from '../util/days.ts';
import type { DistrictLocale } from '../contract/locale.ts';
import type { StagedTable } from './stage.ts';

/**
 * The calendar staging table, one row per day: the holiday table's flags, the Spring Festival
 * period and the cold season. The Spring Festival period runs from 小年 (lunar month 12, day 23) to 元宵节 (lunar month
 * 1, day 15): the fireworks season, a known peak of fires in China. Lunar dates from chinese-days.
 */
export function isSpringFestivalPeriod(day: number): boolean {
  const lunar = chineseDays.getLunarDate(isoDay(day));
  if (lunar.isLeap) return false;
  return (lunar.lunarMon === 12 && lunar.lunarDay >= 23) || (lunar.lunarMon === 1 && lunar.lunarDay <= 15);
}

/** Countries and territories where the lunar new year is the main festival (fireworks, travel, shutdowns). */
const LUNAR_NEW_YEAR_COUNTRIES = new Set(['CN', 'HK', 'MO', 'TW', 'SG', 'MY', 'VN', 'KR']);

export interface CalendarRules {
  /** Mark the Spring Festival period (only where the lunar new year is kept). */
  springFestival: boolean;
  /** Months 1-12 of the cold season: December-February in the northern hemisphere, June-August in the southern. */
  coldMonths: number[];
}

/** The calendar's rules for a district: its country decides the Spring Festival, its latitude the cold season. */
export function calendarRules(locale: DistrictLocale): CalendarRules {
  const southern = locale.centre !== null && locale.centre[1] < 0;
  return {
    springFestival: locale.country !== null && LUNAR_NEW_YEAR_COUNTRIES.has(locale.country),
    coldMonths: southern ? [6, 7, 8] : [12, 1, 2],
  };
}

export function stageCalendar(holidays: Holiday[], fromDay: number, toDay: number, rules: CalendarRules): StagedTable {
  const kinds = new Map<number, Holiday['kind']>();
  for (const h of holidays) kinds.set(dayNumber(h.date), h.kind);
  const cold = new Set(rules.coldMonths);
  const days: number[] = [];
  const holiday: boolean[] = [];
  const adjusted: boolean[] = [];
  const spring: boolean[] = [];
  const coldSeason: boolean[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const kind = kinds.get(d);
    days.push(d);
    holiday.push(kind === 'public_holiday' || kind === 'spring_festival');
    adjusted.push(kind === 'adjusted_workday');
    spring.push(rules.springFestival && isSpringFestivalPeriod(d));
    coldSeason.push(cold.has(Number(isoDay(d).slice(5, 7))));
  }
  return {
    table: 'stg_calendar',
    columns: [
      { name: 'day', type: 'INTEGER', values: days },
      { name: 'is_public_holiday', type: 'BOOLEAN', values: holiday },
      { name: 'is_adjusted_workday', type: 'BOOLEAN', values: adjusted },
      { name: 'is_spring_festival', type: 'BOOLEAN', values: spring },
      { name: 'is_cold_season', type: 'BOOLEAN', values: coldSeason },
    ],
  };
}
