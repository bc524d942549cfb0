import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { UTCDate, utc } from '@date-fns/utc';
import { format as formatDate, parse as parseDate, parseISO } from 'date-fns';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { converterToWgs84, epsgCode, type ToWgs84 } from './mapping-coords.ts';
import { beaufortTextToMs, quantityOf, quantityOfColumn, toContractUnit, units } from './mapping-units.ts';
import { tables } from './schemas.ts';
import { isTimeZone } from '../util/days.ts';
import { ZoneClock } from './zone-clock.ts';

/**
 * Source mappings: how one foreign export (a dispatch system's alarm list, a weather bureau's daily
 * table, a carrier's crowd counts) becomes one table of the data contract. A mapping is plain data
 * (JSON or YAML, validated here); `applyMapping` is a pure function from raw source rows to
 * contract-shaped raw rows (strings, as a contract CSV holds them) and accounts for every row:
 * read = written + filtered out + rejected. docs/bring-your-own-data.md documents the format.
 */

export const mappableTables = ['incidents', 'weather', 'crowd_flow', 'facility_status', 'stations', 'pois', 'events', 'zones'] as const;
export type MappableTable = (typeof mappableTables)[number];

/** Contract columns of a table, in the order of its schema (the order `import` writes them). */
export function contractColumns(table: MappableTable): string[] {
  return Object.keys((tables[table].schema as unknown as z.ZodObject).shape);
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const specialTimeFormats = ['iso', 'epoch_s', 'epoch_ms', 'excel'] as const;

const columnObject = z
  .object({
    from: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('Source column, or several source columns joined with `separator` (e.g. a date column and a time column).'),
    separator: z.string().default(' ').describe('Joins the values of several `from` columns.'),
    const: scalar.optional().describe('A constant value written to every row (already in contract form), instead of `from`.'),
    extract: z
      .string()
      .optional()
      .describe('Regular expression applied to the source text first; its first capture group (or the whole match) is kept, e.g. "(-?[\\\\d.]+)" for "25℃".'),
    map: z.record(z.string(), scalar).optional().describe('Value map from source codes or labels (matched exactly after trimming) to contract values.'),
    map_default: scalar.optional().describe('Contract value for labels missing from `map`; without it such a row is rejected.'),
    keep_unmapped: z.boolean().default(false).describe('Keep labels missing from `map` unchanged instead of rejecting the row.'),
    type: z
      .enum(['string', 'number', 'instant', 'day', 'hour', 'boolean'])
      .default('string')
      .describe('How the (mapped) text is parsed: instant -> ISO 8601 with offset, day -> YYYY-MM-DD, hour -> 0-23, number -> decimal.'),
    format: z
      .string()
      .optional()
      .describe(
        `date-fns parse pattern for instant/day/hour (e.g. "yyyy/MM/dd HH:mm:ss", "yyyy年M月d日 H时m分"), or one of ${specialTimeFormats.join(', ')}. Default: iso.`,
      ),
    unit: z.enum(units).optional().describe('Unit of a source number; converted to the unit of the contract column (°C, m/s, %, mm).'),
    multiply: z.number().optional().describe('Factor applied to a source number after unit conversion (e.g. 10000 for amounts in 万元).'),
    decimal: z.enum(['.', ',']).default('.').describe('Decimal mark of source numbers; the other mark is taken as a thousands separator and dropped.'),
    default: scalar.optional().describe('Contract value written when the source is empty.'),
  })
  .strict();

export const columnSpecSchema = z
  .union([z.string().min(1).describe('Shorthand: the source column, copied as text.'), columnObject])
  .transform((spec) => (typeof spec === 'string' ? columnObject.parse({ from: spec }) : spec));
export type ColumnSpec = z.output<typeof columnSpecSchema>;

const filterSchema = z
  .object({
    column: z.string().min(1).describe('Source column the filter reads (trimmed text).'),
    in: z.array(z.string()).optional().describe('Keep rows whose value is one of these.'),
    not_in: z.array(z.string()).optional().describe('Drop rows whose value is one of these.'),
    pattern: z.string().optional().describe('Keep rows whose value matches this regular expression.'),
    reason: z.string().optional().describe('Reason reported for the rows this filter drops (default: a description of the filter).'),
  })
  .strict()
  .refine((f) => f.in !== undefined || f.not_in !== undefined || f.pattern !== undefined, 'a filter needs in, not_in or pattern');
export type MappingFilter = z.infer<typeof filterSchema>;

const coordinatesSchema = z
  .object({
    x: z.string().min(1).describe('Source column of the longitude (or projected easting).'),
    y: z.string().min(1).describe('Source column of the latitude (or projected northing).'),
    crs: z
      .string()
      .refine((c) => ['WGS84', 'GCJ02', 'BD09'].includes(c) || epsgCode.test(c), 'crs must be WGS84, GCJ02, BD09 or EPSG:<code>')
      .describe('Coordinate reference of the source: WGS84, GCJ02 (Amap/Tencent), BD09 (Baidu) or EPSG:<code> (with `proj4`).'),
    proj4: z.string().optional().describe('proj4 definition of an EPSG crs (required for EPSG codes other than 4326; no network lookup).'),
  })
  .strict();

const idSchema = z
  .object({
    column: z.string().min(1).describe('Contract column that receives the generated id (e.g. incident_id).'),
    from: z.array(z.string().min(1)).min(1).optional().describe('Source columns hashed into the id (default: every source column of the row).'),
    prefix: z.string().default('').describe('Text put before the hash.'),
    length: z.number().int().min(8).max(64).default(16).describe('Hex digits of the SHA-256 hash kept.'),
  })
  .strict();

const sourceSchema = z
  .object({
    encoding: z.enum(['utf-8', 'gbk', 'gb18030', 'big5', 'utf-16le']).default('utf-8').describe('Text encoding of the raw file (Chinese Excel exports are often GBK).'),
    delimiter: z.string().min(1).max(2).default(',').describe('Field separator of the raw CSV.'),
    skip_lines: z.number().int().min(0).default(0).describe('Lines before the header row (titles of spreadsheet exports).'),
  })
  .strict();

export const mappingSchema = z
  .object({
    table: z.enum(mappableTables).describe('Contract table this source becomes.'),
    description: z.string().optional(),
    source: sourceSchema.default(sourceSchema.parse({})).describe('How the raw file is read.'),
    timezone: z
      .string()
      .default('Asia/Shanghai')
      .refine(isTimeZone, 'not an IANA time zone (e.g. Asia/Shanghai)')
      .describe('Time zone of source timestamps without an offset; instants are written with this offset.'),
    columns: z.record(z.string(), columnSpecSchema).describe('Contract column -> how it is filled from the source.'),
    coordinates: coordinatesSchema.optional().describe('Source coordinates converted to WGS84 and written to the contract columns lon and lat.'),
    id: idSchema.optional().describe('Generate an id when the source has none: a deterministic hash of the row.'),
    filters: z.array(filterSchema).default([]).describe('Rows failing any filter are dropped, counted with the reason.'),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    const known = new Set(contractColumns(mapping.table));
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    for (const [column, spec] of Object.entries(mapping.columns)) {
      const path = ['columns', column];
      if (!known.has(column)) issue(path, `"${column}" is not a column of ${mapping.table} (columns: ${[...known].join(', ')})`);
      if ((spec.from === undefined) === (spec.const === undefined)) issue(path, 'needs exactly one of from or const');
      if (spec.unit !== undefined) {
        const wanted = quantityOfColumn(column);
        if (spec.type !== 'number') issue(path, 'unit needs type: number');
        if (wanted !== quantityOf(spec.unit)) issue(path, `unit ${spec.unit} measures ${quantityOf(spec.unit)}, but ${column} holds ${wanted ?? 'no physical quantity'}`);
      }
      if (spec.format !== undefined && !['instant', 'day', 'hour'].includes(spec.type)) issue(path, 'format needs type instant, day or hour');
      if (spec.format !== undefined && !(specialTimeFormats as readonly string[]).includes(spec.format)) {
        try {
          // parse() returns Invalid Date before looking at the pattern when the text does not match; format() checks every token.
          formatDate(new Date(0), spec.format);
        } catch (error) {
          issue(path, `invalid date-fns pattern "${spec.format}": ${(error as Error).message}`);
        }
      }
      if (spec.extract !== undefined && !isRegExp(spec.extract)) issue(path, `invalid regular expression "${spec.extract}"`);
    }
    mapping.filters.forEach((f, i) => {
      if (f.pattern !== undefined && !isRegExp(f.pattern)) issue(['filters', i, 'pattern'], `invalid regular expression "${f.pattern}"`);
    });
    if (mapping.coordinates) {
      if (!known.has('lon') || !known.has('lat')) issue(['coordinates'], `${mapping.table} has no lon/lat columns`);
      if ('lon' in mapping.columns || 'lat' in mapping.columns) issue(['coordinates'], 'map lon/lat either in columns or through coordinates, not both');
      const { crs, proj4 } = mapping.coordinates;
      if (epsgCode.test(crs) && crs !== 'EPSG:4326') {
        try {
          converterToWgs84(crs, proj4);
        } catch (error) {
          issue(['coordinates', 'proj4'], (error as Error).message);
        }
      }
    }
    if (mapping.id) {
      if (!known.has(mapping.id.column)) issue(['id', 'column'], `"${mapping.id.column}" is not a column of ${mapping.table}`);
      if (mapping.id.column in mapping.columns) issue(['id', 'column'], `${mapping.id.column} is both mapped in columns and generated`);
    }
  });

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;


function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses and validates a mapping file's text (YAML when the name ends in .yaml/.yml, else JSON).
 * Throws an Error whose one-line message names the file and every problem with its path.
 */
export function parseMapping(text: string, fileName: string): Mapping {
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(fileName) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(`${basename(fileName)}: not valid ${/\.ya?ml$/i.test(fileName) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = mappingSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(mapping)'}: ${i.message}`);
    throw new Error(`${basename(fileName)}: invalid mapping: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Source columns a mapping reads; a raw file lacking one of them cannot be imported. */
export function sourceColumnsOf(mapping: Mapping): string[] {
  const used = new Set<string>();
  for (const spec of Object.values(mapping.columns)) for (const c of spec.from === undefined ? [] : [spec.from].flat()) used.add(c);
  if (mapping.coordinates) used.add(mapping.coordinates.x).add(mapping.coordinates.y);
  for (const f of mapping.filters) used.add(f.column);
  for (const c of mapping.id?.from ?? []) used.add(c);
  return [...used];
}

export type RawRow = Record<string, unknown>;
export type ContractRow = Record<string, string>;

export interface MappingRejection {
  /** 1-based data row number in the source (header = row 0, lines skipped before it not counted). */
  row: number;
  /** Source column whose value could not be mapped, or null when the row as a whole failed. */
  column: string | null;
  /** Stable, countable phrase `mapping: <contract column> <problem>`; the offending value stays in `raw`. */
  reason: string;
  raw: RawRow;
}

export interface MappingResult {
  table: MappableTable;
  /** Contract columns written, in contract order. */
  columns: string[];
  rows: ContractRow[];
  /** Source row number (1-based) of each written row, for tracing quarantine entries back. */
  sourceRows: number[];
  rejected: MappingRejection[];
  filtered: { count: number; reasons: Record<string, number> };
  read: number;
}

class RowProblem extends Error {
  constructor(
    readonly column: string | null,
    message: string,
  ) {
    super(message);
  }
}

interface CompiledColumn {
  target: string;
  spec: ColumnSpec;
  extract?: RegExp;
  sourceLabel: string | null;
}

/**
 * Applies a mapping to raw rows (cell values as read from the source file). Pure; never throws for
 * row content: a row is written, filtered out (counted by reason) or rejected (with the source row
 * number, column and reason), so that read = rows.length + filtered.count + rejected.length.
 */
export function applyMapping(mapping: Mapping, rawRows: readonly RawRow[], rowNumbers?: readonly number[]): MappingResult {
  const clock = new ZoneClock(mapping.timezone);
  const compiled: CompiledColumn[] = Object.entries(mapping.columns).map(([target, spec]) => ({
    target,
    spec,
    extract: spec.extract === undefined ? undefined : new RegExp(spec.extract, 'u'),
    sourceLabel: spec.from === undefined ? null : [spec.from].flat().join('+'),
  }));
  const filters = mapping.filters.map((f) => ({ ...f, regex: f.pattern === undefined ? undefined : new RegExp(f.pattern, 'u'), label: f.reason ?? describeFilter(f) }));
  const toWgs84: ToWgs84 | undefined = mapping.coordinates ? converterToWgs84(mapping.coordinates.crs, mapping.coordinates.proj4) : undefined;
  const produced = new Set([...Object.keys(mapping.columns), ...(mapping.coordinates ? ['lon', 'lat'] : []), ...(mapping.id ? [mapping.id.column] : [])]);
  const columns = contractColumns(mapping.table).filter((c) => produced.has(c));

  const result: MappingResult = { table: mapping.table, columns, rows: [], sourceRows: [], rejected: [], filtered: { count: 0, reasons: {} }, read: rawRows.length };
  rawRows.forEach((raw, index) => {
    const rowNumber = rowNumbers?.[index] ?? index + 1;
    try {
      const failed = filters.find((f) => !passesFilter(f, cellText(raw, f.column)));
      if (failed) {
        result.filtered.count += 1;
        result.filtered.reasons[failed.label] = (result.filtered.reasons[failed.label] ?? 0) + 1;
        return;
      }
      const out: ContractRow = {};
      for (const column of compiled) out[column.target] = mapColumn(column, raw, clock);
      if (mapping.coordinates && toWgs84) Object.assign(out, mapCoordinates(mapping.coordinates.x, mapping.coordinates.y, raw, toWgs84));
      if (mapping.id) out[mapping.id.column] = rowId(mapping.id, raw);
      const ordered: ContractRow = {};
      for (const c of columns) ordered[c] = out[c] ?? '';
      result.rows.push(ordered);
      result.sourceRows.push(rowNumber);
    } catch (error) {
      const column = error instanceof RowProblem ? error.column : null;
      const reason = error instanceof Error ? error.message : String(error);
      result.rejected.push({ row: rowNumber, column, reason, raw });
    }
  });
  return result;
}

function describeFilter(f: MappingFilter): string {
  const parts: string[] = [];
  if (f.in) parts.push(`not in [${f.in.join(', ')}]`);
  if (f.not_in) parts.push(`in [${f.not_in.join(', ')}]`);
  if (f.pattern) parts.push(`not matching /${f.pattern}/`);
  return `filter: ${f.column} ${parts.join(' or ')}`;
}

function passesFilter(f: MappingFilter & { regex?: RegExp }, value: string | undefined): boolean {
  const text = value ?? '';
  if (f.in && !f.in.includes(text)) return false;
  if (f.not_in && f.not_in.includes(text)) return false;
  if (f.regex && !f.regex.test(text)) return false;
  return true;
}

/** Trimmed text of a source cell; undefined when the row has no such column. */
function cellText(raw: RawRow, column: string): string | undefined {
  if (raw === null || typeof raw !== 'object' || !Object.hasOwn(raw, column)) return undefined;
  const value = raw[column];
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value).trim();
}

function requireCell(raw: RawRow, column: string): string {
  const text = cellText(raw, column);
  if (text === undefined) throw new RowProblem(column, `mapping: source column "${column}" missing from the row`);
  return text;
}

function mapColumn(column: CompiledColumn, raw: RawRow, clock: ZoneClock): string {
  const { spec, target } = column;
  if (spec.const !== undefined) return String(spec.const);
  const sources = [spec.from ?? []].flat();
  const parts = sources.map((c) => requireCell(raw, c));
  let text = parts.filter((p) => p !== '').length === 0 ? '' : parts.join(spec.separator).trim();
  const fail = (message: string): never => {
    throw new RowProblem(column.sourceLabel, `mapping: ${target} ${message}`);
  };
  if (text === '') return spec.default === undefined ? '' : String(spec.default);
  if (column.extract) {
    const match = column.extract.exec(text);
    if (!match) fail(`does not match /${spec.extract}/`);
    text = (match?.[1] ?? match?.[0] ?? '').trim();
  }
  if (spec.map) {
    if (Object.hasOwn(spec.map, text)) text = String(spec.map[text]);
    else if (spec.map_default !== undefined) text = String(spec.map_default);
    else if (!spec.keep_unmapped) fail(`label not in the value map (known: ${Object.keys(spec.map).slice(0, 12).join(', ')}${Object.keys(spec.map).length > 12 ? ', ...' : ''})`);
  }
  try {
    switch (spec.type) {
      case 'string':
        return text;
      case 'boolean':
        return text;
      case 'number':
        return formatNumber(parseSourceNumber(text, spec));
      case 'instant':
        return clock.isoWithOffset(parseSourceTime(text, spec.format, clock));
      case 'day':
        return new Date(clock.wallOfInstant(parseSourceTime(text, spec.format, clock))).toISOString().slice(0, 10);
      case 'hour': {
        if (spec.format === undefined && /^\d{1,2}$/.test(text)) {
          const hour = Number(text);
          if (hour > 23) fail('hour must be 0-23');
          return String(hour);
        }
        return String(new Date(clock.wallOfInstant(parseSourceTime(text, spec.format, clock))).getUTCHours());
      }
    }
  } catch (error) {
    if (error instanceof RowProblem) throw error;
    return fail((error as Error).message);
  }
}

function parseSourceNumber(text: string, spec: ColumnSpec): number {
  let value: number;
  if (spec.unit === 'beaufort') {
    value = beaufortTextToMs(text);
  } else {
    // Drop thousands separators (the other mark, full-width commas, spaces), then make the decimal mark a dot.
    const withoutThousands = spec.decimal === '.' ? text.replace(/[,，\s]/g, '') : text.replace(/[.\s]/g, '');
    const normalised = spec.decimal === ',' ? withoutThousands.replace(',', '.') : withoutThousands;
    value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normalised) ? Number(normalised) : Number.NaN;
    if (!Number.isFinite(value)) throw new RangeError('not a number');
    if (spec.unit !== undefined) value = toContractUnit(value, spec.unit);
  }
  if (spec.multiply !== undefined) value *= spec.multiply;
  return value;
}

const excelEpochMs = Date.UTC(1899, 11, 30);
const offsetTokens = /[XxOz]/;
const hasOffsetText = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Parses source time text to an instant (epoch ms); text without an offset is wall-clock time of the mapping's zone. */
function parseSourceTime(text: string, pattern: string | undefined, clock: ZoneClock): number {
  let ms: number;
  let isWall: boolean;
  switch (pattern ?? 'iso') {
    case 'iso':
      ms = parseISO(text, { in: utc }).getTime();
      isWall = !hasOffsetText.test(text);
      break;
    case 'epoch_s':
    case 'epoch_ms': {
      const n = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
      ms = pattern === 'epoch_s' ? n * 1000 : n;
      isWall = false;
      break;
    }
    case 'excel':
      // Spreadsheet serial days count local wall-clock time from 1899-12-30.
      ms = /^\d+(\.\d+)?$/.test(text) ? excelEpochMs + Math.round(Number(text) * 86_400_000) : Number.NaN;
      isWall = true;
      break;
    default:
      ms = parseDate(text, pattern as string, new UTCDate(0), { in: utc }).getTime();
      isWall = !offsetTokens.test((pattern as string).replace(/'[^']*'/g, ''));
  }
  if (!Number.isFinite(ms)) throw new RangeError(`not a time in format ${pattern ?? 'iso'}`);
  return isWall ? clock.instantOfWall(ms) : ms;
}

function mapCoordinates(xColumn: string, yColumn: string, raw: RawRow, toWgs84: ToWgs84): ContractRow {
  const xText = requireCell(raw, xColumn);
  const yText = requireCell(raw, yColumn);
  if (xText === '' && yText === '') return { lon: '', lat: '' };
  const x = Number(xText);
  const y = Number(yText);
  if (xText === '' || !Number.isFinite(x)) throw new RowProblem(xColumn, 'mapping: lon not a number');
  if (yText === '' || !Number.isFinite(y)) throw new RowProblem(yColumn, 'mapping: lat not a number');
  let lon: number;
  let lat: number;
  try {
    [lon, lat] = toWgs84(x, y);
  } catch (error) {
    throw new RowProblem(xColumn, `mapping: lon/lat could not be converted to WGS84 (${(error as Error).message})`);
  }
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RowProblem(xColumn, 'mapping: lon/lat could not be converted to WGS84');
  return { lon: formatNumber(lon, 7), lat: formatNumber(lat, 7) };
}

function rowId(spec: NonNullable<Mapping['id']>, raw: RawRow): string {
  const keys = spec.from ?? Object.keys(raw);
  const values = keys.map((k) => (spec.from ? requireCell(raw, k) : (cellText(raw, k) ?? '')));
  const digest = createHash('sha256').update(JSON.stringify(spec.from ? values : keys.map((k, i) => [k, values[i]]))).digest('hex');
  return `${spec.prefix}${digest.slice(0, spec.length)}`;
}

/** A number as contract text: at most `decimals` decimals, no trailing zeros, no exponent for ordinary values. */
export function formatNumber(value: number, decimals = 6): string {
  const rounded = Number(value.toFixed(decimals));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
