import type { TableName } from './schemas.ts';
import type { RowTypes } from './validate.ts';
import type { ZoneClock } from './zone-clock.ts';

/** The instant columns of the contract tables (ISO 8601; local wall-clock time when without an offset). */
export const instantColumns = {
  incidents: ['reported_at'],
  facility_status: ['at'],
  events: ['start', 'end'],
} as const satisfies Partial<{ [N in TableName]: ReadonlyArray<keyof RowTypes[N] & string> }>;

const endsWithOffset = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Rewrites every timestamp of `columns` that has no offset (validated as ISO 8601 local date-time) as
 * the instant at which `clock`'s zone shows that wall-clock time, written with the zone's offset, to
 * the second. At a daylight-saving change, a wall-clock time the clocks skip is moved forward by the
 * change, and one they show twice is taken the second time. Returns how many values it rewrote.
 */
export function localTimesToInstants<Row extends object>(rows: Row[], columns: readonly (keyof Row & string)[], clock: ZoneClock): number {
  let rewritten = 0;
  for (const row of rows) {
    const cells = row as Record<string, unknown>;
    for (const column of columns) {
      const value = cells[column];
      if (typeof value !== 'string' || endsWithOffset.test(value)) continue;
      cells[column] = clock.isoWithOffset(clock.instantOfWall(Date.parse(`${value}Z`)));
      rewritten++;
    }
  }
  return rewritten;
}
