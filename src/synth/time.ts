import { isoDay } from '../util/days.ts';

/** Local timestamp in China Standard Time (UTC+8, no daylight saving since 1991) from a day number and seconds into the day. */
export function localInstant(day: number, secondOfDay: number): string {
  const s = Math.max(0, Math.min(86399, Math.floor(secondOfDay)));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${isoDay(day)}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}+08:00`;
}

/** From a fractional day number (day + fraction of the day). */
export function localInstantOf(fractionalDay: number): string {
  const day = Math.floor(fractionalDay);
  return localInstant(day, (fractionalDay - day) * 86400);
}
