-- Layer 1: staging, one cleaned relation per source.
-- The raw staging tables stg_* are loaded from TypeScript (src/features/stage.ts), where renaming,
-- casting, local-day conversion (config.timezone) and cell assignment (grid locator) were done:
--   stg_cells       one row per grid cell            key cell_index
--   stg_neighbours  one row per (cell, queen neighbour)  key (cell_index, neighbour_index)
--   stg_incidents   one row per incident inside the grid (cell_index, day, is_fire)
--   stg_weather     one row per weather row (day, station?, is_forecast)
--   stg_zones       one row per crowd-flow zone (or point) key zone_key
--   stg_crowd       one row per crowd-flow row (zone_key, day[, hour])
--   stg_facility    one row per facility status event inside the grid
--   stg_stations    one row per fire station
--   stg_pois        one row per POI inside the grid
--   stg_events      one row per major event inside the grid
--   stg_calendar    one row per day (holiday table, Spring Festival period)
-- Days are integers: days since 1970-01-01 of the local calendar day.

-- Grain: one row per day that has weather rows. Key: day.
-- Observations are averaged over stations; forecasts only count on days without any observation.
CREATE OR REPLACE TABLE stg_weather_day AS
WITH ranked AS (
  SELECT *, bool_and(is_forecast) OVER (PARTITION BY day) AS only_forecast FROM stg_weather
)
SELECT
  day,
  avg(temp_max_c) AS temp_max_c,
  avg(temp_min_c) AS temp_min_c,
  avg(rel_humidity_pct) AS rel_humidity_pct,
  avg(wind_speed_ms) AS wind_speed_ms,
  avg(precip_mm) AS precip_mm,
  bool_and(is_forecast) AS is_forecast
FROM ranked
WHERE is_forecast = only_forecast
GROUP BY day;

-- Grain: one row per (zone, day) with crowd-flow rows. Key: (zone_key, day).
-- Hourly rows become the mean population present over the hours reported that day.
CREATE OR REPLACE TABLE stg_crowd_day AS
SELECT zone_key, day, avg(population) AS population
FROM stg_crowd
GROUP BY zone_key, day;

-- Grain: one row per (device, day) with status events. Key: (device_key, day).
-- The last event of a day is the status the device keeps from the next day on.
CREATE OR REPLACE TABLE stg_device_day AS
SELECT
  device_key,
  day,
  any_value(cell_index) AS cell_index,
  any_value(device_type) AS device_type,
  arg_max(status, at_s) AS last_status,
  count(*) FILTER (WHERE device_type = 'electrical_fire_monitor' AND status = 'alarm') AS electrical_alarms
FROM stg_facility
GROUP BY device_key, day;
