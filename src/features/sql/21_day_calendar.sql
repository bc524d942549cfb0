-- Layer 2: day aggregates. Grain: one row per day from {{day_from}} to {{day_to}}. Key: day.
-- Calendar terms of day d (known in advance, so no leakage): weekday and seasonal harmonics, the
-- holiday table's flags, the Spring Festival period and the cold season (all from stg_calendar).
-- The cold season is December–February (June–August south of the equator): in Chongqing, which has
-- no central heating, the months when electric heaters and open fires are in use.
-- trend_years counts years from a fixed day, not from the data's first day, so that adding older data
-- changes no value already computed.
CREATE OR REPLACE TABLE day_calendar AS
SELECT
  c.day,
  dayofweek(DATE '1970-01-01' + c.day) AS weekday_sun0,
  sin(2 * pi() * dayofweek(DATE '1970-01-01' + c.day) / 7) AS dow_sin,
  cos(2 * pi() * dayofweek(DATE '1970-01-01' + c.day) / 7) AS dow_cos,
  CASE WHEN dayofweek(DATE '1970-01-01' + c.day) IN (0, 6) THEN 1 ELSE 0 END AS is_weekend,
  sin(2 * pi() * (dayofyear(DATE '1970-01-01' + c.day) - 1) / 365.25) AS doy_sin,
  cos(2 * pi() * (dayofyear(DATE '1970-01-01' + c.day) - 1) / 365.25) AS doy_cos,
  sin(4 * pi() * (dayofyear(DATE '1970-01-01' + c.day) - 1) / 365.25) AS doy_sin2,
  cos(4 * pi() * (dayofyear(DATE '1970-01-01' + c.day) - 1) / 365.25) AS doy_cos2,
  c.is_public_holiday::INTEGER AS is_public_holiday,
  c.is_adjusted_workday::INTEGER AS is_adjusted_workday,
  c.is_spring_festival::INTEGER AS is_spring_festival,
  c.is_cold_season::INTEGER AS is_cold_season,
  (c.day - (DATE '2000-01-01' - DATE '1970-01-01')) / 365.25 AS trend_years
FROM stg_calendar c
WHERE c.day BETWEEN {{day_from}} AND {{day_to}};
