import { TZDate } from '@date-fns/tz';

/**
 * Days are local calendar days in the district's time zone, carried as ISO strings ('2025-01-31')
 * at the edges and as integer day numbers (days since 1970-01-01) in arrays.
 */
const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function dayNumber(isoDay: string): number {
  if (!ISO_DAY.test(isoDay)) throw new RangeError(`not a YYYY-MM-DD day: ${isoDay}`);
  const ms = Date.parse(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a valid day: ${isoDay}`);
  return Math.round(ms / MS_PER_DAY);
}

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 and 2026-13-01 are not). */
export function isValidDay(text: string): boolean {
  if (!ISO_DAY.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(isoDayValue: string, days: number): string {
  return isoDay(dayNumber(isoDayValue) + days);
}

/** The local calendar day (in `timeZone`) of an instant given in epoch milliseconds. */
export function localDayOfInstant(epochMs: number, timeZone: string): string {
  const local = new TZDate(epochMs, timeZone);
  const y = local.getFullYear();
  const m = String(local.getMonth() + 1).padStart(2, '0');
  const d = String(local.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Epoch milliseconds of local midnight starting `isoDayValue` in `timeZone`. */
export function localMidnightUtcMs(isoDayValue: string, timeZone: string): number {
  const [y, m, d] = isoDayValue.split('-').map(Number);
  return new TZDate(y, m - 1, d, 0, 0, 0, timeZone).getTime();
}

export function dayRange(fromIso: string, toIso: string): string[] {
  const out: string[] = [];
  for (let day = dayNumber(fromIso); day <= dayNumber(toIso); day++) out.push(isoDay(day));
  return out;
}

/** True for a time zone name this runtime's Intl knows (IANA names such as Asia/Shanghai, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
