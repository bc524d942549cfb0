/**
 * The evaluation report: `report.json` (everything, machine-readable), `report.md` (tables a person
 * reads) and `charts/*.svg`, each written atomically (temporary file + rename).
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.ts';
import type { BacktestResult, MetricSummary } from './backtest.ts';
import type { BootstrapEstimate } from './compare.ts';
import { backtestCharts } from './charts.ts';

export interface ReportMeta {
  /** Where the features came from, the data folder, the model settings: shown at the top. */
  features?: string;
  data?: string;
  model?: Record<string, unknown>;
  generated_at?: string;
  /** Extra lines (e.g. the oracle summary, the backend) shown under "Run". */
  notes?: string[];
}

export interface ReportFiles {
  json: string;
  markdown: string;
  charts: string[];
}

const fmt = (value: number | null | undefined, digits = 4): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(digits - 1);
  return value.toFixed(digits);
};
const pct = (share: number) => `${Number((share * 100).toFixed(2))} %`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function byPeriodTable(result: BacktestResult, periods: Array<{ label: string; metrics: Record<string, MetricSummary> }>, pick: (m: MetricSummary) => number, digits = 4): string {
  return table(
    ['period', 'fires', ...result.forecasters],
    periods.map((p) => [p.label, fmt(p.metrics[result.model_name]?.fires, 0), ...result.forecasters.map((name) => (p.metrics[name] ? fmt(pick(p.metrics[name]), digits) : '–'))]),
  );
}

export function reportMarkdown(result: BacktestResult, meta: ReportMeta = {}, chartFiles: string[] = []): string {
  const shares = result.overall[result.model_name]?.hot_spot.map((h) => h.share) ?? [];
  const five = shares.indexOf(0.05) >= 0 ? shares.indexOf(0.05) : 0;
  const out: string[] = [];
  out.push(`# Backtest: ${result.model_name} vs baselines${result.forecasters.includes('oracle') ? ' and the oracle' : ''}`);
  out.push('');
  const shortened = result.months.length < result.months_requested ? `; ${result.months_requested} were asked for, but the history leaves room for no more` : '';
  out.push(`Test period ${result.test_period.from} .. ${result.test_period.to} (${result.months.length} months, rolling origin${shortened}).`);
  if (meta.generated_at) out.push(`Generated ${meta.generated_at}.`);
  if (meta.features) out.push(`Features: \`${meta.features}\`.`);
  if (meta.data) out.push(`Data: \`${meta.data}\`.`);
  for (const note of meta.notes ?? []) out.push(`- ${note}`);
  out.push('');
  out.push('## Skill');
  out.push('');
  out.push(`Best baseline by log-likelihood: **${result.best_baseline}**.`);
  if (result.gap_closed !== null) {
    const interval = result.gap_closed_interval;
    const intervalText = interval ? ` Its ${pct(0.95)} interval over resampled test days (the block bootstrap below): ${fmt(interval.lower * 100, 1)} .. ${fmt(interval.upper * 100, 1)} %.` : '';
    out.push(`Share of the log-likelihood gap between the best baseline and the oracle closed by the model: **${fmt(result.gap_closed * 100, 1)} %** ((LL_model − LL_best_baseline) / (LL_oracle − LL_best_baseline), per cell-day over the test period).${intervalText}`);
    const cellMean = result.references.includes('oracle_cell_mean') ? result.overall.oracle_cell_mean : undefined;
    const best = result.overall[result.best_baseline];
    const truth = result.overall.oracle;
    if (cellMean && best && truth && truth.log_likelihood !== best.log_likelihood) {
      const staticShare = (cellMean.log_likelihood - best.log_likelihood) / (truth.log_likelihood - best.log_likelihood);
      out.push('');
      out.push(
        `Of that gap, **${fmt(staticShare * 100, 1)} %** is closed by \`oracle_cell_mean\` alone: each cell's true intensity averaged over the test period, the same every day (exact long-run rates, no day-to-day information). That static part is what a model has to estimate from the few fires each cell has had; the rest is day-to-day variation.`,
      );
    }
  } else {
    out.push('No oracle (no `truth/` folder in the data): the gap-closed figure needs the true intensity of synthetic data.');
  }
  out.push('');
  out.push('### Probabilistic scores (all test cell-days)');
  out.push('');
  out.push(
    table(
      ['forecaster', 'Poisson deviance ↓', 'log-lik. per cell-day ↑', 'Brier ↓', 'ROC-AUC ↑', 'PR-AUC ↑', 'ECE ↓', 'fires', 'predicted fires'],
      result.forecasters.map((name) => {
        const m = result.overall[name];
        return [name, fmt(m.poisson_deviance, 5), fmt(m.log_likelihood, 5), fmt(m.brier, 6), fmt(m.roc_auc), fmt(m.pr_auc), fmt(m.ece, 6), fmt(m.fires, 0), fmt(m.predicted_fires, 1)];
      }),
    ),
  );
  out.push('');
  out.push(`PR-AUC of a random forecast = the share of cell-days with a fire: ${fmt(result.overall[result.model_name]?.base_rate, 6)}.`);
  out.push('');
  out.push('### Hot spots: top share of cells each day (mean over days with at least one fire)');
  out.push('');
  out.push(
    table(
      ['forecaster', ...shares.flatMap((s) => [`hit rate ${pct(s)}`, `PAI ${pct(s)}`, `PEI ${pct(s)}`])],
      result.forecasters.map((name) => [name, ...result.overall[name].hot_spot.flatMap((h) => [fmt(h.hit_rate, 3), fmt(h.pai, 2), fmt(h.pei, 3)])]),
    ),
  );
  out.push('');
  if (result.hot_spot_against_truth) {
    const againstTruth = result.hot_spot_against_truth;
    out.push('### Hot spots against the true intensity');
    out.push('');
    out.push(
      "The same daily selections, scored by the fires the oracle expects in them instead of the fires that happened: how good each forecaster's ranking is, without the chance of which cells burned (the table above turns on a few dozen fires). PEI 1 = the oracle's own selection.",
    );
    out.push('');
    out.push(
      table(
        ['forecaster', ...shares.flatMap((s) => [`expected hit rate ${pct(s)}`, `PAI ${pct(s)}`, `PEI ${pct(s)}`])],
        result.forecasters.map((name) => [name, ...(againstTruth[name] ?? []).flatMap((h) => [fmt(h.hit_rate, 3), fmt(h.pai, 2), fmt(h.pei, 3)])]),
      ),
    );
    out.push('');
  }
  const versus = result.model_vs_best_baseline;
  out.push(`### ${result.model_name} against the best baseline (${versus.against}), with ${pct(versus.level)} intervals`);
  out.push('');
  out.push(
    `Differences ${result.model_name} − ${versus.against} over the ${versus.days} test days; intervals from a moving-block bootstrap over days (${versus.block_days}-day blocks, ${versus.resamples} resamples). An interval that holds 0 means the test period cannot tell the two apart on that measure.`,
  );
  out.push('');
  const versusRow = (label: string, d: BootstrapEstimate, digits: number) => [label, fmt(d.value, digits), `${fmt(d.lower, digits)} .. ${fmt(d.upper, digits)}`, pct(d.share_positive)];
  out.push(
    table(
      ['measure', 'difference', `${pct(versus.level)} interval`, `resamples with ${result.model_name} ahead`],
      [versusRow('log-likelihood per cell-day', versus.log_likelihood, 3), ...versus.pai.map((p) => versusRow(`PAI ${pct(p.share)}`, p, 3))],
    ),
  );
  out.push('');
  const months = result.per_month.map((p) => ({ label: p.month, metrics: p.metrics }));
  const seasons = result.per_season.map((p) => ({ label: `${p.season} (${p.months.join(', ')})`, metrics: p.metrics }));
  for (const [title, periods] of [
    ['By month', months],
    ['By season', seasons],
  ] as const) {
    out.push(`## ${title}`);
    out.push('');
    out.push('Mean Poisson deviance (lower is better):');
    out.push('');
    out.push(byPeriodTable(result, periods, (m) => m.poisson_deviance, 5));
    out.push('');
    out.push('Log-likelihood per cell-day (higher is better):');
    out.push('');
    out.push(byPeriodTable(result, periods, (m) => m.log_likelihood, 5));
    out.push('');
    out.push('Fires predicted (against the fires seen: where a forecaster is too high or too low):');
    out.push('');
    out.push(byPeriodTable(result, periods, (m) => m.predicted_fires, 1));
    out.push('');
    out.push(`PAI at ${pct(shares[five] ?? 0.05)} of cells (higher is better):`);
    out.push('');
    out.push(byPeriodTable(result, periods, (m) => m.hot_spot[five]?.pai ?? NaN, 2));
    out.push('');
    out.push('ROC-AUC:');
    out.push('');
    out.push(byPeriodTable(result, periods, (m) => m.roc_auc, 4));
    out.push('');
  }
  if (result.by_fire_history.length) {
    const bins = result.by_fire_history;
    out.push("## By the cells' fire history");
    out.push('');
    out.push(
      `Cells grouped by their fires on the labelled days before the test period (${result.test_period.from}). Fires predicted over the test period against the fires seen: a forecaster that spreads fires over cells that have never burned shows it in the first row${result.forecasters.includes('oracle') ? "; the oracle's column says how many those cells truly hold" : ''}.`,
    );
    out.push('');
    out.push(
      table(
        ['fires before', 'cells', 'cell-days', 'fires seen', ...result.forecasters],
        bins.map((b) => [b.label, String(b.cells), String(b.cell_days), fmt(b.fires, 0), ...result.forecasters.map((name) => fmt(b.predicted[name], 1))]),
      ),
    );
    out.push('');
    const others = result.forecasters.filter((name) => name !== result.best_baseline);
    out.push(`Log-likelihood gained over ${result.best_baseline}, in nats over the test period (each column sums to the forecaster's whole gain; negative: worse there):`);
    out.push('');
    out.push(
      table(
        ['fires before', ...others],
        bins.map((b) => [b.label, ...others.map((name) => fmt(b.log_likelihood[name] - b.log_likelihood[result.best_baseline], 1))]),
      ),
    );
    out.push('');
  }
  out.push('## Feature importance');
  out.push('');
  if (result.feature_importance.length) {
    out.push('Increase of the mean Poisson deviance on the last test month when one feature column is shuffled (seeded):');
    out.push('');
    out.push(table(['feature', 'deviance increase'], result.feature_importance.slice(0, 25).map((f) => [f.feature, fmt(f.deviance_increase, 6)])));
  } else out.push('Not computed (no rows in the last test month).');
  out.push('');
  out.push('## Months');
  out.push('');
  out.push(
    table(
      ['month', 'cell-days', 'fires', 'model refit', 'training window', 'validation window'],
      result.months.map((m) => [m.month, String(m.rows), fmt(m.fires, 0), m.model_refit ? 'yes' : '', m.train_window ? `${m.train_window.from} .. ${m.train_window.to}` : '', m.valid_window ? `${m.valid_window.from} .. ${m.valid_window.to}` : '']),
    ),
  );
  out.push('');
  if (chartFiles.length) {
    out.push('## Charts');
    out.push('');
    for (const file of chartFiles) out.push(`![${file}](${file})`);
    out.push('');
  }
  out.push('## How to read this');
  out.push('');
  out.push(
    [
      '- Every forecaster predicts the expected number of fires per cell-day; P(any fire) = 1 − exp(−rate). Deviance and log-likelihood score the counts; Brier, ROC-AUC, PR-AUC (average precision) and the reliability table score P(any fire) against "at least one fire". AUCs come from the scores, tied scores at their average rank.',
      '- Hot spots: each day the top share of cells by forecast is selected (cells tied at the cut count fractionally, the expectation under random tie-breaking). Hit rate = share of that day\'s fires in the selection; PAI = hit rate / share of area selected (cell areas in km²); PEI = fires captured / the most any selection of as many cells could have captured. Days without a fire have no hit rate, PAI or PEI and are left out of the means.',
      '- Calibration: quantile bins of predicted probability (ties kept together); ECE = Σ (bin rows / rows) · |mean predicted − observed frequency|.',
      '- Baselines are refitted at each month\'s first day from earlier labels and then updated daily: the forecast for day d uses labels of days before d only. The model is retrained every `refit_every_months` months on the windows before that month; its inputs still carry all labels up to the day before each forecast day.',
      '- historical_rate: each cell\'s long-run rate, empirical-Bayes (Gamma–Poisson) shrunk towards the district mean. kde_hotspot: Gaussian kernel density of the last 365 days of fires on cell centroids (bandwidth and a uniform floor chosen by likelihood on the 90 days before the fit day). near_repeat: background rate plus exponentially decaying boosts after each fire, spread by a Gaussian kernel over neighbouring cells (ETAS/PredPol style; EM for the weights, likelihood over a grid of decay times and widths). seasonal_rate: the historical rate × the district\'s month-of-year factor.',
    ].join('\n'),
  );
  out.push('');
  return out.join('\n');
}

/** Writes report.json, report.md and charts/*.svg under `outDir`; returns the paths. */
export async function writeReport(result: BacktestResult, outDir: string, meta: ReportMeta = {}): Promise<ReportFiles> {
  const charts = await backtestCharts(result);
  const chartPaths: string[] = [];
  for (const [name, svg] of Object.entries(charts)) {
    const path = join(outDir, 'charts', name);
    writeFileAtomic(path, svg);
    chartPaths.push(path);
  }
  const json = join(outDir, 'report.json');
  writeJsonAtomic(json, { generated_at: meta.generated_at, features: meta.features, data: meta.data, model: meta.model, notes: meta.notes, ...result, charts: Object.keys(charts).map((n) => `charts/${n}`) });
  const markdown = join(outDir, 'report.md');
  writeFileAtomic(markdown, reportMarkdown(result, meta, Object.keys(charts).map((n) => `charts/${n}`)));
  return { json, markdown, charts: chartPaths };
}
