import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoDay } from '../util/days.ts';
import type { StagedTable } from './stage.ts';

/**
 * Content hashes that drive incremental builds. Inputs stamped with a day (incidents, weather,
 * crowd flow, facility status, events) are hashed per calendar month of that day, from the staged
 * columns (what the SQL actually reads, after cell assignment). A feature month depends on its own
 * inputs and on every earlier month (features only look back), so its key chains the month hashes
 * of all months up to it with the static key (grid, static layers, settings, code).
 */
export const monthOf = (day: number): string => isoDay(day).slice(0, 7);

/** The column that stamps each staged time table with its day. */
export const TIME_TABLES: Record<string, string> = {
  stg_incidents: 'day',
  stg_weather: 'day',
  stg_crowd: 'day',
  stg_facility: 'day',
  stg_events: 'start_day',
};

const rowText = (table: StagedTable, i: number): string => table.columns.map((c) => String(c.values[i])).join('\u001f');

/** sha256 of a whole staged table (column names and every value). */
export function tableHash(table: StagedTable): string {
  const hash = createHash('sha256').update(table.table).update(table.columns.map((c) => `${c.name}:${c.type}`).join(','));
  const n = table.columns[0]?.values.length ?? 0;
  for (let i = 0; i < n; i++) hash.update(rowText(table, i)).update('\n');
  return hash.digest('hex');
}

/** Per month (YYYY-MM), sha256 of the rows stamped in it, for one time table. */
export function monthlyHashes(table: StagedTable): Map<string, string> {
  const dayColumn = table.columns.find((c) => c.name === TIME_TABLES[table.table]);
  if (!dayColumn) throw new Error(`staged table ${table.table} has no day column`);
  const hashes = new Map<string, Hash>();
  const months = new Map<number, string>();
  const n = dayColumn.values.length;
  // Row order must not matter: hash each row, then combine the sorted row hashes per month.
  const rows = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    const day = dayColumn.values[i] as number;
    let month = months.get(day);
    if (month === undefined) months.set(day, (month = monthOf(day)));
    let list = rows.get(month);
    if (!list) rows.set(month, (list = []));
    list.push(rowText(table, i));
  }
  for (const [month, list] of rows) {
    list.sort();
    const hash = createHash('sha256');
    for (const row of list) hash.update(row).update('\n');
    hashes.set(month, hash);
  }
  return new Map([...hashes].map(([m, h]) => [m, h.digest('hex')]));
}

/** sha256 of the feature code: the SQL files and the TypeScript modules of src/features. */
export function codeHash(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const dir of [here, join(here, 'sql')]) {
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.sql') && !name.endsWith('.ts')) continue;
      hash.update(name).update(readFileSync(join(dir, name)));
    }
  }
  return hash.digest('hex');
}

/**
 * Keys of the feature months: key(M) = sha256(key(M-1), month hashes of M of every time table),
 * seeded with the static key. Months are every month from the earliest record to the last feature month.
 */
export function chainMonthKeys(staticKey: string, monthly: Record<string, Map<string, string>>, months: string[]): Map<string, string> {
  const keys = new Map<string, string>();
  let previous = staticKey;
  for (const month of months) {
    const hash = createHash('sha256').update(previous);
    for (const table of Object.keys(monthly).sort()) hash.update(table).update(monthly[table].get(month) ?? '-');
    previous = hash.digest('hex');
    keys.set(month, previous);
  }
  return keys;
}
