-- Layer 4: the feature table for one chunk of days and one group of cells (a query; the
-- runner streams it into Parquet).
-- Grain: one row per (cell, day) for cells {{cell_from}} .. {{cell_to}} and days {{chunk_from}} .. {{chunk_to}}.
-- Key: (cell_index, day).
-- No leakage: history, crowd and facility features of day d use only records of days before d
-- (running totals through d-1; crowd flow of d-1); weather, calendar, stations in service and
-- scheduled major events are those of day d.
-- How: a dense spine of the cells x days from {{spine_from}} ({{history_buffer_days}} days before the
-- chunk) takes the running totals in force on each day from cell_day_running (ASOF join), and one
-- window per cell in day order reads them k days back with LAG: a count over the k days before d
-- is total(d-1) - total(d-1-k). Rows before the chunk only serve as lag sources.
WITH spine AS (
  SELECT c.cell_index, d.range::INTEGER AS day
  FROM stg_cells c
  CROSS JOIN range({{spine_from}}, {{chunk_to}} + 1) d
  WHERE c.cell_index BETWEEN {{cell_from}} AND {{cell_to}}
),
running AS (
  SELECT s.cell_index, s.day,
    coalesce(r.c_fires, 0) AS c_fires, coalesce(r.c_alarms, 0) AS c_alarms,
    coalesce(r.c_nb_fires, 0) AS c_nb_fires, coalesce(r.c_nb_alarms, 0) AS c_nb_alarms,
    coalesce(r.c_bad, 0) AS c_bad, coalesce(r.c_hydrant_bad, 0) AS c_hydrant_bad,
    coalesce(r.c_devices, 0) AS c_devices, coalesce(r.c_electrical_alarms, 0) AS c_electrical_alarms,
    coalesce(r.c_monitors_alarm, 0) AS c_monitors_alarm, coalesce(r.c_nb_monitors_alarm, 0) AS c_nb_monitors_alarm,
    coalesce(r.c_event_attendance, 0) AS c_event_attendance, coalesce(r.c_nb_event_attendance, 0) AS c_nb_event_attendance,
    coalesce(r.c_outdoor_fires, 0) AS c_outdoor_fires, coalesce(r.c_nb_outdoor_fires, 0) AS c_nb_outdoor_fires,
    r.last_fire_day
  FROM spine s
  ASOF LEFT JOIN cell_day_running r ON s.cell_index = r.cell_index AND s.day >= r.day
),
lagged AS (
  SELECT cell_index, day, c_fires, c_alarms, c_outdoor_fires, c_event_attendance, c_nb_event_attendance,
    lag(c_fires, 1) OVER w AS c_fires_l1,
    lag(c_fires, 2) OVER w AS c_fires_l2,
    lag(c_fires, 8) OVER w AS c_fires_l8,
    lag(c_fires, 31) OVER w AS c_fires_l31,
    lag(c_fires, 91) OVER w AS c_fires_l91,
    lag(c_fires, 366) OVER w AS c_fires_l366,
    lag(c_alarms, 1) OVER w AS c_alarms_l1,
    lag(c_alarms, 2) OVER w AS c_alarms_l2,
    lag(c_alarms, 8) OVER w AS c_alarms_l8,
    lag(c_alarms, 31) OVER w AS c_alarms_l31,
    lag(c_alarms, 91) OVER w AS c_alarms_l91,
    lag(c_alarms, 366) OVER w AS c_alarms_l366,
    lag(c_nb_fires, 1) OVER w AS c_nb_fires_l1,
    lag(c_nb_fires, 8) OVER w AS c_nb_fires_l8,
    lag(c_nb_fires, 31) OVER w AS c_nb_fires_l31,
    lag(c_nb_fires, 366) OVER w AS c_nb_fires_l366,
    lag(c_nb_alarms, 1) OVER w AS c_nb_alarms_l1,
    lag(c_nb_alarms, 31) OVER w AS c_nb_alarms_l31,
    lag(c_nb_alarms, 366) OVER w AS c_nb_alarms_l366,
    lag(c_event_attendance, 1) OVER w AS c_event_attendance_l1,
    lag(c_nb_event_attendance, 1) OVER w AS c_nb_event_attendance_l1,
    lag(last_fire_day, 1) OVER w AS last_fire_day_l1,
    lag(c_bad, 1) OVER w AS c_bad_l1,
    lag(c_hydrant_bad, 1) OVER w AS c_hydrant_bad_l1,
    lag(c_devices, 1) OVER w AS c_devices_l1,
    lag(c_electrical_alarms, 1) OVER w AS c_electrical_alarms_l1,
    lag(c_electrical_alarms, 8) OVER w AS c_electrical_alarms_l8,
    lag(c_monitors_alarm, 1) OVER w AS c_monitors_alarm_l1,
    lag(c_nb_monitors_alarm, 1) OVER w AS c_nb_monitors_alarm_l1,
    lag(c_outdoor_fires, 1) OVER w AS c_outdoor_fires_l1,
    lag(c_nb_outdoor_fires, 1) OVER w AS c_nb_outdoor_fires_l1
  FROM running
  WINDOW w AS (PARTITION BY cell_index ORDER BY day)
),
history AS (
  SELECT cell_index, day,
    c_fires - c_fires_l1 AS y_fires,
    c_alarms - c_alarms_l1 AS y_alarms,
    c_outdoor_fires - c_outdoor_fires_l1 AS y_outdoor_fires,
    c_event_attendance - c_event_attendance_l1 AS event_attendance,
    c_nb_event_attendance - c_nb_event_attendance_l1 AS nb_event_attendance,
    c_fires_l1 - c_fires_l2 AS fires_1d,
    c_fires_l1 - c_fires_l8 AS fires_7d,
    c_fires_l1 - c_fires_l31 AS fires_30d,
    c_fires_l1 - c_fires_l91 AS fires_90d,
    c_fires_l1 - c_fires_l366 AS fires_365d,
    c_alarms_l1 - c_alarms_l2 AS alarms_1d,
    c_alarms_l1 - c_alarms_l8 AS alarms_7d,
    c_alarms_l1 - c_alarms_l31 AS alarms_30d,
    c_alarms_l1 - c_alarms_l91 AS alarms_90d,
    c_alarms_l1 - c_alarms_l366 AS alarms_365d,
    c_nb_fires_l1 - c_nb_fires_l8 AS nb_fires_7d,
    c_nb_fires_l1 - c_nb_fires_l31 AS nb_fires_30d,
    c_nb_fires_l1 - c_nb_fires_l366 AS nb_fires_365d,
    c_nb_alarms_l1 - c_nb_alarms_l31 AS nb_alarms_30d,
    c_nb_alarms_l1 - c_nb_alarms_l366 AS nb_alarms_365d,
    last_fire_day_l1 AS last_fire_day,
    c_fires_l1 AS fires_before_day,
    c_nb_fires_l1 AS nb_fires_before_day,
    c_bad_l1 AS devices_bad,
    c_hydrant_bad_l1 AS hydrants_out,
    c_devices_l1 AS devices_known,
    c_electrical_alarms_l1 - c_electrical_alarms_l8 AS electrical_alarms_7d,
    c_monitors_alarm_l1 AS monitors_in_alarm,
    c_nb_monitors_alarm_l1 AS nb_monitors_in_alarm,
    c_alarms_l1 - c_fires_l1 AS others_before_day,
    c_nb_alarms_l1 - c_nb_fires_l1 AS nb_others_before_day,
    c_outdoor_fires_l1 AS outdoor_before_day,
    c_nb_outdoor_fires_l1 AS nb_outdoor_before_day
  FROM lagged
  WHERE day BETWEEN {{chunk_from}} AND {{chunk_to}}
)
-- The long-run rates use the day's empirical-Bayes prior and eb_rate_per_year (25_day_eb_prior.sql).
SELECT
  h.cell_index, s.cell_id, h.day,
  CASE WHEN h.day <= {{label_until}} THEN h.y_fires END AS y_fires,
  CASE WHEN h.day <= {{label_until}} THEN h.y_alarms END AS y_alarms,
  CASE WHEN h.day <= {{label_until}} THEN h.y_outdoor_fires END AS y_outdoor_fires,
  -- history
  h.fires_1d, h.fires_7d, h.fires_30d, h.fires_90d, h.fires_365d,
  h.alarms_1d, h.alarms_7d, h.alarms_30d, h.alarms_90d, h.alarms_365d,
  least(coalesce(h.day - h.last_fire_day, {{days_since_fire_cap}}), {{days_since_fire_cap}}) AS days_since_fire,
  eb_rate_per_year(p.m, p.beta, p.exposure_days, h.fires_before_day) AS fire_rate_eb,
  h.nb_fires_7d, h.nb_fires_30d, h.nb_fires_365d, h.nb_alarms_30d, h.nb_alarms_365d,
  eb_rate_per_year(p.m, p.beta, p.exposure_days, h.nb_fires_before_day / nullif(s.n_neighbours, 0)) AS nb_fire_rate_eb,
  eb_rate_per_year(p.m_other, p.beta_other, p.exposure_days, h.others_before_day) AS other_rate_eb,
  eb_rate_per_year(p.m_other, p.beta_other, p.exposure_days, h.nb_others_before_day / nullif(s.n_neighbours, 0)) AS nb_other_rate_eb,
  eb_rate_per_year(p.m_outdoor, p.beta_outdoor, p.exposure_days, h.outdoor_before_day) AS outdoor_fire_rate_eb,
  eb_rate_per_year(p.m_outdoor, p.beta_outdoor, p.exposure_days, h.nb_outdoor_before_day / nullif(s.n_neighbours, 0)) AS nb_outdoor_fire_rate_eb,
  -- weather
  w.temp_max_c, w.temp_min_c, w.rel_humidity_pct, w.wind_speed_ms, w.precip_mm, w.precip_7d_mm, w.dry_days, w.nesterov_index,
  fw.ffmc, fw.dmc, fw.dc, fw.isi, fw.bui, fw.fwi,
  -- calendar
  k.dow_sin, k.dow_cos, k.is_weekend, k.doy_sin, k.doy_cos, k.doy_sin2, k.doy_cos2,
  k.is_public_holiday, k.is_adjusted_workday, k.is_spring_festival, k.is_cold_season, k.trend_years,
  -- crowd
  coalesce(cz.zone_weight * z.population_prev, 0) AS crowd_population,
  coalesce(z.population_anomaly, 0) AS crowd_anomaly,
  -- facility
  h.devices_bad, h.hydrants_out, h.electrical_alarms_7d, h.devices_known, h.monitors_in_alarm, h.nb_monitors_in_alarm,
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
JOIN day_fwi fw USING (day)
JOIN day_calendar k USING (day)
LEFT JOIN cell_zone cz USING (cell_index)
LEFT JOIN zone_day z ON z.zone_key = cz.zone_key AND z.day = h.day
JOIN day_epoch de USING (day)
LEFT JOIN cell_epoch_station st ON st.cell_index = h.cell_index AND st.epoch_start = de.epoch_start
