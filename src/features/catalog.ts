import type { FeatureDescription } from './matrix.ts';

/**
 * The feature catalog: every feature column of features.parquet in order, with its meaning, unit,
 * source table and family. The SQL (src/features/sql/40_features.sql) produces columns of these
 * names; the writer casts them to FLOAT in this order.
 */
export const STATION_DISTANCE_CAP_KM = 50;
export const DAYS_SINCE_FIRE_CAP = 365;
export const HISTORY_BUFFER_DAYS = 366;

const f = (name: string, family: FeatureDescription['family'], source: string, unit: string, description: string): FeatureDescription => ({
  name,
  family,
  source,
  unit,
  description,
});

const windows = [1, 7, 30, 90, 365];

const fireWeatherCodes: Array<[string, string, string]> = [
  ['ffmc', 'code 0..101', 'Fine Fuel Moisture Code (dryness of litter and fine fuels, a memory of about two thirds of a day)'],
  ['dmc', 'code', 'Duff Moisture Code (dryness of loosely compacted organic layers, a memory of about 12 days)'],
  ['dc', 'code', 'Drought Code (deep, seasonal drought, a memory of about 52 days)'],
  ['isi', 'index', 'Initial Spread Index (FFMC and wind: expected rate of spread)'],
  ['bui', 'index', 'Buildup Index (DMC and DC: fuel available for combustion)'],
  ['fwi', 'index', 'Fire Weather Index (ISI and BUI: fire intensity)'],
];

export const FEATURES: FeatureDescription[] = [
  ...windows.map((k) => f(`fires_${k}d`, 'history', 'incidents', 'fires', `Fire incidents in the cell over the ${k} day(s) before the day (d-${k} .. d-1).`)),
  ...windows.map((k) => f(`alarms_${k}d`, 'history', 'incidents', 'alarms', `Incidents of any category in the cell over the ${k} day(s) before the day.`)),
  f('days_since_fire', 'history', 'incidents', 'days', `Days since the cell's last fire before the day, capped at ${DAYS_SINCE_FIRE_CAP}; no fire in the previous ${DAYS_SINCE_FIRE_CAP} days (or never) gives ${DAYS_SINCE_FIRE_CAP}.`),
  f(
    'fire_rate_eb',
    'history',
    'incidents',
    'fires/year',
    'Long-run fire rate of the cell from all history before the day, shrunk towards the district mean by empirical Bayes: gamma-Poisson posterior mean with the gamma prior fitted across cells by the method of moments for each day (Clayton & Kaldor 1987, Biometrics 43:671-681).',
  ),
  f('nb_fires_7d', 'history', 'incidents', 'fires', 'Fires in the queen neighbours of the cell over the 7 days before the day (spatial lag).'),
  f('nb_fires_30d', 'history', 'incidents', 'fires', 'Fires in the queen neighbours over the 30 days before the day.'),
  f('nb_fires_365d', 'history', 'incidents', 'fires', 'Fires in the queen neighbours over the 365 days before the day.'),
  f('nb_alarms_30d', 'history', 'incidents', 'alarms', 'Incidents of any category in the queen neighbours over the 30 days before the day.'),
  f('nb_alarms_365d', 'history', 'incidents', 'alarms', 'Incidents of any category in the queen neighbours over the 365 days before the day.'),
  f('nb_fire_rate_eb', 'history', 'incidents', 'fires/year', 'Mean empirical-Bayes long-run fire rate of the queen neighbours (same prior as fire_rate_eb); the district mean for a cell without neighbours.'),
  f(
    'other_rate_eb',
    'history',
    'incidents',
    'incidents/year',
    'Long-run rate of the cell\'s other incidents (rescue, assistance, other alarms) from all history before the day, shrunk like fire_rate_eb with its own gamma prior. These incidents follow where people live and work, so they inform the fire rate of cells with few fires.',
  ),
  f('nb_other_rate_eb', 'history', 'incidents', 'incidents/year', 'Mean empirical-Bayes long-run rate of other incidents of the queen neighbours (same prior as other_rate_eb).'),
  f(
    'outdoor_fire_rate_eb',
    'history',
    'incidents',
    'fires/year',
    "Long-run rate of the cell's outdoor fires (property_type outdoor: vegetation, open land) from all history before the day, shrunk like fire_rate_eb with its own gamma prior. Where a cell's fires burn outdoors they follow dryness and wind more than fires in buildings; 0 everywhere when the incidents carry no property type.",
  ),
  f('nb_outdoor_fire_rate_eb', 'history', 'incidents', 'fires/year', 'Mean empirical-Bayes long-run outdoor fire rate of the queen neighbours (same prior as outdoor_fire_rate_eb).'),
  f('temp_max_c', 'weather', 'weather', '°C', 'Daily maximum temperature of the day (observation; the forecast on days without observation).'),
  f('temp_min_c', 'weather', 'weather', '°C', 'Daily minimum temperature of the day.'),
  f('rel_humidity_pct', 'weather', 'weather', '%', 'Mean relative humidity of the day.'),
  f('wind_speed_ms', 'weather', 'weather', 'm/s', 'Mean wind speed of the day.'),
  f('precip_mm', 'weather', 'weather', 'mm', 'Precipitation of the day.'),
  f('precip_7d_mm', 'weather', 'weather', 'mm', 'Precipitation over the 7 days ending with the day.'),
  f('dry_days', 'weather', 'weather', 'days', 'Consecutive dry days (precipitation < 1 mm, the ETCCDI dry-day threshold) ending with the day; 0 on a wet day.'),
  f(
    'nesterov_index',
    'weather',
    'weather',
    '°C²',
    'Nesterov ignition index (Nesterov, V.G. 1949, Combustibility of the forest and methods for its determination, Goslesbumizdat, Moscow; as used in e.g. Venevsky et al. 2002, Global Change Biology 8:984-998): sum over the days since the last day with more than 3 mm of rain of T·(T − Td) for T > 0, with T = daily maximum temperature (stand-in for the 13:00 temperature) and Td the dew point from T and the daily relative humidity (Magnus formula).',
  ),
  ...fireWeatherCodes.map(([name, unit, description]) =>
    f(
      name,
      'weather',
      'weather',
      unit,
      `${description} of the Canadian Forest Fire Weather Index System (Van Wagner 1987, Forestry Technical Report 35), computed day by day from the daily maximum temperature (for the noon temperature), mean relative humidity, mean wind and the day's precipitation, standard day-length factors, started at FFMC 85, DMC 6, DC 15 on the first day of the weather series (at least 367 days before the first feature day, so the start value is long forgotten).`,
    ),
  ),
  f('dow_sin', 'calendar', 'calendar', '1', 'sin(2π·weekday/7), weekday 0 = Sunday.'),
  f('dow_cos', 'calendar', 'calendar', '1', 'cos(2π·weekday/7).'),
  f('is_weekend', 'calendar', 'calendar', '0/1', 'Saturday or Sunday.'),
  f('doy_sin', 'calendar', 'calendar', '1', 'sin(2π·(day of year − 1)/365.25): annual cycle.'),
  f('doy_cos', 'calendar', 'calendar', '1', 'cos(2π·(day of year − 1)/365.25).'),
  f('doy_sin2', 'calendar', 'calendar', '1', 'sin(4π·(day of year − 1)/365.25): half-year harmonic.'),
  f('doy_cos2', 'calendar', 'calendar', '1', 'cos(4π·(day of year − 1)/365.25).'),
  f('is_public_holiday', 'calendar', 'holidays', '0/1', 'Public holiday (holiday table kinds public_holiday and spring_festival).'),
  f('is_adjusted_workday', 'calendar', 'holidays', '0/1', 'Weekend day made a working day (调休).'),
  f('is_spring_festival', 'calendar', 'calendar', '0/1', 'Spring Festival period: from 小年 (lunar 12/23) to 元宵节 (lunar 1/15), the fireworks season.'),
  f(
    'is_cold_season',
    'calendar',
    'calendar',
    '0/1',
    'Heating season stand-in: Chongqing has no central heating, so the documented cold season December–February, when electric heaters and open fires are used.',
  ),
  f(
    'trend_years',
    'calendar',
    'calendar',
    'years',
    'Years since 2000-01-01: lets the model follow a steady change of the overall level (fire counts falling year by year, a growing city) within its training window. The model clips every input to its training range, so days after the window are scored at the level the window ended with, never extrapolated.',
  ),
  f(
    'crowd_population',
    'crowd',
    'crowd_flow, zones',
    'people',
    "Mean population present in the cell on the previous day: the nearest zone centroid's population shared among its cells by inside_share. Imputed (flag_crowd_imputed): the zone's last reported day carried forward, 0 without any report or without the feed.",
  ),
  f('crowd_anomaly', 'crowd', 'crowd_flow, zones', 'ratio - 1', "Previous day's population over the cell's own mean of the 28 days before, minus 1 (0 when that mean is 0 or the feed is absent)."),
  f('devices_bad', 'facility', 'facility_status', 'devices', 'Fire-protection devices in the cell in fault, offline or disabled state at the start of the day (status of each device as of its last event before the day). 0 without the feed (flag_facility_missing).'),
  f('hydrants_out', 'facility', 'facility_status', 'hydrants', 'Hydrants in the cell out of service (fault, offline or disabled) at the start of the day.'),
  f('electrical_alarms_7d', 'facility', 'facility_status', 'alarms', 'Alarm events of electrical-fire monitors in the cell over the 7 days before the day.'),
  f('devices_known', 'facility', 'facility_status', 'devices', 'Devices in the cell that reported any status before the day.'),
  f('monitors_in_alarm', 'facility', 'facility_status', 'devices', 'Electrical fire monitors in the cell in alarm state (leakage current or overheating) at the start of the day: status as of each monitor\'s last event before the day.'),
  f('nb_monitors_in_alarm', 'facility', 'facility_status', 'devices', 'Electrical fire monitors in alarm state at the start of the day in the queen neighbours of the cell.'),
  f('poi_high_rise', 'static', 'pois', 'count', 'High-rise buildings in the cell.'),
  f('poi_key_unit', 'static', 'pois', 'count', 'Key fire-safety units (消防安全重点单位) in the cell.'),
  f('poi_high_risk_unit', 'static', 'pois', 'count', 'High-risk units in the cell.'),
  f('poi_hazardous_chemicals', 'static', 'pois', 'count', 'Hazardous-chemicals units in the cell.'),
  f('poi_old_residential', 'static', 'pois', 'count', 'Old residential blocks in the cell.'),
  f('poi_crowded_places', 'static', 'pois', 'count', 'Markets, schools, elder-care homes and hospitals in the cell.'),
  f('poi_industrial', 'static', 'pois', 'count', 'Factories and warehouses in the cell.'),
  f('poi_other', 'static', 'pois', 'count', 'Heritage sites and other POIs in the cell.'),
  f(
    'builtup_share',
    'static',
    'pois, grid',
    '0..1',
    'Built-up share proxy: inside_share × min(1, POIs in the cell / the 90th percentile of POIs per cell among cells with any POI). 0 without POIs (flag_pois_missing when the table is absent).',
  ),
  f('inside_share', 'static', 'grid', '0..1', 'Share of the cell area inside the district boundary.'),
  f(
    'station_distance_km',
    'static',
    'stations',
    'km',
    `Great-circle distance from the cell centroid to the nearest fire station in service that day (opened_on <= day < closed_on). ${STATION_DISTANCE_CAP_KM} km when no station is in service or the table is absent (flag_station_missing).`,
  ),
  f('event_attendance', 'events', 'events', 'people', 'Expected attendance of major events active that day in the cell (events are a published schedule, known before the day).'),
  f('nb_event_attendance', 'events', 'events', 'people', 'Expected attendance of major events active that day in the queen neighbours of the cell.'),
];

export interface FlagDescription {
  name: string;
  description: string;
}

export const FLAGS: FlagDescription[] = [
  { name: 'flag_weather_imputed', description: 'No weather row for the day: the previous available day is carried forward (the first available day before the first row).' },
  { name: 'flag_weather_forecast', description: 'The weather of the day comes from a forecast row (no observation for the day).' },
  { name: 'flag_crowd_imputed', description: 'No crowd-flow value for the cell\'s zone on the previous day (feed absent or outage): crowd features imputed.' },
  { name: 'flag_facility_missing', description: 'The facility_status table is absent: facility features are 0.' },
  { name: 'flag_station_missing', description: `No fire station in service that day (or no stations table): station_distance_km = ${STATION_DISTANCE_CAP_KM}.` },
  { name: 'flag_pois_missing', description: 'The pois table is absent: POI counts and built-up share are 0.' },
  { name: 'flag_events_missing', description: 'The events table is absent: event attendance is 0.' },
];

export const FEATURE_NAMES = FEATURES.map((x) => x.name);
export const FLAG_NAMES = FLAGS.map((x) => x.name);
