import type { z } from 'zod';
import type { QuarantineEntry, TableReport } from './dataset.ts';
import type { RawRow, RawTable } from './readers.ts';
import { tables, type CrowdFlow, type FacilityStatus, type Holiday, type Incident, type MajorEvent, type Poi, type Station, type TableName, type TableSpec, type Weather, type Zone } from './schemas.ts';

/**
 * Row validation, pure: every raw row becomes a typed row or one quarantine entry with a reason.
 * Reasons are short stable phrases (`<kind>: <column> <detail>`) without the offending value, so
 * that they can be counted per table; the value itself stays in the entry's raw row.
 * Order of checks: record shape, schema (types, ranges, categories), district boundary, references,
 * then duplicates on the table key (the first valid occurrence is kept).
 */

export interface RowTypes {
  incidents: Incident;
  weather: Weather;
  crowd_flow: CrowdFlow;
  zones: Zone;
  facility_status: FacilityStatus;
  stations: Station;
  pois: Poi;
  events: MajorEvent;
  holidays: Holiday;
}

export interface ValidationContext {
  /** Membership test of the district boundary; absent = no boundary file, no location check. */
  insideDistrict?: (lon: number, lat: number) => boolean;
  /** Accepted zone ids when a zones table exists; crowd_flow rows located only by zone_id need it. */
  knownZones?: ReadonlySet<string>;
}

export interface TableValidation<N extends TableName> {
  rows: Array<RowTypes[N]>;
  quarantine: QuarantineEntry[];
  report: TableReport;
}

/** Tables whose rows must lie inside the district. Weather stations and fire stations may lie outside. */
export const locatedTables: ReadonlySet<TableName> = new Set<TableName>(['incidents', 'crowd_flow', 'zones', 'facility_status', 'pois', 'events']);

export const OUTSIDE_DISTRICT = 'outside district: lon/lat not inside boundary.geojson';

/**
 * The share of a table's rows that are bad, for the validate.max_bad_share check. Rows outside the
 * district are quarantined (kept for audit) but are not bad data: a service's export often covers
 * calls to neighbouring districts. They are left out of both counts.
 */
export function badRowShare(report: Pick<TableReport, 'read' | 'quarantined' | 'reasons'>): { bad: number; considered: number; share: number; outside: number } {
  const outside = report.reasons[OUTSIDE_DISTRICT] ?? 0;
  const bad = report.quarantined - outside;
  const considered = report.read - outside;
  return { bad, considered, share: considered > 0 ? bad / considered : 0, outside };
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  format?: string;
  expected?: string;
  values?: unknown[];
}

/** Turns the first zod issue of a row into a countable reason and its column. */
export function reasonFor(issue: IssueLike, values: Record<string, unknown>): { column: string | null; reason: string } {
  const column = typeof issue.path[0] === 'string' ? issue.path[0] : null;
  const empty = column !== null && isBlank(values[column]);
  const col = column ?? 'row';
  switch (issue.code) {
    case 'invalid_format':
      if (empty) return { column, reason: `empty required cell: ${col}` };
      if (issue.format === 'datetime') return { column, reason: `unparseable timestamp: ${col} (expected ISO 8601, e.g. 2025-03-01T14:05:00+08:00, or 2025-03-01 14:05:00 in local time)` };
      if (issue.format === 'date') return { column, reason: `unparseable day: ${col} (expected YYYY-MM-DD)` };
      return { column, reason: `bad format: ${col} (${issue.message})` };
    case 'invalid_value':
      if (empty) return { column, reason: `empty required cell: ${col}` };
      return { column, reason: `unknown category: ${col} (expected one of ${(issue.values ?? []).map(String).join(', ')})` };
    case 'invalid_type':
      if (empty) return { column, reason: `empty required cell: ${col}` };
      if (issue.expected === 'number') return { column, reason: `not a number: ${col}` };
      if (issue.expected === 'boolean') return { column, reason: `not true/false: ${col}` };
      return { column, reason: `bad value: ${col} (${issue.message})` };
    case 'too_small':
    case 'too_big':
      if (empty) return { column, reason: `empty required cell: ${col}` };
      return { column, reason: `impossible value: ${col} (${issue.message})` };
    case 'custom':
      if (empty && column !== null && !issue.message.startsWith('needs')) return { column, reason: `empty required cell: ${col}` };
      if (issue.message === 'expected a finite number') return { column, reason: `not a number: ${col}` };
      if (issue.message.startsWith('must be')) return { column, reason: `impossible value: ${col} ${issue.message}` };
      if (issue.message.startsWith('needs')) return { column, reason: `missing location: ${issue.message}` };
      return { column, reason: `impossible value: ${issue.message}` };
    default:
      return { column, reason: `bad value: ${col} (${issue.message})` };
  }
}

export interface TableValidator<N extends TableName> {
  add(row: RawRow): void;
  finish(): TableValidation<N>;
}

/** An incremental validator, so that a reader can stream rows into it; see `validateTable`. */
/** The values given to the fillable columns (TableSpec.fillWhenAbsent) that a file's header lacks. */
export function absentColumnFills(table: TableName, columns: readonly string[]): Record<string, string> {
  const present = new Set(columns);
  const fills: Record<string, string> = {};
  for (const [column, fill] of Object.entries((tables[table] as TableSpec).fillWhenAbsent ?? {})) if (!present.has(column)) fills[column] = fill.value;
  return fills;
}

/** `columns`: the file's header, so that fillable columns it lacks get their value (all columns are assumed present without it). */
export function createTableValidator<N extends TableName>(name: N, file: string, context: ValidationContext = {}, columns?: readonly string[]): TableValidator<N> {
  const spec = tables[name];
  const fills = columns ? Object.entries(absentColumnFills(name, columns)) : [];
  const schema = spec.schema as unknown as z.ZodType<RowTypes[N]>;
  const checkLocation = context.insideDistrict && locatedTables.has(name) ? context.insideDistrict : undefined;
  const zoneCheck = name === 'crowd_flow';
  const key = spec.key;
  const keyColumn = key.length === 1 ? key[0] : key.join(',');
  const seen = new Set<string>();
  const rows: Array<RowTypes[N]> = [];
  const quarantine: QuarantineEntry[] = [];
  const reasons: Record<string, number> = {};
  let read = 0;
  const reject = (row: number, column: string | null, reason: string, values: Record<string, unknown>) => {
    quarantine.push({ table: name, file, row, column, reason, raw: values });
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  };

  const add = ({ row, values, problem }: RawRow): void => {
    read += 1;
    if (problem !== undefined) {
      reject(row, null, problem, values);
      return;
    }
    const parsed = schema.safeParse(fills.length > 0 ? { ...values, ...Object.fromEntries(fills) } : values);
    if (!parsed.success) {
      const { column, reason } = reasonFor(parsed.error.issues[0] as unknown as IssueLike, values);
      reject(row, column, reason, values);
      return;
    }
    const typed = parsed.data as RowTypes[N] & { lon?: number; lat?: number; zone_id?: string };
    if (checkLocation && typed.lon !== undefined && typed.lat !== undefined && !checkLocation(typed.lon, typed.lat)) {
      reject(row, 'lon', OUTSIDE_DISTRICT, values);
      return;
    }
    if (zoneCheck && typed.zone_id !== undefined && (typed.lon === undefined || typed.lat === undefined)) {
      if (!context.knownZones) {
        reject(row, 'zone_id', 'unknown zone: zone_id without lon/lat needs a zones table', values);
        return;
      }
      if (!context.knownZones.has(typed.zone_id)) {
        reject(row, 'zone_id', 'unknown zone: zone_id not in zones', values);
        return;
      }
    }
    const record = typed as unknown as Record<string, unknown>;
    let keyValue = String(record[key[0]] ?? '');
    for (let k = 1; k < key.length; k++) keyValue += `\u0001${String(record[key[k]] ?? '')}`;
    if (seen.has(keyValue)) {
      reject(row, keyColumn, `duplicate key: ${keyColumn}`, values);
      return;
    }
    seen.add(keyValue);
    rows.push(typed);
  };

  const finish = (): TableValidation<N> => ({
    rows,
    quarantine,
    report: { table: name, file, present: true, read, accepted: rows.length, quarantined: quarantine.length, reasons },
  });
  return { add, finish };
}

/** Validates a whole raw table: `read = accepted + quarantined` always holds in the report. */
export function validateTable<N extends TableName>(name: N, raw: RawTable, context: ValidationContext = {}): TableValidation<N> {
  const validator = createTableValidator(name, raw.file, context, raw.columns);
  for (const row of raw.rows) validator.add(row);
  return validator.finish();
}
