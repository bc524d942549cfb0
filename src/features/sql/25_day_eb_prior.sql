-- Layer 2: day aggregates. Grain: one row per day from {{day_from}} to {{day_to}}. Key: day.
-- The empirical-Bayes priors of the long-run rates for day d (Clayton & Kaldor 1987, method of
-- moments), one for fires, one for outdoor fires (property type outdoor: vegetation, open land) and
-- one for the other incidents (rescue, assistance, other alarms).
-- With n_c = incidents of cell c before d, exposure T = d - history start ({{history_start}}),
-- n_c ~ Poisson(lambda_c T) and lambda_c ~ Gamma(alpha, beta) across the N cells:
--   m = mean(n)/T, v = (var(n) - mean(n))/T^2, beta = m/v, alpha = m*beta (beta NULL when v <= 0:
--   no overdispersion, every cell gets m). The cell's rate is (alpha + n_c)/(beta + T).
-- mean(n) and var(n) come from running sums over the sparse incidents: a cell going from k to k + f
-- adds f to sum(n) and (k + f)^2 - k^2 to sum(n^2), from the next day on.
CREATE OR REPLACE TABLE day_eb_prior AS
WITH cell_days AS (
  SELECT cell_index, day, count(*) FILTER (WHERE is_fire) AS fires, count(*) FILTER (WHERE is_outdoor_fire) AS outdoor,
    count(*) FILTER (WHERE NOT is_fire) AS others
  FROM stg_incidents GROUP BY cell_index, day
),
steps AS (
  SELECT day + 1 AS day, fires, outdoor, others,
    coalesce(sum(fires) OVER w, 0) AS kf,
    coalesce(sum(outdoor) OVER w, 0) AS ku,
    coalesce(sum(others) OVER w, 0) AS ko
  FROM cell_days
  WINDOW w AS (PARTITION BY cell_index ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
daily AS (
  SELECT day, sum(f1) AS f1, sum(f2) AS f2, sum(u1) AS u1, sum(u2) AS u2, sum(o1) AS o1, sum(o2) AS o2 FROM (
    SELECT day, fires AS f1, (kf + fires) * (kf + fires) - kf * kf AS f2, outdoor AS u1, (ku + outdoor) * (ku + outdoor) - ku * ku AS u2,
      others AS o1, (ko + others) * (ko + others) - ko * ko AS o2 FROM steps
    UNION ALL
    SELECT range::INTEGER, 0, 0, 0, 0, 0, 0 FROM range({{day_from}}, {{day_to}} + 1)
  ) GROUP BY day
),
running AS (
  SELECT day,
    (sum(f1) OVER w)::DOUBLE AS f1, (sum(f2) OVER w)::DOUBLE AS f2,
    (sum(u1) OVER w)::DOUBLE AS u1, (sum(u2) OVER w)::DOUBLE AS u2,
    (sum(o1) OVER w)::DOUBLE AS o1, (sum(o2) OVER w)::DOUBLE AS o2
  FROM daily
  WINDOW w AS (ORDER BY day ROWS UNBOUNDED PRECEDING)
),
moments AS (
  SELECT r.day,
    greatest(r.day - {{history_start}}, 1) AS exposure_days,
    r.f1 / n.cells AS mean_f, r.f2 / n.cells - pow(r.f1 / n.cells, 2) AS var_f,
    r.u1 / n.cells AS mean_u, r.u2 / n.cells - pow(r.u1 / n.cells, 2) AS var_u,
    r.o1 / n.cells AS mean_o, r.o2 / n.cells - pow(r.o1 / n.cells, 2) AS var_o
  FROM running r CROSS JOIN (SELECT count(*) AS cells FROM stg_cells) n
  WHERE r.day BETWEEN {{day_from}} AND {{day_to}}
)
SELECT day, exposure_days,
  mean_f / exposure_days AS m,
  CASE WHEN var_f - mean_f > 1e-12 AND mean_f > 0
       THEN (mean_f / exposure_days) / ((var_f - mean_f) / pow(exposure_days, 2)) END AS beta,
  mean_u / exposure_days AS m_outdoor,
  CASE WHEN var_u - mean_u > 1e-12 AND mean_u > 0
       THEN (mean_u / exposure_days) / ((var_u - mean_u) / pow(exposure_days, 2)) END AS beta_outdoor,
  mean_o / exposure_days AS m_other,
  CASE WHEN var_o - mean_o > 1e-12 AND mean_o > 0
       THEN (mean_o / exposure_days) / ((var_o - mean_o) / pow(exposure_days, 2)) END AS beta_other
FROM moments;

-- A cell's long-run rate per year from a day's prior (m, beta, exposure) and its count n before the day:
-- the posterior mean (alpha + n)/(beta + T) with alpha = m*beta; the prior mean m when the counts are
-- not overdispersed (beta NULL) or the count is unknown (n NULL, e.g. a cell without neighbours).
CREATE OR REPLACE MACRO eb_rate_per_year(m, beta, exposure_days, n) AS
  365.25 * CASE WHEN beta IS NULL OR n IS NULL THEN m ELSE (m * beta + n) / (beta + exposure_days) END;
