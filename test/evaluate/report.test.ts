import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectDays, type FeatureMatrix } from '../../src/features/matrix.ts';
import { runBacktest, type BacktestResult } from '../../src/evaluate/backtest.ts';
import { writeReport, type ReportFiles } from '../../src/evaluate/report.ts';
import { dayNumber } from '../../src/util/days.ts';
import { denseMatrix, poissonSample, seededRandom, squareGeometry } from './helpers.ts';

describe('report files', () => {
  let dir: string;
  let files: ReportFiles;
  let result: BacktestResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firerisk-report-'));
    const random = seededRandom(1);
    const from = dayNumber('2021-01-01');
    const to = dayNumber('2022-02-28');
    const matrix = denseMatrix(9, from, to, (c) => poissonSample(0.05 * (c + 1), random), (c) => c);
    const trainer = async (train: FeatureMatrix) => {
      const mean = train.yFires.reduce((a, b) => a + b, 0) / train.rows;
      return async (m: FeatureMatrix) => Float32Array.from(m.X, (x) => (mean * (x + 1)) / 5);
    };
    result = await runBacktest({
      matrix,
      geometry: squareGeometry(3),
      options: { ...defaultConfig().evaluate, months: 2 },
      trainer,
      windows: (m, first) => ({ train: selectDays(m, -Infinity, first - 31), valid: selectDays(m, first - 30, first - 1) }),
      oracle: { name: 'oracle', predict: async (m) => Float32Array.from(m.cellIndex, (c) => 0.05 * (c + 1)) },
      // The oracle here is flat over days, so its per-cell mean is itself: the static part is all of the gap.
      references: [{ name: 'oracle_cell_mean', predict: async (m) => Float32Array.from(m.cellIndex, (c) => 0.05 * (c + 1)) }],
    });
    files = await writeReport(result, dir, { features: 'test.parquet', generated_at: '2026-01-01T00:00:00Z' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes report.json with every forecaster and no temporary files left behind', () => {
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json.forecasters).toEqual(['model', 'historical_rate', 'kde_hotspot', 'near_repeat', 'seasonal_rate', 'oracle', 'oracle_cell_mean']);
    expect(json.references).toEqual(['oracle_cell_mean']);
    expect(json.overall.model.hot_spot.map((h: { share: number }) => h.share)).toEqual([0.01, 0.05, 0.1, 0.2]);
    expect(json.per_month.map((p: { month: string }) => p.month)).toEqual(['2022-01', '2022-02']);
    expect(typeof json.gap_closed).toBe('number');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("gives each forecaster's predicted fires month by month beside the fires seen", () => {
    const md = readFileSync(files.markdown, 'utf8');
    const start = md.indexOf('Fires predicted (against the fires seen');
    const section = md.slice(start, md.indexOf('PAI at', start));
    // The oracle and its cell means: 0.05·(c + 1) fires per cell-day over cells 0..8 and the 31 days of
    // January 2022: 31 · 0.05 · 45 = 69.75; in February's 28 days 63.0.
    expect(section).toMatch(/^\| 2022-01 \| \d+ \|( [\d.]+ \|){5} 69\.8 \| 69\.8 \|$/m);
    expect(section).toMatch(/^\| 2022-02 \| \d+ \|( [\d.]+ \|){5} 63\.0 \| 63\.0 \|$/m);
  });

  it("splits the test period by the cells' fire history: every cell and fire in one row, the gains summing to the whole", () => {
    const bins = result.by_fire_history;
    expect(bins.reduce((s, b) => s + b.cells, 0)).toBe(9);
    expect(bins.reduce((s, b) => s + b.fires, 0)).toBe(result.overall.model.fires);
    const rows = result.overall.model.rows;
    const gain = (name: string) => bins.reduce((s, b) => s + b.log_likelihood[name] - b.log_likelihood[result.best_baseline], 0);
    expect(gain('oracle')).toBeCloseTo((result.overall.oracle.log_likelihood - result.overall[result.best_baseline].log_likelihood) * rows, 6);
    const md = readFileSync(files.markdown, 'utf8');
    const section = md.split("## By the cells' fire history")[1]?.split('\n## ')[0] ?? '';
    expect(section).toContain(`| fires before | cells | cell-days | fires seen | ${result.forecasters.join(' | ')} |`);
    expect(section).toContain(`Log-likelihood gained over ${result.best_baseline}`);
    expect(section).toMatch(/^\| 20\+ \| \d+ \| \d+ \| \d+ \|/m);
  });

  it('writes report.md with the side-by-side tables and links to the charts', () => {
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toContain('| forecaster | Poisson deviance ↓ | log-lik. per cell-day ↑ | Brier ↓ | ROC-AUC ↑ | PR-AUC ↑ | ECE ↓ |');
    expect(md).toContain('PAI 5 %');
    for (const name of result.forecasters) expect(md).toMatch(new RegExp(`^\\| ${name} \\|`, 'm'));
    expect(md).toContain('## By season');
    expect(md).toContain('winter (2022-01, 2022-02)');
    expect(md).toContain('![charts/roc.svg](charts/roc.svg)');
    expect(md).toMatch(/gap between the best baseline and the oracle closed by the model: \*\*-?\d+\.\d %\*\*/);
    expect(md).toMatch(/Its 95 % interval over resampled test days \(the block bootstrap below\): -?\d+\.\d \.\. -?\d+\.\d %\./);
    expect(md).toContain('Of that gap, **100.0 %** is closed by `oracle_cell_mean` alone');
  });

  it("scores the hot spots against the true intensity too, where the oracle's own selection has PEI 1", () => {
    const md = readFileSync(files.markdown, 'utf8');
    const section = md.split('### Hot spots against the true intensity')[1]?.split('\n## ')[0] ?? '';
    expect(section).toContain('| forecaster | expected hit rate 1 % | PAI 1 % | PEI 1 % |');
    const oracleRow = section.split('\n').find((line) => line.startsWith('| oracle |'))!;
    expect(oracleRow.split(' | ').filter((_, k) => k % 3 === 0 && k > 0)).toEqual(['1.000', '1.000', '1.000', '1.000 |']);
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(Object.keys(json.hot_spot_against_truth)).toEqual(result.forecasters);
  });

  it('gives the model minus the best baseline with bootstrap intervals', () => {
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toContain(`### model against the best baseline (${result.best_baseline}), with 95 % intervals`);
    expect(md).toContain('moving-block bootstrap over days (7-day blocks, 1000 resamples)');
    expect(md).toMatch(/^\| log-likelihood per cell-day \| -?[\d.e-]+ \| -?[\d.e-]+ \.\. -?[\d.e-]+ \| [\d.]+ % \|$/m);
    expect(md).toMatch(/^\| PAI 5 % \| /m);
  });

  it('writes the five charts as well-formed SVG with drawn paths', () => {
    expect(files.charts.map((p) => p.split('/').pop()).sort()).toEqual(['capture-rate.svg', 'feature-importance.svg', 'precision-recall.svg', 'reliability.svg', 'roc.svg']);
    for (const path of files.charts) {
      const svg = readFileSync(path, 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(svg);
      expect(parsed.svg).toBeDefined();
      expect(svg).toMatch(/<path[^>]* d="M/);
    }
  });
});
