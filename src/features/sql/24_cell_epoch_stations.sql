-- Layer 2: fire stations in service.
-- A station is in service on day d when (opened_day is empty or opened_day <= d) and (closed_day is
-- empty or d < closed_day). The set of stations in service changes only on opening/closing days:
-- station_epoch — grain: one row per epoch (a run of days with the same stations). Key: epoch_start.
-- cell_epoch_station — grain: one row per (cell, epoch). Key: (cell_index, epoch_start).
--   station_distance_km: great-circle distance from the cell centroid to the nearest station in
--   service (NULL when none; imputed downstream).
-- day_epoch — grain: one row per day from {{day_from}} to {{day_to}}. Key: day.
CREATE OR REPLACE TABLE station_epoch AS
SELECT DISTINCT b AS epoch_start FROM (
  SELECT -1000000 AS b
  UNION ALL SELECT opened_day FROM stg_stations WHERE opened_day IS NOT NULL
  UNION ALL SELECT closed_day FROM stg_stations WHERE closed_day IS NOT NULL
);

CREATE OR REPLACE TABLE cell_epoch_station AS
SELECT c.cell_index, e.epoch_start,
  min(2 * 6371.0088 * asin(sqrt(
    pow(sin(radians(s.lat - c.lat) / 2), 2) + cos(radians(c.lat)) * cos(radians(s.lat)) * pow(sin(radians(s.lon - c.lon) / 2), 2)))) AS station_distance_km
FROM stg_cells c
CROSS JOIN station_epoch e
LEFT JOIN stg_stations s
  ON (s.opened_day IS NULL OR s.opened_day <= e.epoch_start) AND (s.closed_day IS NULL OR e.epoch_start < s.closed_day)
GROUP BY c.cell_index, e.epoch_start;

CREATE OR REPLACE TABLE day_epoch AS
SELECT d.range::INTEGER AS day, max(e.epoch_start) AS epoch_start
FROM range({{day_from}}, {{day_to}} + 1) d
JOIN station_epoch e ON e.epoch_start <= d.range
GROUP BY d.range;
