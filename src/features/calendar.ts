import chineseDays from 'chinese-days';
import type { Holiday } from '../contract/schemas.ts';
import { dayNumber, isoDay } from '../util/days.ts';
import type { StagedTable } from './stage.ts';

/**
 * The calendar staging table, one row per day: the holiday table's flags and the Spring Festival
 * period. The Spring Festival period runs from 小年 (lunar month 12, day 23) to 元宵节 (lunar month
 * 1, day 15): the fireworks season, a known peak of fires in China. Lunar dates from chinese-days.
 */
export function isSpringFestivalPeriod(day: number): boolean {
  const lunar = chineseDays.getLunarDate(isoDay(day));
  if (lunar.isLeap) return false;
  return (lunar.lunarMon === 12 && lunar.lunarDay >= 23) || (lunar.lunarMon === 1 && lunar.lunarDay <= 15);
}

export function stageCalendar(holidays: Holiday[], fromDay: number, toDay: number): StagedTable {
  const kinds = new Map<number, Holiday['kind']>();
  for (const h of holidays) kinds.set(dayNumber(h.date), h.kind);
  const days: number[] = [];
  const holiday: boolean[] = [];
  const adjusted: boolean[] = [];
  const spring: boolean[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const kind = kinds.get(d);
    days.push(d);
    holiday.push(kind === 'public_holiday' || kind === 'spring_festival');
    adjusted.push(kind === 'adjusted_workday');
    spring.push(isSpringFestivalPeriod(d));
  }
  return {
    table: 'stg_calendar',
    columns: [
      { name: 'day', type: 'INTEGER', values: days },
      { name: 'is_public_holiday', type: 'BOOLEAN', values: holiday },
      { name: 'is_adjusted_workday', type: 'BOOLEAN', values: adjusted },
      { name: 'is_spring_festival', type: 'BOOLEAN', values: spring },
    ],
  };
}
