import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Dataset } from '../contract/dataset.ts';
import { neighbourLists } from '../grid/neighbours.ts';
import type { Grid, GridDefinition } from '../grid/types.ts';
import { dayNumber, isoDay } from '../util/days.ts';
import { UsageError } from '../util/errors.ts';
import { readJson, writeJsonAtomic } from '../util/files.ts';
import type { Logger } from '../util/log.ts';
import { calendarRules, stageCalendar } from './calendar.ts';
import { DAYS_SINCE_FIRE_CAP, FEATURE_NAMES, FEATURES, FLAGS, FLAG_NAMES, HISTORY_BUFFER_DAYS, STATION_DISTANCE_CAP_KM, type FlagDescription } from './catalog.ts';
import { createTableFromColumns, openDuck, queryRows, sqlString, type DuckSession } from './duck.ts';
import { chainMonthKeys, codeHash, monthlyHashes, monthOf, tableHash, TIME_TABLES } from './hashes.ts';
import type { FeatureDescription } from './matrix.ts';
import { fireWeatherSeries } from './fwi.ts';
import { stageDataset } from './stage.ts';

export const FEATURES_DIR = 'features';
export const FEATURES_FILE = 'features.parquet';
export const MANIFEST_FILE = 'features.manifest.json';
export const PARTS_DIR = 'parts';
export const MANIFEST_FORMAT = 'firerisk.features/2';

export interface FeatureBuildOptions {
  /** First and last feature day (YYYY-MM-DD); default from config.features, else derived from the data. */
  from?: string;
  to?: string;
  /** Output root: files go to `<outDir>/features/`. */
  outDir: string;
  config: Config;
  /** Queen neighbours by cell_index; default neighbourLists(grid). */
  neighbours?: number[][];
  /** Reuse months whose input keys are unchanged (default true). */
  incremental?: boolean;
}

/** One part: the rows of one calendar year (a folder of Parquet files, in no particular order), with the key of each of its months. */
export interface FeaturePart {
  year: string;
  /** Relative to the features folder: `parts/<year>-<key prefix>`. */
  folder: string;
  from: string;
  to: string;
  rows: number;
  /** sha256 of the month keys. */
  key: string;
  month_keys: Record<string, string>;
}

export interface FeatureManifest {
  format: string;
  created_at: string;
  file: string;
  from: string;
  to: string;
  /** Last day with labels (later days have NULL y_fires / y_alarms). */
  labels_until: string;
  rows: number;
  cells: number;
  days: number;
  columns: { keys: string[]; labels: string[]; features: string[]; flags: string[] };
  features: FeatureDescription[];
  flags: FlagDescription[];
  /** Rows with each flag set. */
  imputed: Record<string, number>;
  /** Records that fell outside every grid cell, per table (counted, not used). */
  out_of_grid: Record<string, number>;
  records: Record<string, number>;
  feeds_present: Record<string, boolean>;
  /** IANA zone of the table's local days (absent in manifests written before it was recorded). */
  time_zone?: string;
  grid: GridDefinition;
  history_start: string | null;
  rules: Record<string, string>;
  input_hashes: Record<string, string>;
  static_key: string;
  parts: FeaturePart[];
}

export interface FeatureBuildResult {
  parquetPath: string;
  manifestPath: string;
  manifest: FeatureManifest;
  rows: number;
  recomputedMonths: string[];
  reusedMonths: string[];
  seconds: number;
}

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sql');

/**
 * day_fwi (day, ffmc, dmc, dc, isi, bui, fwi): the Canadian FWI system over the dense, imputed
 * day_weather. Its moisture codes are recursive (each day starts from the previous day's codes), which
 * is a sequential loop rather than a set operation, so it runs here between the SQL layers.
 */
async function stageFireWeather(connection: DuckSession['connection']): Promise<void> {
  const rows = await queryRows<{ day: number; temp_max_c: number; rel_humidity_pct: number; wind_speed_ms: number; precip_mm: number }>(
    connection,
    'SELECT day, temp_max_c, rel_humidity_pct, wind_speed_ms, precip_mm FROM day_weather ORDER BY day',
  );
  const codes = fireWeatherSeries(
    rows.map((r) => ({
      temp_c: Number(r.temp_max_c),
      rel_humidity_pct: Number(r.rel_humidity_pct),
      wind_kmh: Number(r.wind_speed_ms) * 3.6,
      rain_mm: Number(r.precip_mm),
      month: Number(isoDay(Number(r.day)).slice(5, 7)),
    })),
  );
  await createTableFromColumns(connection, 'day_fwi', [
    { name: 'day', type: 'INTEGER', values: rows.map((r) => Number(r.day)) },
    ...(['ffmc', 'dmc', 'dc', 'isi', 'bui', 'fwi'] as const).map((name) => ({ name, type: 'DOUBLE' as const, values: codes.map((x) => x[name]) })),
  ]);
}

/** Reads a layer's SQL file and fills its `{{name}}` parameters (numbers and SQL literals only). */
export function renderSql(file: string, params: Record<string, number | boolean | string>): string {
  const text = readFileSync(join(SQL_DIR, file), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${file}: no value for {{${name}}}`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${file}: {{${name}}} is not finite`);
    return typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : String(value);
  });
}

const RULES: Record<string, string> = {
  leakage:
    'Features of day d use only records stamped before d 00:00 local time (the district time zone: config.timezone, or looked up from the location): incidents, crowd flow (the previous day), facility status (status as of the last event before d). Exceptions, known ahead of the day: the weather of day d (observation when present, else the forecast), the calendar, stations in service on d (opened_on/closed_on), and major events active on d (a published schedule).',
  weather: 'Observations are averaged over stations; forecast rows are used only for days without any observation. A day without weather takes the previous available day (carried forward); days before the first row take the first row. Both set flag_weather_imputed.',
  crowd: "Population of the previous day from the nearest zone centroid, shared among the zone's cells by inside_share; hourly rows are averaged per day. A missing zone-day carries the zone's last value forward (0 before the first); without the feed crowd features are 0. flag_crowd_imputed marks both.",
  facility: 'Without the facility_status table the facility features are 0 and flag_facility_missing is set.',
  stations: `Without stations in service (or the table) station_distance_km = ${STATION_DISTANCE_CAP_KM} and flag_station_missing is set.`,
  pois: 'Without the pois table POI counts and built-up share are 0 and flag_pois_missing is set.',
  events: 'Without the events table event attendance is 0 and flag_events_missing is set.',
  labels: 'y_fires (fires), y_alarms (incidents of every category) and y_outdoor_fires (the fires of property type outdoor) are NULL after labels_until: the last day with an incident or a weather observation (later days have forecasts only).',
  days_since_fire: `Capped at ${DAYS_SINCE_FIRE_CAP}: no fire in the previous ${DAYS_SINCE_FIRE_CAP} days (or never) gives ${DAYS_SINCE_FIRE_CAP}.`,
  incremental:
    'Features are kept in yearly parts (folders features/parts/YYYY-<key>/ of Parquet files) with a key per month. A month is recomputed when its key changes: the key chains the static key (grid, static layers, settings, code) with the per-month content hashes of the time-stamped inputs of that month and every earlier month, since features only look back. A new year part holds the files the feature query wrote for its recomputed months and, if some months were kept, one file of those copied from the old part; features.parquet is the rows of all parts ordered by day and cell.',
  out_of_grid: 'Records outside every grid cell are counted in out_of_grid and not used.',
};

const monthStart = (month: string): number => dayNumber(`${month}-01`);
const nextMonthStart = (month: string): number => {
  const [y, m] = month.split('-').map(Number);
  return dayNumber(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`);
};

function monthsBetween(fromDay: number, toDay: number): string[] {
  const out: string[] = [];
  for (let m = monthOf(fromDay); monthStart(m) <= toDay; m = monthOf(nextMonthStart(m))) out.push(m);
  return out;
}

/** The feature manifest at `path`, or null when it is missing, unreadable or of another format. */
export function readFeatureManifest(path: string): FeatureManifest | null {
  if (!existsSync(path)) return null;
  try {
    const manifest = readJson<FeatureManifest>(path);
    return manifest.format === MANIFEST_FORMAT ? manifest : null;
  } catch {
    return null;
  }
}

/**
 * Builds the leakage-free feature table: one row per (cell, day) in [from, to], written to
 * `<outDir>/features/features.parquet` with its manifest. Months whose inputs did not change since
 * the previous build are reused.
 */
export async function buildFeatures(dataset: Dataset, grid: Grid, options: FeatureBuildOptions, log: Logger): Promise<FeatureBuildResult> {
  const started = Date.now();
  const { config } = options;
  const timeZone = dataset.locale.timeZone;
  const neighbours = options.neighbours ?? neighbourLists(grid);
  if (neighbours.length !== grid.cells.length) throw new UsageError(`features: ${neighbours.length} neighbour lists for ${grid.cells.length} cells`);
  grid.cells.forEach((c, i) => {
    if (c.cell_index !== i) throw new UsageError(`features: grid cell ${c.cell_id} has cell_index ${c.cell_index}, expected ${i} (cells must be numbered 0..n-1 in order)`);
  });

  const staged = stageDataset(dataset, grid, neighbours, timeZone);
  const weatherDays = dataset.weather.map((w) => dayNumber(w.date));
  if (weatherDays.length === 0) throw new UsageError('features: the weather table has no rows');
  const firstWeatherDay = Math.min(...weatherDays);
  const lastWeatherDay = Math.max(...weatherDays);
  const observedDays = dataset.weather.filter((w) => !w.is_forecast).map((w) => dayNumber(w.date));
  const lastObservedDay = observedDays.length ? Math.max(...observedDays) : Number.NEGATIVE_INFINITY;

  const fromIso = options.from ?? config.features.from ?? (staged.historyStartDay !== null ? isoDay(staged.historyStartDay + 365) : isoDay(firstWeatherDay));
  // By default the table reaches the day after the last data (the day the nightly run scores) even when the
  // weather has no forecast row for it: that day then takes the last weather carried forward, like any gap.
  const lastDataDay = Math.max(staged.lastIncidentDay ?? Number.NEGATIVE_INFINITY, lastObservedDay);
  const defaultToDay = Number.isFinite(lastDataDay) ? Math.max(lastWeatherDay, lastDataDay + 1) : lastWeatherDay;
  const toIso = options.to ?? config.features.to ?? isoDay(defaultToDay);
  if (toIso === isoDay(defaultToDay) && defaultToDay > lastWeatherDay) {
    log.warn(`features: no weather row for ${isoDay(defaultToDay)}, the day after the last data (the day a nightly run scores): the weather of ${isoDay(lastWeatherDay)} is carried forward and flagged (flag_weather_imputed); forecast rows (is_forecast = true) would give it its own`);
  }
  const fromDay = dayNumber(fromIso);
  const toDay = dayNumber(toIso);
  if (fromDay > toDay) throw new UsageError(`features: --from ${fromIso} is after --to ${toIso}`);
  const historyStart = staged.historyStartDay ?? fromDay;
  const labelUntil = Math.max(lastDataDay, fromDay - 1);
  for (const [table, n] of Object.entries(staged.outOfGrid)) if (n > 0) log.warn(`features: ${n} ${table} records outside the grid (counted in the manifest, not used)`);

  // Day tables cover the history buffer and the weather before it.
  const dayFrom = Math.min(fromDay - HISTORY_BUFFER_DAYS - 1, firstWeatherDay, historyStart);
  const dayTo = toDay;
  const rules = calendarRules(dataset.locale);
  const calendar = stageCalendar(dataset.holidays, dayFrom, dayTo, rules);
  const tables = [...staged.tables, calendar];

  // Keys of the month parts.
  const byName = new Map(tables.map((t) => [t.table, t]));
  const inputHashes: Record<string, string> = {};
  for (const t of tables) inputHashes[t.table] = tableHash(t);
  const firstWeather = dataset.weather.filter((w) => dayNumber(w.date) === firstWeatherDay);
  const staticKey = createHash('sha256')
    .update(
      JSON.stringify({
        code: codeHash(),
        grid: grid.definition,
        cells: inputHashes.stg_cells,
        neighbours: inputHashes.stg_neighbours,
        zones: inputHashes.stg_zones,
        stations: inputHashes.stg_stations,
        pois: inputHashes.stg_pois,
        holidays: createHash('sha256').update(JSON.stringify([...dataset.holidays].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)))).digest('hex'),
        present: staged.present,
        from: fromIso,
        timeZone,
        calendar: rules,
        historyStart,
        firstWeather,
      }),
    )
    .digest('hex');
  const monthly: Record<string, Map<string, string>> = {};
  for (const table of Object.keys(TIME_TABLES)) monthly[table] = monthlyHashes(byName.get(table)!);
  const allMonths = new Set<string>(monthsBetween(fromDay, toDay));
  for (const m of Object.values(monthly)) for (const month of m.keys()) if (month <= monthOf(toDay)) allMonths.add(month);
  const chain = chainMonthKeys(staticKey, monthly, [...allMonths].sort());

  const featureMonths = monthsBetween(fromDay, toDay).map((month) => {
    const first = Math.max(monthStart(month), fromDay);
    const last = Math.min(nextMonthStart(month) - 1, toDay);
    const key = createHash('sha256')
      .update(`${chain.get(month)}|${first}|${last}|${Math.min(Math.max(labelUntil, first - 1), last)}`)
      .digest('hex');
    return { month, first, last, key };
  });

  const featuresDir = join(options.outDir, FEATURES_DIR);
  const partsDir = join(featuresDir, PARTS_DIR);
  const manifestPath = join(featuresDir, MANIFEST_FILE);
  const previous = options.incremental === false ? null : readFeatureManifest(manifestPath);
  // Without a usable manifest nothing in parts/ can be reused (it may also hold an older layout).
  if (previous === null) rmSync(partsDir, { recursive: true, force: true });
  mkdirSync(partsDir, { recursive: true });
  const previousParts = new Map((previous?.parts ?? []).filter((p) => p.month_keys !== undefined).map((p) => [p.year, p]));
  const reusable = (m: (typeof featureMonths)[number]) => {
    const p = previousParts.get(m.month.slice(0, 4));
    return p !== undefined && p.month_keys[m.month] === m.key && existsSync(join(featuresDir, p.folder));
  };
  const toCompute = featureMonths.filter((m) => !reusable(m));
  const reused = featureMonths.filter((m) => reusable(m));
  log.info('features: plan', { from: fromIso, to: toIso, cells: grid.cells.length, months: featureMonths.length, recompute: toCompute.length, reuse: reused.length });
  const years = [...new Set(featureMonths.map((m) => m.month.slice(0, 4)))];
  const monthsOf = (year: string) => featureMonths.filter((m) => m.month.startsWith(year));

  const session = await openDuck({ memoryLimit: config.features.memory_limit, threads: config.features.threads, tempDirectory: join(featuresDir, '.duckdb_tmp') });
  const parts = new Map<string, FeaturePart>();
  for (const year of years) if (monthsOf(year).every(reusable)) parts.set(year, previousParts.get(year)!);
  try {
    const c = session.connection;
    if (toCompute.length > 0) {
      let stepStarted = performance.now();
      const step = (name: string, fields: Record<string, unknown> = {}) => {
        log.info(`features: ${name}`, { ...fields, seconds: Number(((performance.now() - stepStarted) / 1000).toFixed(1)) });
        stepStarted = performance.now();
      };
      for (const t of tables) await createTableFromColumns(c, t.table, t.columns);
      step('staged tables loaded', { rows: tables.reduce((n, t) => n + (t.columns[0]?.values.length ?? 0), 0) });
      const dayParams = { day_from: dayFrom, day_to: dayTo, history_start: historyStart };
      for (const file of ['10_staging.sql', '20_day_weather.sql', '21_day_calendar.sql', '22_zone_day_crowd.sql', '23_cell_static.sql', '24_cell_epoch_stations.sql', '25_day_eb_prior.sql', '30_cell_day_sparse.sql']) {
        await c.run(renderSql(file, dayParams));
        step(file);
        if (file === '20_day_weather.sql') {
          await stageFireWeather(c);
          step('day_fwi (Canadian FWI system)');
        }
      }
      // The dense spine comes from range(), which DuckDB estimates at a few hundred rows; with that
      // estimate its build/probe optimizer puts the multi-million-row, 70-column history on the build
      // side of the joins to the small day and cell tables (measured on the default district: 24 s
      // instead of 9-11 s per cell group, and twice the memory). The join order is still optimised.
      await c.run(`SET disabled_optimizers = 'build_side_probe_side'`);
      const runs = contiguousRuns(toCompute);
      const progress = log.progress('features: runs', runs.length);
      const scratch = join(featuresDir, '.scratch');
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch, { recursive: true });
      for (const [r, run] of runs.entries()) {
        const runFrom = run[0].first;
        const runTo = run[run.length - 1].last;
        const spineDays = runTo - runFrom + 1 + HISTORY_BUFFER_DAYS;
        const groups = cellGroups(grid.cells.length, spineDays, config.features.chunk_cell_days);
        for (const [g, [cellFrom, cellTo]] of groups.entries()) {
          const featureQuery = renderSql('40_features.sql', {
            chunk_from: runFrom,
            chunk_to: runTo,
            cell_from: cellFrom,
            cell_to: cellTo,
            spine_from: runFrom - HISTORY_BUFFER_DAYS,
            history_buffer_days: HISTORY_BUFFER_DAYS,
            label_until: Number.isFinite(labelUntil) ? labelUntil : fromDay - 1,
            station_distance_cap_km: STATION_DISTANCE_CAP_KM,
            days_since_fire_cap: DAYS_SINCE_FIRE_CAP,
            facility_missing: !staged.present.facility_status,
            pois_missing: !staged.present.pois,
            events_missing: !staged.present.events,
          });
          // Streamed into files per (run, cell group, year), already in the output types; they are
          // moved into the year parts as they are, so they are compressed now.
          await c.run(
            `COPY (SELECT ${outputColumns()}, year(DATE '1970-01-01' + day)::VARCHAR AS year FROM (${featureQuery}) AS chunk_features) ` +
              `TO ${sqlString(join(scratch, `r${r}g${g}`))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year))`,
          );
          step('40_features.sql', { from: isoDay(runFrom), to: isoDay(runTo), cells: `${cellFrom}..${cellTo}`, group: `${g + 1}/${groups.length}` });
        }
        progress.tick();
      }
      progress.done();
      await c.run('RESET disabled_optimizers');
      // Year parts: the query's files of the recomputed months, moved, plus the kept months of the old part.
      for (const year of years) {
        if (parts.has(year)) continue;
        const months = monthsOf(year);
        const kept = months.filter(reusable);
        const monthKeys = Object.fromEntries(months.map((m) => [m.month, m.key]));
        const key = createHash('sha256').update(JSON.stringify(monthKeys)).digest('hex');
        const folder = `${PARTS_DIR}/${year}-${key.slice(0, 16)}`;
        const path = join(featuresDir, folder);
        const temporary = `${path}.${process.pid}.tmp`;
        rmSync(temporary, { recursive: true, force: true });
        mkdirSync(temporary);
        for (const batch of readdirSync(scratch)) {
          const folder = join(scratch, batch, `year=${year}`);
          if (existsSync(folder)) for (const name of readdirSync(folder)) renameSync(join(folder, name), join(temporary, `${batch}-${name}`));
        }
        if (kept.length > 0) {
          const old = partFiles(featuresDir, previousParts.get(year)!);
          await c.run(
            `COPY (SELECT * FROM read_parquet(${sqlString(old)}) WHERE strftime(day, '%Y-%m') IN (${kept.map((m) => sqlString(m.month)).join(', ')})) ` +
              `TO ${sqlString(join(temporary, 'kept.parquet'))} (FORMAT parquet, COMPRESSION zstd)`,
          );
        }
        rmSync(path, { recursive: true, force: true });
        renameSync(temporary, path);
        const [counted] = await queryRows<{ n: bigint }>(c, `SELECT count(*) AS n FROM read_parquet(${sqlString(join(path, '*.parquet'))})`);
        parts.set(year, {
          year,
          folder,
          from: isoDay(months[0].first),
          to: isoDay(months[months.length - 1].last),
          rows: Number(counted.n),
          key,
          month_keys: monthKeys,
        });
      }
      rmSync(scratch, { recursive: true, force: true });
      step('year parts written', { years: years.length - [...parts.values()].filter((p) => previousParts.get(p.year) === p).length });
    }
    const orderedParts = years.map((year) => parts.get(year)!);

    const parquetPath = join(featuresDir, FEATURES_FILE);
    const temporary = join(featuresDir, `.${FEATURES_FILE}.${process.pid}.tmp`);
    // Unchanged parts: the previous features.parquet already holds their rows.
    const unchanged =
      previous !== null &&
      existsSync(parquetPath) &&
      previous.parts.length === orderedParts.length &&
      previous.parts.every((p, i) => p.key === orderedParts[i].key && p.folder === orderedParts[i].folder && p.rows === orderedParts[i].rows);
    if (!unchanged) {
      const list = `[${orderedParts.map((p) => sqlString(partFiles(featuresDir, p))).join(', ')}]`;
      await session.connection.run(`COPY (SELECT * FROM read_parquet(${list}) ORDER BY day, cell_index) TO ${sqlString(temporary)} (FORMAT parquet, COMPRESSION zstd)`);
      renameSync(temporary, parquetPath);
    }

    const [counts] = await queryRows<Record<string, bigint | number>>(
      session.connection,
      `SELECT count(*) AS rows, ${FLAG_NAMES.map((f) => `count(*) FILTER (WHERE ${f}) AS ${f}`).join(', ')} FROM read_parquet(${sqlString(parquetPath)})`,
    );
    const rows = Number(counts.rows);
    const manifest: FeatureManifest = {
      format: MANIFEST_FORMAT,
      created_at: new Date().toISOString(),
      file: FEATURES_FILE,
      from: fromIso,
      to: toIso,
      labels_until: isoDay(Number.isFinite(labelUntil) ? labelUntil : fromDay - 1),
      rows,
      cells: grid.cells.length,
      days: toDay - fromDay + 1,
      columns: { keys: ['cell_index', 'cell_id', 'day'], labels: ['y_fires', 'y_alarms', 'y_outdoor_fires'], features: FEATURE_NAMES, flags: FLAG_NAMES },
      features: FEATURES,
      flags: FLAGS,
      imputed: Object.fromEntries(FLAG_NAMES.map((f) => [f, Number(counts[f])])),
      out_of_grid: staged.outOfGrid,
      records: staged.records,
      feeds_present: { incidents: true, weather: true, ...staged.present },
      time_zone: timeZone,
      grid: grid.definition,
      history_start: staged.historyStartDay !== null ? isoDay(staged.historyStartDay) : null,
      rules: RULES,
      input_hashes: inputHashes,
      static_key: staticKey,
      parts: orderedParts,
    };
    writeJsonAtomic(manifestPath, manifest);
    // Replaced parts, parts of years no longer in range, and what an interrupted build left.
    const current = new Set(orderedParts.map((p) => p.folder));
    for (const name of readdirSync(partsDir)) if (!current.has(`${PARTS_DIR}/${name}`)) rmSync(join(partsDir, name), { recursive: true, force: true });
    const seconds = (Date.now() - started) / 1000;
    log.info('features: written', { file: parquetPath, rows, recomputed_months: toCompute.length, reused_months: reused.length, seconds: Number(seconds.toFixed(1)) });
    return {
      parquetPath,
      manifestPath,
      manifest,
      rows,
      recomputedMonths: toCompute.map((m) => m.month),
      reusedMonths: reused.map((m) => m.month),
      seconds,
    };
  } finally {
    session.close();
    rmSync(join(featuresDir, '.duckdb_tmp'), { recursive: true, force: true });
  }
}

/** Glob of a part's Parquet files. */
const partFiles = (featuresDir: string, part: FeaturePart): string => join(featuresDir, part.folder, '*.parquet');

/** Splits months into runs of consecutive months. */
export function contiguousRuns<T extends { first: number; last: number }>(months: T[]): T[][] {
  const runs: T[][] = [];
  for (const m of months) {
    const current = runs[runs.length - 1];
    if (current && current[current.length - 1].last + 1 === m.first) current.push(m);
    else runs.push([m]);
  }
  return runs;
}

/** Cell index ranges so that each DuckDB pass holds at most `budget` cell-days of spine (at least one cell). */
export function cellGroups(cells: number, spineDays: number, budget: number): Array<[number, number]> {
  const size = Math.max(1, Math.floor(budget / spineDays));
  const count = Math.ceil(cells / size);
  const even = Math.ceil(cells / count);
  const groups: Array<[number, number]> = [];
  for (let from = 0; from < cells; from += even) groups.push([from, Math.min(cells, from + even) - 1]);
  return groups;
}

function outputColumns(): string {
  return [
    'cell_index::INTEGER AS cell_index',
    'cell_id::VARCHAR AS cell_id',
    "(DATE '1970-01-01' + day)::DATE AS day",
    'y_fires::INTEGER AS y_fires',
    'y_alarms::INTEGER AS y_alarms',
    'y_outdoor_fires::INTEGER AS y_outdoor_fires',
    ...FEATURE_NAMES.map((f) => `${f}::FLOAT AS ${f}`),
    ...FLAG_NAMES.map((f) => `${f}::BOOLEAN AS ${f}`),
  ].join(', ');
}
