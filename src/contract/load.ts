import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../util/log.ts';
import { InputDataError } from '../util/errors.ts';
import { localDayOfInstant } from '../util/days.ts';
import type { BoundaryGeometry, Dataset, QuarantineEntry, TableReport } from './dataset.ts';
import { boundaryFileName, tables, type TableName, type TableSpec } from './schemas.ts';
import { readBoundary, createBoundaryTest } from './boundary.ts';
import { holidayNoticeYears, holidaysForCountry } from './holidays.ts';
import { describeLocale, districtCentres, resolveLocale } from './locale.ts';
import { instantColumns, localTimesToInstants } from './local-times.ts';
import { streamCsvTable, readParquetTable, EXTRA_FIELDS_COLUMN, type RawTable } from './readers.ts';
import { ZoneClock } from './zone-clock.ts';
import { absentColumnFills, badRowShare, createTableValidator, OUTSIDE_DISTRICT, validateTable, type RowTypes, type TableValidation, type TableValidator, type ValidationContext } from './validate.ts';

/** Tables in reading order: zones before crowd_flow, so that zone ids can be checked. */
const readingOrder: TableName[] = ['incidents', 'weather', 'zones', 'crowd_flow', 'facility_status', 'stations', 'pois', 'events', 'holidays'];

export interface DatasetInspection {
  dataset: Dataset;
  /** One-line reasons why the dataset must not be used (required table mostly or wholly invalid). */
  failures: string[];
}

/** Finds `<table>.csv` or `<table>.parquet`; both at once is ambiguous and an error. */
export function locateTableFile(dir: string, table: TableName): { path: string; format: 'csv' | 'parquet' } | null {
  const csv = join(dir, `${table}.csv`);
  const parquet = join(dir, `${table}.parquet`);
  const hasCsv = existsSync(csv);
  const hasParquet = existsSync(parquet);
  if (hasCsv && hasParquet) throw new InputDataError(`${table}.csv and ${table}.parquet both exist in ${dir}: keep one`);
  if (hasCsv) return { path: csv, format: 'csv' };
  if (hasParquet) return { path: parquet, format: 'parquet' };
  return null;
}

/** Header check: every required column present; unknown columns are reported and ignored. */
export function checkColumns(table: TableName, raw: Pick<RawTable, 'file' | 'columns'>, log?: Logger): void {
  const spec = tables[table];
  const present = new Set(raw.columns);
  const missing = spec.requiredColumns.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new InputDataError(
      `${raw.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} (required: ${spec.requiredColumns.join(', ')})`,
    );
  }
  for (const column of Object.keys(absentColumnFills(table, raw.columns))) {
    log?.warn(`${raw.file}: no '${column}' column: ${(spec as TableSpec).fillWhenAbsent![column].effect}`);
  }
  const known = new Set(tableColumns(table));
  const unknown = raw.columns.filter((c) => c !== '' && c !== EXTRA_FIELDS_COLUMN && !known.has(c));
  if (unknown.length > 0) log?.warn(`${raw.file}: ignoring unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
}

/** Every column the contract knows for a table (required and optional). */
export function tableColumns(table: TableName): string[] {
  // Refinements keep a zod 4 object schema an object, so its shape lists the columns.
  return Object.keys((tables[table].schema as unknown as { shape: Record<string, unknown> }).shape);
}

/**
 * The share check: a required table with too many bad rows (or none accepted) fails the run. Rows
 * outside the district do not count as bad (see badRowShare).
 */
export function shareFailure(report: TableReport, quarantine: QuarantineEntry[], maxBadShare: number): string | null {
  if (report.read === 0) return `${report.file}: no data rows (a required table needs at least one valid row)`;
  const { bad, considered, share, outside } = badRowShare(report);
  if (share <= maxBadShare && report.accepted > 0) return null;
  if (report.accepted === 0 && outside > 0 && bad === 0) {
    return `${report.file}: all ${report.read} rows lie outside boundary.geojson (is the boundary for this district, and are lon and lat the right way round?)`;
  }
  const top = Object.entries(report.reasons).filter(([reason]) => reason !== OUTSIDE_DISTRICT).sort((a, b) => b[1] - a[1])[0];
  const first = top ? quarantine.find((q) => q.reason === top[0]) : undefined;
  const where = first ? ` (first at row ${first.row}${first.column ? `, column ${first.column}` : ''})` : '';
  const outsideNote = outside > 0 ? ` (${outside} more outside the district, not counted)` : '';
  return (
    `${report.file}: ${bad} of ${considered} rows quarantined (${(share * 100).toFixed(1)}%)${outsideNote}, ` +
    `above validate.max_bad_share = ${maxBadShare}; most common: ${top ? `${top[0]} x${top[1]}` : 'none'}${where}`
  );
}

function yearsCovered(incidents: RowTypes['incidents'][], weather: RowTypes['weather'][], timeZone: string): { from: number; to: number } | null {
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (const incident of incidents) {
    const ms = Date.parse(incident.reported_at);
    if (ms < minMs) minMs = ms;
    if (ms > maxMs) maxMs = ms;
  }
  let minDay = '';
  let maxDay = '';
  if (Number.isFinite(minMs)) {
    minDay = localDayOfInstant(minMs, timeZone);
    maxDay = localDayOfInstant(maxMs, timeZone);
  }
  for (const w of weather) {
    if (minDay === '' || w.date < minDay) minDay = w.date;
    if (maxDay === '' || w.date > maxDay) maxDay = w.date;
  }
  if (minDay === '') return null;
  return { from: Number(minDay.slice(0, 4)), to: Number(maxDay.slice(0, 4)) };
}

/**
 * Reads and validates every table of a dataset folder. Structural problems (missing folder,
 * required table or column, unreadable file) throw InputDataError at once; row problems become
 * quarantine entries, and required tables above the bad-row share are listed in `failures`.
 */
export async function inspectDataset(dir: string, config: Config, log: Logger): Promise<DatasetInspection> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputDataError(`${dir}: data folder not found`);
  const boundaryPath = join(dir, boundaryFileName);
  const boundary: BoundaryGeometry | undefined = existsSync(boundaryPath) ? readBoundary(boundaryPath) : undefined;
  if (!boundary) log.warn(`${boundaryFileName} not found in ${dir}: no out-of-district check`);
  const context: ValidationContext = { insideDistrict: boundary ? createBoundaryTest(boundary) : undefined };

  const located = new Map<TableName, { path: string; format: 'csv' | 'parquet' }>();
  for (const table of readingOrder) {
    const found = locateTableFile(dir, table);
    if (found) located.set(table, found);
    else if (tables[table].required) throw new InputDataError(`${table}.csv (or ${table}.parquet) not found in ${dir}: the ${table} table is required`);
  }

  let duck: DuckDBInstance | undefined;
  const reports: TableReport[] = [];
  const quarantine: QuarantineEntry[] = [];
  const failures: string[] = [];
  const typed: Partial<{ [N in TableName]: Array<RowTypes[N]> }> = {};
  try {
    for (const table of readingOrder) {
      const found = located.get(table);
      if (!found) {
        reports.push({ table, file: null, present: false, read: 0, accepted: 0, quarantined: 0, reasons: {} });
        continue;
      }
      const started = Date.now();
      if (table === 'crowd_flow' && typed.zones) context.knownZones = new Set(typed.zones.map((z) => z.zone_id));
      let result: TableValidation<typeof table>;
      if (found.format === 'csv') {
        let validator: TableValidator<typeof table> | undefined;
        const file = basename(found.path);
        await streamCsvTable(
          found.path,
          (columns) => {
            checkColumns(table, { file, columns }, log);
            validator = createTableValidator(table, file, context, columns);
          },
          (row) => validator!.add(row),
        );
        result = validator!.finish();
      } else {
        duck ??= await DuckDBInstance.create(':memory:');
        const raw = await readParquetTable(found.path, duck);
        checkColumns(table, raw, log);
        result = validateTable(table, raw, context);
      }
      (typed as Record<string, unknown>)[table] = result.rows;
      reports.push(result.report);
      for (const entry of result.quarantine) quarantine.push(entry);
      const { read, accepted, quarantined } = result.report;
      log.info(`${result.report.file}: read ${read}, accepted ${accepted}, quarantined ${quarantined}`, { seconds: Number(((Date.now() - started) / 1000).toFixed(2)) });
      const { share, outside } = badRowShare(result.report);
      if (outside > 0) log.warn(`${result.report.file}: ${outside} of ${read} rows outside boundary.geojson: quarantined, not used, not counted as bad rows`);
      if (tables[table].required) {
        const failure = shareFailure(result.report, result.quarantine, config.validate.max_bad_share);
        if (failure) failures.push(failure);
      } else if (share > config.validate.max_bad_share) {
        log.warn(`${result.report.file}: ${(share * 100).toFixed(1)}% of rows quarantined (above validate.max_bad_share = ${config.validate.max_bad_share}; optional table, run continues)`);
      }
    }
  } finally {
    duck?.closeSync();
  }

  const incidents = typed.incidents ?? [];
  const weather = typed.weather ?? [];
  const locale = resolveLocale(config, districtCentres(boundary, incidents));
  log.info(describeLocale(locale));
  if (locale.timeZoneSource === 'fallback') log.warn(`no boundary and no incident location to look the time zone up from: local days are ${locale.timeZone} days (set timezone)`);
  const clock = new ZoneClock(locale.timeZone);
  const localTimes: Partial<Record<TableName, number>> = {
    incidents: localTimesToInstants(incidents, instantColumns.incidents, clock),
    facility_status: localTimesToInstants(typed.facility_status ?? [], instantColumns.facility_status, clock),
    events: localTimesToInstants(typed.events ?? [], instantColumns.events, clock),
  };
  for (const report of reports) {
    const rewritten = localTimes[report.table] ?? 0;
    if (rewritten === 0) continue;
    report.local_times = rewritten;
    log.warn(`${report.file}: ${rewritten} timestamps without an offset read as wall-clock time in ${locale.timeZone}`);
  }
  let holidays = typed.holidays;
  if (!holidays) {
    const years = yearsCovered(incidents, weather, locale.timeZone);
    const chosen = years ? holidaysForCountry(locale.country, years.from, years.to) : { holidays: [], source: 'none (no dates)' };
    holidays = chosen.holidays;
    log.info(`holidays: ${chosen.source}, ${holidays.length} days`);
    const notices = holidayNoticeYears();
    if (locale.country === 'CN' && years && years.to > notices.to) {
      log.warn(`official holiday notices end in ${notices.to}: for ${notices.to + 1}-${years.to} only the Spring Festival period is marked (add a holidays table to override)`);
    }
  }

  const dataset: Dataset = {
    dir,
    incidents,
    weather,
    crowd_flow: typed.crowd_flow,
    zones: typed.zones,
    facility_status: typed.facility_status,
    stations: typed.stations,
    pois: typed.pois,
    events: typed.events,
    holidays,
    boundary,
    locale,
    report: { tables: reports, quarantine },
  };
  return { dataset, failures };
}

/** Reads and validates a dataset folder; throws InputDataError when it is not fit to use. */
export async function loadDataset(dir: string, config: Config, log: Logger): Promise<Dataset> {
  const { dataset, failures } = await inspectDataset(dir, config, log);
  if (failures.length > 0) throw new InputDataError(failures[0]);
  return dataset;
}
