-- Layer 2: day aggregates. Grain: one row per day from {{day_from}} to {{day_to}}. Key: day.
-- The empirical-Bayes prior of the long-run fire rate for day d (Clayton & Kaldor 1987, method of
-- moments). With n_c = fires of cell c before d, exposure T = d - history start ({{history_start}}),
-- n_c ~ Poisson(lambda_c T) and lambda_c ~ Gamma(alpha, beta) across the N cells:
--   m = mean(n)/T, v = (var(n) - mean(n))/T^2, beta = m/v, alpha = m*beta (beta NULL when v <= 0:
--   no overdispersion, every cell gets m). The cell's rate is (alpha + n_c)/(beta + T).
-- mean(n) and var(n) come from running sums over the sparse fires: a cell going from k to k + f fires
-- adds f to sum(n) and (k + f)^2 - k^2 to sum(n^2), from the next day on.
CREATE OR REPLACE TABLE day_eb_prior AS
WITH fire_days AS (
  SELECT cell_index, day, count(*) AS fires FROM stg_incidents WHERE is_fire GROUP BY cell_index, day
),
steps AS (
  SELECT day + 1 AS day, fires,
    coalesce(sum(fires) OVER (PARTITION BY cell_index ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS k
  FROM fire_days
),
daily AS (
  SELECT day, sum(ds1) AS ds1, sum(ds2) AS ds2 FROM (
    SELECT day, fires AS ds1, (k + fires) * (k + fires) - k * k AS ds2 FROM steps
    UNION ALL
    SELECT range::INTEGER, 0, 0 FROM range({{day_from}}, {{day_to}} + 1)
  ) GROUP BY day
),
running AS (
  SELECT day,
    sum(ds1) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING)::DOUBLE AS s1,
    sum(ds2) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING)::DOUBLE AS s2
  FROM daily
),
moments AS (
  SELECT r.day,
    greatest(r.day - {{history_start}}, 1) AS exposure_days,
    r.s1 / n.cells AS mean_n,
    r.s2 / n.cells - pow(r.s1 / n.cells, 2) AS var_n
  FROM running r CROSS JOIN (SELECT count(*) AS cells FROM stg_cells) n
  WHERE r.day BETWEEN {{day_from}} AND {{day_to}}
)
SELECT day, exposure_days,
  mean_n / exposure_days AS m,
  CASE WHEN var_n - mean_n > 1e-12 AND mean_n > 0
       THEN (mean_n / exposure_days) / ((var_n - mean_n) / pow(exposure_days, 2)) END AS beta
FROM moments;
