-- Layer 2: day aggregates. Grain: one row per day from {{day_from}} to {{day_to}}. Key: day.
-- Weather of the day d (allowed for day d: a forecast at scoring time). A day without any weather
-- row takes the previous available day's values (carried forward); days before the first weather
-- row take the first row's values; both are flagged weather_imputed.
-- Consecutive dry days: days with precip_mm < 1 mm ending at d (ETCCDI dry-day threshold); 0 on a wet day;
-- before the first wet day it counts from {{day_from}} (a lower bound).
-- Nesterov ignition index (Nesterov 1949; see the feature manifest): sum over the days since the last
-- day with precip_mm > 3 mm of T * (T - Td) for T > 0, where T = temp_max_c (stand-in for the 13:00
-- temperature) and Td the dew point from T and rel_humidity_pct (Magnus formula, a=17.625, b=243.04 °C).
CREATE OR REPLACE TABLE day_weather AS
WITH days AS (
  SELECT range::INTEGER AS day FROM range({{day_from}}, {{day_to}} + 1)
),
joined AS (
  SELECT d.day, w.temp_max_c, w.temp_min_c, w.rel_humidity_pct, w.wind_speed_ms, w.precip_mm, w.is_forecast,
         w.day IS NULL AS imputed
  FROM days d LEFT JOIN stg_weather_day w USING (day)
),
filled AS (
  SELECT
    day, imputed,
    coalesce(is_forecast, false) AS is_forecast,
    coalesce(last_value(temp_max_c IGNORE NULLS) OVER past, first_value(temp_max_c IGNORE NULLS) OVER future) AS temp_max_c,
    coalesce(last_value(temp_min_c IGNORE NULLS) OVER past, first_value(temp_min_c IGNORE NULLS) OVER future) AS temp_min_c,
    coalesce(last_value(rel_humidity_pct IGNORE NULLS) OVER past, first_value(rel_humidity_pct IGNORE NULLS) OVER future) AS rel_humidity_pct,
    coalesce(last_value(wind_speed_ms IGNORE NULLS) OVER past, first_value(wind_speed_ms IGNORE NULLS) OVER future) AS wind_speed_ms,
    coalesce(last_value(precip_mm IGNORE NULLS) OVER past, first_value(precip_mm IGNORE NULLS) OVER future) AS precip_mm
  FROM joined
  WINDOW past AS (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
         future AS (ORDER BY day ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
),
dew AS (
  SELECT *,
    ln(greatest(rel_humidity_pct, 1) / 100) + 17.625 * temp_max_c / (243.04 + temp_max_c) AS gamma,
    sum(CASE WHEN precip_mm >= 1 THEN 1 ELSE 0 END) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS wet_group,
    sum(CASE WHEN precip_mm > 3 THEN 1 ELSE 0 END) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS rain_group
  FROM filled
),
terms AS (
  SELECT *,
    243.04 * gamma / (17.625 - gamma) AS dew_point_c,
    CASE WHEN precip_mm > 3 OR temp_max_c <= 0 THEN 0
         ELSE temp_max_c * greatest(temp_max_c - 243.04 * gamma / (17.625 - gamma), 0) END AS nesterov_term
  FROM dew
)
SELECT
  day, imputed AS weather_imputed, is_forecast AS weather_forecast,
  temp_max_c, temp_min_c, rel_humidity_pct, wind_speed_ms, precip_mm,
  sum(precip_mm) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS precip_7d_mm,
  CASE WHEN precip_mm >= 1 THEN 0
       ELSE row_number() OVER (PARTITION BY wet_group ORDER BY day) - (CASE WHEN wet_group > 0 THEN 1 ELSE 0 END) END AS dry_days,
  sum(nesterov_term) OVER (PARTITION BY rain_group ORDER BY day ROWS UNBOUNDED PRECEDING) AS nesterov_index
FROM terms;
