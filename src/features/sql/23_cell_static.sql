-- Layer 2: static cell attributes. Grain: one row per cell. Key: cell_index.
-- POI counts by kind; built-up share = inside_share * min(1, POIs in the cell / the 90th percentile of
-- POIs per cell over cells with at least one POI): land inside the district times a POI-density
-- saturation (0 without POIs). n_neighbours: queen neighbours inside the grid.
CREATE OR REPLACE TABLE cell_static AS
WITH counts AS (
  SELECT cell_index,
    count(*) AS poi_total,
    count(*) FILTER (WHERE kind = 'high_rise') AS poi_high_rise,
    count(*) FILTER (WHERE kind = 'key_unit') AS poi_key_unit,
    count(*) FILTER (WHERE kind = 'high_risk_unit') AS poi_high_risk_unit,
    count(*) FILTER (WHERE kind = 'hazardous_chemicals') AS poi_hazardous_chemicals,
    count(*) FILTER (WHERE kind = 'old_residential') AS poi_old_residential,
    count(*) FILTER (WHERE kind IN ('market', 'school', 'elder_care', 'hospital')) AS poi_crowded_places,
    count(*) FILTER (WHERE kind IN ('factory', 'warehouse')) AS poi_industrial,
    count(*) FILTER (WHERE kind IN ('heritage', 'other')) AS poi_other
  FROM stg_pois GROUP BY cell_index
),
p90 AS (SELECT coalesce(quantile_cont(poi_total, 0.9), 1) AS q FROM counts),
nb AS (SELECT cell_index, count(*) AS n_neighbours FROM stg_neighbours GROUP BY cell_index)
SELECT c.cell_index, c.cell_id, c.inside_share,
  coalesce(k.poi_high_rise, 0) AS poi_high_rise,
  coalesce(k.poi_key_unit, 0) AS poi_key_unit,
  coalesce(k.poi_high_risk_unit, 0) AS poi_high_risk_unit,
  coalesce(k.poi_hazardous_chemicals, 0) AS poi_hazardous_chemicals,
  coalesce(k.poi_old_residential, 0) AS poi_old_residential,
  coalesce(k.poi_crowded_places, 0) AS poi_crowded_places,
  coalesce(k.poi_industrial, 0) AS poi_industrial,
  coalesce(k.poi_other, 0) AS poi_other,
  c.inside_share * least(1.0, coalesce(k.poi_total, 0) / greatest(p90.q, 1)) AS builtup_share,
  coalesce(nb.n_neighbours, 0) AS n_neighbours
FROM stg_cells c
CROSS JOIN p90
LEFT JOIN counts k USING (cell_index)
LEFT JOIN nb USING (cell_index);
