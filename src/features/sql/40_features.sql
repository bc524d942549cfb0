-- Layer 4: the feature table for one chunk of days and one group of cells.
-- Grain: one row per (cell, day) for cells {{cell_from}} .. {{cell_to}} and days {{chunk_from}} .. {{chunk_to}}.
-- Key: (cell_index, day).
-- No leakage: history, crowd and facility features of day d use only records of days before d
-- (windows end at 1 PRECEDING; facility steps take effect the day after the event; crowd flow is
-- the previous day's); weather, calendar, stations in service and scheduled major events are those
-- of day d. The dense spine starts {{history_buffer_days}} days before the chunk
-- ({{spine_from}}), enough for the longest window; running totals from before the spine come from
-- the sparse table (cell_base).
CREATE OR REPLACE TABLE chunk_features AS
WITH cell_base AS (
  SELECT cell_index,
    sum(fires) AS fires_before, sum(nb_fires) AS nb_fires_before,
    sum(bad_delta) AS bad_before, sum(hydrant_bad_delta) AS hydrant_bad_before, sum(device_delta) AS devices_before
  FROM cell_day_sparse WHERE day < {{spine_from}} AND cell_index BETWEEN {{cell_from}} AND {{cell_to}}
  GROUP BY cell_index
),
daily AS (
  SELECT c.cell_index, d.range::INTEGER AS day,
    coalesce(x.fires, 0) AS fires, coalesce(x.alarms, 0) AS alarms,
    coalesce(x.nb_fires, 0) AS nb_fires, coalesce(x.nb_alarms, 0) AS nb_alarms,
    coalesce(x.bad_delta, 0) AS bad_delta, coalesce(x.hydrant_bad_delta, 0) AS hydrant_bad_delta,
    coalesce(x.device_delta, 0) AS device_delta, coalesce(x.electrical_alarms, 0) AS electrical_alarms,
    coalesce(x.event_attendance, 0) AS event_attendance, coalesce(x.nb_event_attendance, 0) AS nb_event_attendance
  FROM stg_cells c
  CROSS JOIN range({{spine_from}}, {{chunk_to}} + 1) d
  LEFT JOIN cell_day_sparse x ON x.cell_index = c.cell_index AND x.day = d.range
  WHERE c.cell_index BETWEEN {{cell_from}} AND {{cell_to}}
),
windowed AS (
  SELECT cell_index, day, fires AS y_fires, alarms AS y_alarms, event_attendance, nb_event_attendance,
    coalesce(sum(fires) OVER w1, 0) AS fires_1d,
    coalesce(sum(fires) OVER w7, 0) AS fires_7d,
    coalesce(sum(fires) OVER w30, 0) AS fires_30d,
    coalesce(sum(fires) OVER w90, 0) AS fires_90d,
    coalesce(sum(fires) OVER w365, 0) AS fires_365d,
    coalesce(sum(alarms) OVER w1, 0) AS alarms_1d,
    coalesce(sum(alarms) OVER w7, 0) AS alarms_7d,
    coalesce(sum(alarms) OVER w30, 0) AS alarms_30d,
    coalesce(sum(alarms) OVER w90, 0) AS alarms_90d,
    coalesce(sum(alarms) OVER w365, 0) AS alarms_365d,
    coalesce(sum(nb_fires) OVER w7, 0) AS nb_fires_7d,
    coalesce(sum(nb_fires) OVER w30, 0) AS nb_fires_30d,
    coalesce(sum(nb_fires) OVER w365, 0) AS nb_fires_365d,
    coalesce(sum(nb_alarms) OVER w30, 0) AS nb_alarms_30d,
    coalesce(sum(nb_alarms) OVER w365, 0) AS nb_alarms_365d,
    max(CASE WHEN fires > 0 THEN day END) OVER w365 AS last_fire_day,
    coalesce(sum(fires) OVER wpast, 0) AS fires_in_spine,
    coalesce(sum(nb_fires) OVER wpast, 0) AS nb_fires_in_spine,
    sum(bad_delta) OVER wnow AS bad_in_spine,
    sum(hydrant_bad_delta) OVER wnow AS hydrant_bad_in_spine,
    sum(device_delta) OVER wnow AS devices_in_spine,
    coalesce(sum(electrical_alarms) OVER w7, 0) AS electrical_alarms_7d
  FROM daily
  WINDOW w AS (PARTITION BY cell_index ORDER BY day),
    w1 AS (w ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING),
    w7 AS (w ROWS BETWEEN 7 PRECEDING AND 1 PRECEDING),
    w30 AS (w ROWS BETWEEN 30 PRECEDING AND 1 PRECEDING),
    w90 AS (w ROWS BETWEEN 90 PRECEDING AND 1 PRECEDING),
    w365 AS (w ROWS BETWEEN 365 PRECEDING AND 1 PRECEDING),
    wpast AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
    wnow AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
history AS (
  SELECT wd.*,
    coalesce(b.fires_before, 0) + wd.fires_in_spine AS fires_before_day,
    coalesce(b.nb_fires_before, 0) + wd.nb_fires_in_spine AS nb_fires_before_day,
    coalesce(b.bad_before, 0) + wd.bad_in_spine AS devices_bad,
    coalesce(b.hydrant_bad_before, 0) + wd.hydrant_bad_in_spine AS hydrants_out,
    coalesce(b.devices_before, 0) + wd.devices_in_spine AS devices_known
  FROM windowed wd LEFT JOIN cell_base b USING (cell_index)
  WHERE wd.day BETWEEN {{chunk_from}} AND {{chunk_to}}
)
-- The long-run rates use the day's empirical-Bayes prior (25_day_eb_prior.sql).
SELECT
  h.cell_index, s.cell_id, h.day,
  CASE WHEN h.day <= {{label_until}} THEN h.y_fires END AS y_fires,
  CASE WHEN h.day <= {{label_until}} THEN h.y_alarms END AS y_alarms,
  -- history
  h.fires_1d, h.fires_7d, h.fires_30d, h.fires_90d, h.fires_365d,
  h.alarms_1d, h.alarms_7d, h.alarms_30d, h.alarms_90d, h.alarms_365d,
  coalesce(h.day - h.last_fire_day, 365) AS days_since_fire,
  365.25 * CASE WHEN p.beta IS NULL THEN p.m ELSE (p.m * p.beta + h.fires_before_day) / (p.beta + p.exposure_days) END AS fire_rate_eb,
  h.nb_fires_7d, h.nb_fires_30d, h.nb_fires_365d, h.nb_alarms_30d, h.nb_alarms_365d,
  365.25 * CASE WHEN p.beta IS NULL OR s.n_neighbours = 0 THEN p.m
                ELSE (p.m * p.beta + h.nb_fires_before_day / s.n_neighbours) / (p.beta + p.exposure_days) END AS nb_fire_rate_eb,
  -- weather
  w.temp_max_c, w.temp_min_c, w.rel_humidity_pct, w.wind_speed_ms, w.precip_mm, w.precip_7d_mm, w.dry_days, w.nesterov_index,
  -- calendar
  k.dow_sin, k.dow_cos, k.is_weekend, k.doy_sin, k.doy_cos, k.doy_sin2, k.doy_cos2,
  k.is_public_holiday, k.is_adjusted_workday, k.is_spring_festival, k.is_cold_season,
  -- crowd
  coalesce(cz.zone_weight * z.population_prev, 0) AS crowd_population,
  coalesce(z.population_anomaly, 0) AS crowd_anomaly,
  -- facility
  h.devices_bad, h.hydrants_out, h.electrical_alarms_7d, h.devices_known,
  -- static
  s.poi_high_rise, s.poi_key_unit, s.poi_high_risk_unit, s.poi_hazardous_chemicals, s.poi_old_residential,
  s.poi_crowded_places, s.poi_industrial, s.poi_other, s.builtup_share, s.inside_share,
  coalesce(st.station_distance_km, {{station_distance_cap_km}}) AS station_distance_km,
  -- events
  h.event_attendance, h.nb_event_attendance,
  -- flags
  w.weather_imputed AS flag_weather_imputed,
  w.weather_forecast AS flag_weather_forecast,
  coalesce(z.imputed_prev, true) AS flag_crowd_imputed,
  {{facility_missing}} AS flag_facility_missing,
  st.station_distance_km IS NULL AS flag_station_missing,
  {{pois_missing}} AS flag_pois_missing,
  {{events_missing}} AS flag_events_missing
FROM history h
JOIN cell_static s USING (cell_index)
JOIN day_eb_prior p USING (day)
JOIN day_weather w USING (day)
JOIN day_calendar k USING (day)
LEFT JOIN cell_zone cz USING (cell_index)
LEFT JOIN zone_day z ON z.zone_key = cz.zone_key AND z.day = h.day
JOIN day_epoch de USING (day)
LEFT JOIN cell_epoch_station st ON st.cell_index = h.cell_index AND st.epoch_start = de.epoch_start;
