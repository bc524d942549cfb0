import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';
import Holidays from 'date-holidays';
import type { Holiday } from './schemas.ts';
import { dayNumber, isoDay } from '../util/days.ts';

/**
 * The shipped default holiday table, built from the `chinese-days` package (State Council
 * holiday notices, 2004 onwards, plus its lunar calendar). One row per date:
 *
 * - `spring_festival`: every day of the Spring Festival period, from Lunar New Year's Eve
 *   (除夕, the last day of the twelfth lunar month) through the 15th day of the first lunar month
 *   (元宵节, the Lantern Festival) inclusive: the weeks of fireworks, travel and family gatherings.
 *   This kind wins over the two below; the name says whether the day is an official day off
 *   ("day off"), an adjusted workday ("adjusted workday") or an ordinary day of the period.
 * - `public_holiday`: every other day of an official holiday block (including the weekend days
 *   inside the block), named after the holiday (New Year's Day, Tomb-sweeping Day, ...).
 * - `adjusted_workday`: a weekend day made a working day (调休补班) outside the Spring Festival period.
 *
 * Official notices are published a year ahead, so for years the package does not cover only the
 * Spring Festival period (computed from the lunar calendar) is given; see `holidayNoticeYears()`.
 */

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;

/** First and last year covered by the official holiday notices in the installed `chinese-days`. */
export function holidayNoticeYears(): { from: number; to: number } {
  const years = [...Object.keys(data.holidays), ...Object.keys(data.workdays)].map((d) => Number(d.slice(0, 4)));
  return { from: Math.min(...years), to: Math.max(...years) };
}

const englishName = (entry: string) => entry.split(',')[0].trim();

function springFestivalLabel(offset: number): string {
  if (offset === 0) return "Lunar New Year's Eve (除夕)";
  if (offset === 1) return 'Lunar New Year (春节)';
  if (offset === 15) return 'Lantern Festival (元宵节)';
  return `day ${offset} of the first lunar month`;
}

export function chineseHolidays(fromYear: number, toYear: number): Holiday[] {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear)) throw new RangeError('years must be integers');
  const byDate = new Map<string, Holiday>();
  const inRange = (date: string) => {
    const year = Number(date.slice(0, 4));
    return year >= fromYear && year <= toYear;
  };
  for (const [date, entry] of Object.entries(data.holidays)) {
    if (inRange(date)) byDate.set(date, { date, name: englishName(entry), kind: 'public_holiday' });
  }
  for (const [date, entry] of Object.entries(data.workdays)) {
    if (inRange(date)) byDate.set(date, { date, name: `${englishName(entry)} adjusted workday`, kind: 'adjusted_workday' });
  }
  for (let year = fromYear; year <= toYear; year++) {
    const newYear = chineseDays.getSolarDateFromLunar(`${year}-01-01`).date;
    const eve = dayNumber(newYear) - 1;
    for (let offset = 0; offset <= 15; offset++) {
      const date = isoDay(eve + offset);
      const official = byDate.get(date);
      const status = official?.kind === 'public_holiday' ? ', day off' : official?.kind === 'adjusted_workday' ? ', adjusted workday' : '';
      byDate.set(date, { date, name: `Spring Festival period: ${springFestivalLabel(offset)}${status}`, kind: 'spring_festival' });
    }
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** date-holidays types counted as days off: `public` (statutory) and `bank` (banks and offices closed). */
const DAY_OFF_TYPES = new Set(['public', 'bank']);

/**
 * The holiday table used when a dataset brings none: for China the table above (official
 * notices, adjusted workdays, the Spring Festival period); elsewhere the country's public and bank
 * holidays from `date-holidays` (national ones, not regional); none when the country is unknown or
 * not covered. `source` says which, for the run log.
 */
export function holidaysForCountry(country: string | null, fromYear: number, toYear: number): { holidays: Holiday[]; source: string } {
  if (country === null) return { holidays: [], source: 'none (no country)' };
  if (country === 'CN') return { holidays: chineseHolidays(fromYear, toYear), source: 'chinese-days (State Council notices and the Spring Festival period)' };
  const calendar = new Holidays();
  if (!calendar.getCountries()[country]) return { holidays: [], source: `none (date-holidays has no calendar for ${country})` };
  calendar.init(country, { languages: ['en'] });
  const byDate = new Map<string, Holiday>();
  for (let year = fromYear; year <= toYear; year++) {
    for (const h of calendar.getHolidays(year, 'en')) {
      if (!DAY_OFF_TYPES.has(h.type)) continue;
      const date = h.date.slice(0, 10);
      if (!byDate.has(date)) byDate.set(date, { date, name: h.name, kind: 'public_holiday' });
    }
  }
  const holidays = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { holidays, source: `date-holidays, ${country} public and bank holidays` };
}
