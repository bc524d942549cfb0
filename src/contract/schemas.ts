import { z } from 'zod';

/**
 * The data contract: one zod schema per input table. The schemas take the raw cell values of a
 * CSV row (strings; empty string = missing) or a Parquet row (typed values) and give typed rows.
 * docs/data-contract.md describes the same tables for people; keep the two in step.
 *
 * Conventions: coordinates are WGS84 longitude/latitude in degrees; instants are ISO 8601 with an
 * offset (`2025-03-01T14:05:00+08:00`), or without one in the district's time zone; days are local
 * calendar days `YYYY-MM-DD` in that zone (configured, or looked up from the district's location).
 */

const emptyToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value);

const requiredNumber = (min?: number, max?: number) => {
  let schema = z.coerce.number({ error: 'expected a number' }).refine(Number.isFinite, 'expected a finite number');
  if (min !== undefined) schema = schema.refine((v) => v >= min, `must be >= ${min}`);
  if (max !== undefined) schema = schema.refine((v) => v <= max, `must be <= ${max}`);
  return z.preprocess(emptyToUndefined, schema);
};
const optionalNumber = (min?: number, max?: number) => z.preprocess(emptyToUndefined, requiredNumber(min, max).optional());
const requiredString = z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.coerce.string().min(1, 'must not be empty'));
const optionalString = z.preprocess(emptyToUndefined, z.coerce.string().trim().optional());

/** `2025-03-01 14:05` -> `2025-03-01T14:05`: database and spreadsheet exports put a space between date and time. */
const withTimeSeparator = (text: string) => text.replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/, '$1T$2');

/**
 * An instant: ISO 8601 with an offset, or without one as local wall-clock time of the district's time
 * zone (rewritten with that zone's offset once the zone is known: see local-times.ts).
 */
export const instant = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? withTimeSeparator(v.trim()) : v),
  z.iso.datetime({ offset: true, local: true, error: 'expected an ISO 8601 timestamp, e.g. 2025-03-01T14:05:00+08:00 (or 2025-03-01 14:05:00, local time)' }),
);
/** `2025-03-01 00:00:00` -> `2025-03-01`: a day exported through a timestamp type carries a midnight time; any other time is not a day. */
const withoutMidnight = (text: string) => text.replace(/^(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?$/, '$1');

export const localDay = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? withoutMidnight(v.trim()) : v),
  z.iso.date({ error: 'expected a day YYYY-MM-DD' }),
);
const optionalLocalDay = z.preprocess(emptyToUndefined, localDay.optional());
const booleanish = z.preprocess((v) => {
  if (v === '' || v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['true', '1', 'yes', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'f', 'n'].includes(s)) return false;
  return v;
}, z.boolean({ error: 'expected true or false' }).optional());

export const longitude = requiredNumber(-180, 180);
export const latitude = requiredNumber(-90, 90);

export const incidentCategories = ['fire', 'rescue', 'assistance', 'other'] as const;
export const propertyTypes = ['residential', 'commercial', 'industrial', 'vehicle', 'outdoor', 'other'] as const;
export const deviceTypes = ['alarm_panel', 'smoke_detector', 'sprinkler_pressure', 'hydrant', 'electrical_fire_monitor', 'other'] as const;
export const deviceStatuses = ['normal', 'fault', 'alarm', 'offline', 'disabled'] as const;
export const poiKinds = [
  'high_rise',
  'key_unit',
  'high_risk_unit',
  'hazardous_chemicals',
  'old_residential',
  'market',
  'school',
  'elder_care',
  'hospital',
  'heritage',
  'factory',
  'warehouse',
  'other',
] as const;

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(values, { error: `expected one of ${values.join(', ')}` }));

export const incidentSchema = z.object({
  incident_id: requiredString,
  reported_at: instant,
  lon: longitude,
  lat: latitude,
  category: enumOf(incidentCategories),
  cause: optionalString,
  property_type: enumOf(propertyTypes),
  loss_cny: optionalNumber(0).default(0),
  deaths: optionalNumber(0).default(0),
  injuries: optionalNumber(0).default(0),
});

export const weatherSchema = z
  .object({
    date: localDay,
    station_id: optionalString,
    lon: optionalNumber(-180, 180),
    lat: optionalNumber(-90, 90),
    temp_max_c: requiredNumber(-60, 60),
    temp_min_c: requiredNumber(-60, 60),
    rel_humidity_pct: requiredNumber(0, 100),
    wind_speed_ms: requiredNumber(0, 75),
    precip_mm: requiredNumber(0, 2000),
    is_forecast: booleanish.default(false),
  })
  .refine((row) => row.temp_min_c <= row.temp_max_c, { message: 'temp_min_c must not exceed temp_max_c', path: ['temp_min_c'] });

export const crowdFlowSchema = z
  .object({
    date: localDay,
    hour: optionalNumber(0, 23),
    zone_id: optionalString,
    lon: optionalNumber(-180, 180),
    lat: optionalNumber(-90, 90),
    population: requiredNumber(0),
  })
  .refine((row) => row.zone_id !== undefined || (row.lon !== undefined && row.lat !== undefined), {
    message: 'needs zone_id or both lon and lat',
    path: ['zone_id'],
  });

export const zoneSchema = z.object({ zone_id: requiredString, lon: longitude, lat: latitude, name: optionalString });

export const facilityStatusSchema = z.object({
  device_id: requiredString,
  device_type: enumOf(deviceTypes),
  lon: longitude,
  lat: latitude,
  at: instant,
  status: enumOf(deviceStatuses),
});

export const stationSchema = z.object({
  station_id: requiredString,
  name: requiredString,
  lon: longitude,
  lat: latitude,
  opened_on: optionalLocalDay.describe('Day the station entered service; empty = in service since before the data'),
  closed_on: optionalLocalDay,
  kind: optionalString,
});

export const poiSchema = z.object({
  poi_id: requiredString,
  kind: enumOf(poiKinds),
  lon: longitude,
  lat: latitude,
  name: optionalString,
  floors: optionalNumber(0),
});

export const eventSchema = z
  .object({
    event_id: requiredString,
    name: optionalString,
    start: instant,
    end: instant,
    lon: longitude,
    lat: latitude,
    expected_attendance: requiredNumber(0),
  })
  .refine((row) => Date.parse(row.start) <= Date.parse(row.end), { message: 'end must not be before start', path: ['end'] });

export const holidaySchema = z.object({
  date: localDay,
  name: requiredString,
  kind: enumOf(['public_holiday', 'spring_festival', 'adjusted_workday'] as const),
});

export type Incident = z.infer<typeof incidentSchema>;
export type Weather = z.infer<typeof weatherSchema>;
export type CrowdFlow = z.infer<typeof crowdFlowSchema>;
export type Zone = z.infer<typeof zoneSchema>;
export type FacilityStatus = z.infer<typeof facilityStatusSchema>;
export type Station = z.infer<typeof stationSchema>;
export type Poi = z.infer<typeof poiSchema>;
export type MajorEvent = z.infer<typeof eventSchema>;
export type Holiday = z.infer<typeof holidaySchema>;

export interface TableSpec {
  /** Table name and file stem: `<name>.csv` or `<name>.parquet` inside the data folder. */
  name: string;
  required: boolean;
  schema: z.ZodType;
  /** Columns that must be present in the file header (optional columns may be absent). */
  requiredColumns: string[];
  /** Columns whose combination is unique; a repeat is quarantined as a duplicate. */
  key: string[];
  description: string;
  /**
   * Columns a file may lack altogether (many weather services publish no humidity or wind): every
   * row then gets `value`, and the run warns once with `effect`. A present column with an empty
   * cell is still a bad row.
   */
  fillWhenAbsent?: Record<string, { value: string; effect: string }>;
}

export const tables = {
  incidents: {
    name: 'incidents',
    required: true,
    schema: incidentSchema,
    requiredColumns: ['incident_id', 'reported_at', 'lon', 'lat', 'category'],
    key: ['incident_id'],
    description: 'Historical alarms: one row per incident.',
    fillWhenAbsent: { property_type: { value: 'other', effect: 'every incident counted as property type other, so no fire counts as outdoor (outdoor_fire_rate_eb is 0 everywhere)' } },
  },
  weather: {
    name: 'weather',
    required: true,
    schema: weatherSchema,
    requiredColumns: ['date', 'temp_max_c', 'temp_min_c', 'precip_mm'],
    key: ['date', 'station_id', 'is_forecast'],
    description: 'Daily weather observations, and forecasts (is_forecast = true) for days to be scored.',
    fillWhenAbsent: {
      rel_humidity_pct: { value: '70', effect: 'humidity held at 70 % every day: rel_humidity_pct is constant, and the dew-point and fire-weather codes follow temperature, rain and wind only' },
      wind_speed_ms: { value: '2', effect: 'wind held at 2 m/s every day: wind_speed_ms is constant, and the fire-weather spread index follows fuel dryness only' },
    },
  },
  crowd_flow: {
    name: 'crowd_flow',
    required: false,
    schema: crowdFlowSchema,
    requiredColumns: ['date', 'population'],
    key: ['date', 'hour', 'zone_id', 'lon', 'lat'],
    description: 'Population present per zone (mobile signalling), daily or hourly.',
  },
  zones: {
    name: 'zones',
    required: false,
    schema: zoneSchema,
    requiredColumns: ['zone_id', 'lon', 'lat'],
    key: ['zone_id'],
    description: 'Crowd-flow zones and their centroids, when crowd_flow uses zone_id.',
  },
  facility_status: {
    name: 'facility_status',
    required: false,
    schema: facilityStatusSchema,
    requiredColumns: ['device_id', 'device_type', 'lon', 'lat', 'at', 'status'],
    key: ['device_id', 'at'],
    description: 'IoT status events of fire facilities: a device keeps its status until its next event.',
  },
  stations: {
    name: 'stations',
    required: false,
    schema: stationSchema,
    requiredColumns: ['station_id', 'name', 'lon', 'lat'],
    key: ['station_id'],
    description: 'Fire stations, including planned ones with their opening day.',
  },
  pois: {
    name: 'pois',
    required: false,
    schema: poiSchema,
    requiredColumns: ['poi_id', 'kind', 'lon', 'lat'],
    key: ['poi_id'],
    description: 'Points of interest that carry fire risk (high-rises, key units, ...).',
  },
  events: {
    name: 'events',
    required: false,
    schema: eventSchema,
    requiredColumns: ['event_id', 'start', 'end', 'lon', 'lat', 'expected_attendance'],
    key: ['event_id'],
    description: 'Major public events.',
  },
  holidays: {
    name: 'holidays',
    required: false,
    schema: holidaySchema,
    requiredColumns: ['date', 'name', 'kind'],
    key: ['date'],
    description: 'Public holidays; when absent, the holidays of the country of the district (Chinese official holidays for China).',
  },
} satisfies Record<string, TableSpec>;

export type TableName = keyof typeof tables;

/** The boundary is GeoJSON, not a table: `boundary.geojson`, a Polygon or MultiPolygon (Feature, FeatureCollection or bare geometry). */
export const boundaryFileName = 'boundary.geojson';
