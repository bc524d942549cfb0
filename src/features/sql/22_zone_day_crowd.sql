-- Layer 2: crowd flow.
-- cell_zone — grain: one row per cell. Key: cell_index. Each cell takes its population from the
-- nearest crowd-flow zone centroid (great-circle distance); a zone's population is shared among its
-- cells in proportion to their inside_share (the part of the cell inside the district).
CREATE OR REPLACE TABLE cell_zone AS
WITH nearest AS (
  SELECT c.cell_index, c.inside_share,
         arg_min(z.zone_key, 2 * 6371.0088 * asin(sqrt(
           pow(sin(radians(z.lat - c.lat) / 2), 2) + cos(radians(c.lat)) * cos(radians(z.lat)) * pow(sin(radians(z.lon - c.lon) / 2), 2)))) AS zone_key
  FROM stg_cells c, stg_zones z
  GROUP BY c.cell_index, c.inside_share
)
SELECT cell_index, zone_key,
       CASE WHEN sum(inside_share) OVER (PARTITION BY zone_key) > 0
            THEN inside_share / sum(inside_share) OVER (PARTITION BY zone_key) ELSE 0 END AS zone_weight
FROM nearest;

-- zone_day — grain: one row per (zone, day) from {{day_from}} to {{day_to}}. Key: (zone_key, day).
-- Features of day d use the population of day d-1 (the last complete day before d 00:00):
--   population_prev: zone population of d-1; a missing zone-day (outage) carries the zone's last
--     reported day forward, 0 before the first report; both flagged imputed;
--   population_anomaly: population_prev / mean(zone population over d-28 .. d-1) - 1 (0 when the mean is 0).
-- A cell's population is zone_weight * the zone's, so its anomaly against its own trailing 28-day
-- mean equals the zone's.
CREATE OR REPLACE TABLE zone_day AS
WITH dense AS (
  SELECT z.zone_key, d.range::INTEGER AS day, c.population
  FROM stg_zones z
  CROSS JOIN range({{day_from}} - 1, {{day_to}} + 1) d
  LEFT JOIN stg_crowd_day c ON c.zone_key = z.zone_key AND c.day = d.range
),
filled AS (
  SELECT zone_key, day, population IS NULL AS imputed,
         coalesce(last_value(population IGNORE NULLS) OVER (PARTITION BY zone_key ORDER BY day ROWS UNBOUNDED PRECEDING), 0) AS population
  FROM dense
)
SELECT zone_key, day,
  lag(population) OVER w AS population_prev,
  coalesce(lag(imputed) OVER w, true) AS imputed_prev,
  CASE WHEN avg(population) OVER (w ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING) > 0
       THEN lag(population) OVER w / avg(population) OVER (w ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING) - 1
       ELSE 0 END AS population_anomaly
FROM filled
WINDOW w AS (PARTITION BY zone_key ORDER BY day)
QUALIFY day >= {{day_from}};
