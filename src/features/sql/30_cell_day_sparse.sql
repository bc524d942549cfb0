-- Layer 3: cell-day aggregates, sparse. Grain: one row per (cell, day) with at least one record.
-- Key: (cell_index, day). Every column is a daily amount; the feature layer turns them into windows
-- and running totals over a dense spine.
--   fires, alarms              incidents of the cell that day (fire category / any category)
--   outdoor_fires              fires of property type outdoor (vegetation, open land) that day
--   nb_fires, nb_alarms        incidents of the cell's queen neighbours that day
--   nb_outdoor_fires           outdoor fires of the queen neighbours that day
--   bad_delta                  change in the number of devices in fault/offline/disabled state on
--                              the day of the status event (the feature layer reads the running
--                              total through d-1: the status as of the last event before d 00:00)
--   hydrant_bad_delta          the same for hydrants
--   device_delta               devices seen for the first time that day
--   electrical_alarms          electrical_fire_monitor events with status alarm, on their own day
--   monitor_alarm_delta        change in the number of electrical fire monitors in alarm state (as
--                              bad_delta: read through d-1 it is the state at the start of day d)
--   nb_monitor_alarm_delta     the same for the monitors of the queen neighbours
--   event_attendance           expected attendance of major events active that day in the cell
--   nb_event_attendance        the same for events in the queen neighbours
-- Major events are a published schedule, known before the day like the weather forecast; they
-- are the one cell-level input read for day d itself (see the manifest).
CREATE OR REPLACE TABLE cell_day_sparse AS
WITH incident_day AS (
  SELECT cell_index, day, count(*) FILTER (WHERE is_fire) AS fires, count(*) AS alarms, count(*) FILTER (WHERE is_outdoor_fire) AS outdoor_fires
  FROM stg_incidents GROUP BY cell_index, day
),
device_steps AS (
  SELECT cell_index, day, device_type,
    (last_status IN ('fault', 'offline', 'disabled'))::INTEGER AS bad,
    coalesce(lag((last_status IN ('fault', 'offline', 'disabled'))::INTEGER) OVER (PARTITION BY device_key ORDER BY day), 0) AS bad_before,
    (device_type = 'electrical_fire_monitor' AND last_status = 'alarm')::INTEGER AS in_alarm,
    coalesce(lag((device_type = 'electrical_fire_monitor' AND last_status = 'alarm')::INTEGER) OVER (PARTITION BY device_key ORDER BY day), 0) AS in_alarm_before,
    row_number() OVER (PARTITION BY device_key ORDER BY day) = 1 AS first_seen
  FROM stg_device_day
),
event_day AS (
  SELECT cell_index, unnest(range(start_day, greatest(start_day, end_day) + 1))::INTEGER AS day, attendance
  FROM stg_events
),
series AS (
  SELECT cell_index, day, fires, alarms, 0 AS nb_fires, 0 AS nb_alarms, 0 AS bad_delta, 0 AS hydrant_bad_delta, 0 AS device_delta, 0 AS electrical_alarms,
    0 AS monitor_alarm_delta, 0 AS nb_monitor_alarm_delta, 0.0 AS event_attendance, 0.0 AS nb_event_attendance,
    outdoor_fires, 0 AS nb_outdoor_fires
  FROM incident_day
  UNION ALL
  SELECT n.neighbour_index, i.day, 0, 0, i.fires, i.alarms, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0, i.outdoor_fires
  FROM incident_day i JOIN stg_neighbours n ON n.cell_index = i.cell_index
  UNION ALL
  SELECT cell_index, day, 0, 0, 0, 0, bad - bad_before, CASE WHEN device_type = 'hydrant' THEN bad - bad_before ELSE 0 END, first_seen::INTEGER, 0,
    in_alarm - in_alarm_before, 0, 0.0, 0.0, 0, 0
  FROM device_steps
  UNION ALL
  SELECT n.neighbour_index, d.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, d.in_alarm - d.in_alarm_before, 0.0, 0.0, 0, 0
  FROM device_steps d JOIN stg_neighbours n ON n.cell_index = d.cell_index
  WHERE d.in_alarm <> d.in_alarm_before
  UNION ALL
  SELECT cell_index, day, 0, 0, 0, 0, 0, 0, 0, electrical_alarms, 0, 0, 0.0, 0.0, 0, 0
  FROM stg_device_day WHERE electrical_alarms > 0
  UNION ALL
  SELECT cell_index, day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, attendance, 0.0, 0, 0
  FROM event_day
  UNION ALL
  SELECT n.neighbour_index, e.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, e.attendance, 0, 0
  FROM event_day e JOIN stg_neighbours n ON n.cell_index = e.cell_index
)
SELECT cell_index, day,
  sum(fires)::INTEGER AS fires, sum(alarms)::INTEGER AS alarms,
  sum(nb_fires)::INTEGER AS nb_fires, sum(nb_alarms)::INTEGER AS nb_alarms,
  sum(bad_delta)::INTEGER AS bad_delta, sum(hydrant_bad_delta)::INTEGER AS hydrant_bad_delta,
  sum(device_delta)::INTEGER AS device_delta, sum(electrical_alarms)::INTEGER AS electrical_alarms,
  sum(monitor_alarm_delta)::INTEGER AS monitor_alarm_delta, sum(nb_monitor_alarm_delta)::INTEGER AS nb_monitor_alarm_delta,
  sum(event_attendance)::DOUBLE AS event_attendance, sum(nb_event_attendance)::DOUBLE AS nb_event_attendance,
  sum(outdoor_fires)::INTEGER AS outdoor_fires, sum(nb_outdoor_fires)::INTEGER AS nb_outdoor_fires
FROM series
GROUP BY cell_index, day;

-- Layer 3: running totals. Grain: one row per (cell, day) with at least one record. Key: (cell_index, day).
-- c_* = the sum of the daily amount over all days up to and including the day (whole history);
-- last_fire_day = the last day up to and including the day with a fire. The feature layer reads
-- the row in force on any day with an ASOF join, so a dense table is never windowed per cell.
CREATE OR REPLACE TABLE cell_day_running AS
SELECT cell_index, day,
  sum(fires) OVER w AS c_fires, sum(alarms) OVER w AS c_alarms,
  sum(nb_fires) OVER w AS c_nb_fires, sum(nb_alarms) OVER w AS c_nb_alarms,
  sum(bad_delta) OVER w AS c_bad, sum(hydrant_bad_delta) OVER w AS c_hydrant_bad,
  sum(device_delta) OVER w AS c_devices, sum(electrical_alarms) OVER w AS c_electrical_alarms,
  sum(monitor_alarm_delta) OVER w AS c_monitors_alarm, sum(nb_monitor_alarm_delta) OVER w AS c_nb_monitors_alarm,
  sum(event_attendance) OVER w AS c_event_attendance, sum(nb_event_attendance) OVER w AS c_nb_event_attendance,
  sum(outdoor_fires) OVER w AS c_outdoor_fires, sum(nb_outdoor_fires) OVER w AS c_nb_outdoor_fires,
  max(CASE WHEN fires > 0 THEN day END) OVER w AS last_fire_day
FROM cell_day_sparse
WINDOW w AS (PARTITION BY cell_index ORDER BY day ROWS UNBOUNDED PRECEDING);
