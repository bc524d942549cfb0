/**
 * The nightly job on a small synthetic district (issue 6 fault tests): rerun on the same data,
 * corrupt inputs, a late crowd-flow feed, a worse challenger. One run publishes a baseline in
 * beforeAll; each test works on its own copy of that workspace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, readChampion } from '../../src/model/registry.ts';
import type { RunSummary } from '../../src/pipeline/summary.ts';
import { runScore } from '../../src/score/run.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import {
  CLI,
  checkPublished,
  copyWorkspace,
  dropDays,
  dropLastIncident,
  generateDistrict,
  nightlyIn,
  smallConfig,
  snapshot,
  stage,
  statuses,
  tempDir,
  writeConfig,
} from './nightly-helpers.ts';

const STAGES = ['validate', 'grid', 'features', 'train', 'evaluate', 'gate', 'publish'];
const all = (status: string) => Object.fromEntries(STAGES.map((name) => [name, status]));

const folders: string[] = [];
const track = (dir: string) => (folders.push(dir), dir);
let template: string; // district/ only
let base: string; // district/, out/, models/ after one successful run
let baseSummary: RunSummary;
let cells: number;

beforeAll(async () => {
  template = track(tempDir('nightly-template'));
  await generateDistrict(template);
  base = track(copyWorkspace(template, 'nightly-base'));
  const { summary } = await nightlyIn(base);
  expect(summary.error).toBeUndefined();
  expect(statuses(summary)).toEqual(all('ran'));
  baseSummary = summary;
  cells = stage(summary, 'grid')!.report!.rows_out!;
});

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('firerisk nightly on a small district', () => {
  it('publishes consistent GeoJSON scores for the day after the last data day with the champion', () => {
    expect(cells).toBeGreaterThan(30);
    expect(cells).toBeLessThan(200);
    const { manifest, latest } = checkPublished(join(base, 'out', 'scores'));
    const champion = readChampion(join(base, 'models'), 'district')!.model_id;
    expect(manifest.latest_day).toBe('2021-07-01');
    expect(manifest.model_version).toBe(champion);
    expect(latest.metadata.scored_date).toBe('2021-07-01');
    expect(latest.metadata.time_zone).toBe('Asia/Shanghai');
    expect(latest.features).toHaveLength(cells);
    expect(stage(baseSummary, 'gate')!.report!.details!.decision).toBe('promoted');
    const evaluation = stage(baseSummary, 'evaluate')!.report!.details!;
    expect(evaluation.model_ahead_share).toBeGreaterThanOrEqual(0);
    expect(evaluation.model_ahead_share).toBeLessThanOrEqual(1);
    expect(evaluation.headline).toMatch(/\(model ahead on log-likelihood in \d+% of bootstrap resamples\)/);
    // The synthetic district lies in Beibei: Shanghai days and the Chinese calendar, found from its boundary.
    expect(stage(baseSummary, 'validate')!.report!.details!.locale).toMatchObject({ timeZone: 'Asia/Shanghai', timeZoneSource: 'location', country: 'CN', countrySource: 'location' });
    expect(stage(baseSummary, 'publish')!.report!.rows_out).toBe(cells);
    expect(existsSync(join(base, 'out', 'runs', baseSummary.run_id, 'summary.json'))).toBe(true);
    expect(existsSync(join(base, 'out', 'runs', 'nightly.lock'))).toBe(false);
  });

  it('a rerun on the same data skips every stage; a forced rerun redoes all and publishes byte-identical files', async () => {
    const ws = track(copyWorkspace(base, 'nightly-rerun'));
    const before = snapshot(join(ws, 'out', 'scores'));
    const champion = readChampion(join(ws, 'models'), 'district')!.model_id;

    // Both reruns read the same clock: their run ids must still differ.
    const clock = () => new Date('2021-07-01T02:00:00.000Z');
    const again = await nightlyIn(ws, smallConfig(), { now: clock });
    expect(again.summary.status).toBe('ok');
    expect(statuses(again.summary)).toEqual(all('skipped'));
    expect(snapshot(join(ws, 'out', 'scores'))).toEqual(before);

    const forced = await nightlyIn(ws, smallConfig(), { force: true, now: clock });
    expect(forced.summary.status).toBe('ok');
    expect(statuses(forced.summary)).toEqual(all('ran'));
    expect(stage(forced.summary, 'train')!.report!.details!.model_id).toBe(champion);
    const after = snapshot(join(ws, 'out', 'scores'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
    expect(readChampion(join(ws, 'models'), 'district')!.model_id).toBe(champion);
    // Each run keeps its own summary, even two started within the same second.
    const runs = readdirSync(join(ws, 'out', 'runs'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect([again.summary.run_id, forced.summary.run_id]).toEqual(['20210701T020000Z', '20210701T020000Z-2']);
    expect(runs).toEqual([again.summary.run_id, forced.summary.run_id, baseSummary.run_id]);
    expect(JSON.parse(readFileSync(join(ws, 'out', 'runs', again.summary.run_id, 'summary.json'), 'utf8'))).toEqual(again.summary);
  });

  it('after a manual `firerisk score` of another day, the next nightly publishes its own day again', async () => {
    const ws = track(copyWorkspace(base, 'nightly-manual-score'));
    const config = smallConfig();
    const previous = process.cwd();
    process.chdir(ws);
    try {
      await runScore(config, { date: '2021-07-02', days: 1 }, createMemoryLogger());
    } finally {
      process.chdir(previous);
    }
    expect(checkPublished(join(ws, 'out', 'scores')).manifest.latest_day).toBe('2021-07-02');
    const rerun = await nightlyIn(ws, config);
    expect(statuses(rerun.summary)).toEqual({ ...all('skipped'), publish: 'ran' });
    expect(checkPublished(join(ws, 'out', 'scores')).manifest.latest_day).toBe('2021-07-01');
    expect(statuses((await nightlyIn(ws, config)).summary)).toEqual(all('skipped'));
  });

  it('weather.csv mostly invalid: exit 3 at validate, one line naming the file, previous scores untouched', async () => {
    const ws = track(copyWorkspace(base, 'nightly-garbage'));
    const scores = snapshot(join(ws, 'out', 'scores'));
    const championFile = readFileSync(join(ws, 'models', 'district', 'champion.json'));
    // 547 observed days + 3 forecast days = 550 rows; rows 1, 2, 4, 5, ... (not multiples of 3) get
    // garbage bytes in place of the first number (temp_max_c): 550 - 183 = 367 bad rows.
    const file = join(ws, 'district', 'weather.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, lines.map((line, k) => (k === 0 || k % 3 === 0 ? line : line.replace(/,-?\d+\.\d,/, ',\u0000\u00ff#,'))).join('\n'));

    const { summary } = await nightlyIn(ws);
    expect(summary.status).toBe('failed');
    expect(summary.exit_code).toBe(3);
    expect(summary.error).toMatch(/^weather\.csv: 367 of 550 rows quarantined \(66\.7%\), above validate\.max_bad_share = 0\.2; most common: not a number: temp_max_c/);
    expect(summary.error).toMatch(/nothing published/);
    expect(summary.error).not.toContain('\n');
    expect(summary.stages.map((s) => `${s.name}:${s.status}`)).toEqual(['validate:failed']);
    expect(readFileSync(join(ws, 'out', 'quarantine', 'weather.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 367);
    expect(snapshot(join(ws, 'out', 'scores'))).toEqual(scores);
    expect(readFileSync(join(ws, 'models', 'district', 'champion.json')).equals(championFile)).toBe(true);
    expect(existsSync(join(ws, 'out', 'runs', 'nightly.lock'))).toBe(false);
  });

  it('weather.csv replaced by garbage on a first run: exit 3, nothing is published at all', async () => {
    const ws = track(copyWorkspace(template, 'nightly-garbage-first'));
    writeFileSync(join(ws, 'district', 'weather.csv'), 'PK\u0003\u0004\u0000garbage;not;a;csv\nzzz\n');
    const { summary } = await nightlyIn(ws);
    expect(summary.exit_code).toBe(3);
    expect(summary.error).toMatch(/^weather\.csv: missing columns 'date', 'temp_max_c'/);
    expect(existsSync(join(ws, 'out', 'scores'))).toBe(false);
    expect(existsSync(join(ws, 'models', 'district', 'champion.json'))).toBe(false);
  });

  it('incidents.csv without its category column: the CLI exits 3 with one line naming the file and the column', () => {
    const ws = track(copyWorkspace(base, 'nightly-nocolumn'));
    const scores = snapshot(join(ws, 'out', 'scores'));
    const file = join(ws, 'district', 'incidents.csv');
    const rows = readFileSync(file, 'utf8').split('\n').map((line) => line.split(','));
    const drop = rows[0].indexOf('category');
    expect(drop).toBeGreaterThan(0);
    writeFileSync(file, rows.map((r) => r.filter((_, k) => k !== drop).join(',')).join('\n'));

    const config = writeConfig(ws);
    const run = spawnSync(process.execPath, [CLI, '-c', config, 'nightly'], { cwd: ws, encoding: 'utf8' });
    expect(run.status).toBe(3);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('firerisk: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/incidents\.csv/);
    expect(errors[0]).toMatch(/category/);
    expect(run.stdout).toMatch(/FAILED \(exit 3\)/);
    expect(snapshot(join(ws, 'out', 'scores'))).toEqual(scores);
  });

  it('crowd flow missing for two days (one of them the last): the run completes and flags the imputed cell-days', async () => {
    const ws = track(copyWorkspace(base, 'nightly-crowd'));
    // Features of day d use the crowd of d-1; the two forecast days after the scored day have no crowd
    // data in any case, so the baseline flags 2 days of cells.
    expect(baseSummary.warnings).toContain(`features: flag_crowd_imputed: ${2 * cells} cell-days imputed`);
    const before = checkPublished(join(ws, 'out', 'scores')).latest;
    expect(before.features.every((f) => f.properties.flag_crowd_imputed === false)).toBe(true);

    expect(dropDays(join(ws, 'district', 'crowd_flow.csv'), ['2021-03-15', '2021-06-30'])).toBeGreaterThan(0);
    const { summary } = await nightlyIn(ws);
    expect(summary.status).toBe('ok');
    expect(summary.exit_code).toBe(0);
    expect(statuses(summary)).toEqual(all('ran'));
    // 2021-03-16 and the scored day 2021-07-01 are new: 4 days of cells in all.
    expect(summary.warnings).toContain(`features: flag_crowd_imputed: ${4 * cells} cell-days imputed`);
    const { latest } = checkPublished(join(ws, 'out', 'scores'));
    expect(latest.metadata.scored_date).toBe('2021-07-01');
    expect(latest.features).toHaveLength(cells);
    expect(latest.features.every((f) => f.properties.flag_crowd_imputed === true)).toBe(true);
    expect(latest.features.every((f) => f.properties.flag_weather_imputed === false)).toBe(true);
  });

  it('a history too short for a backtest month: the run trains, gates and publishes, and warns that there is no report', async () => {
    const ws = track(copyWorkspace(template, 'nightly-young'));
    // Labelled days run 2020-12-31..2021-06-30 (181); the backtest would need 60 + 200 before its first month.
    const { summary } = await nightlyIn(ws, smallConfig({ evaluate: { months: 2, refit_every_months: 2, min_train_days: 200 } }));
    expect(summary.status).toBe('ok');
    expect(statuses(summary)).toEqual(all('ran'));
    expect(summary.warnings).toContain(
      'evaluate: no backtest report tonight: backtest: labelled days run 2020-12-31..2021-06-30, too short for even one test month after 260 days of training and validation history; lower model.validation_days or evaluate.min_train_days, or bring a longer history',
    );
    expect(existsSync(join(ws, 'out', 'evaluation', 'report.json'))).toBe(false);
    expect(readChampion(join(ws, 'models'), 'district')).not.toBeNull();
    expect(checkPublished(join(ws, 'out', 'scores')).latest.metadata.scored_date).toBe('2021-07-01');
  });

  it('a worse challenger: the gate keeps the champion, records the rejection and the run still publishes with the champion', async () => {
    const ws = track(copyWorkspace(base, 'nightly-worse'));
    const champion = readChampion(join(ws, 'models'), 'district')!.model_id;
    // New data (one incident fewer), so the features, the challenger and the scores are all new.
    dropLastIncident(join(ws, 'district'));
    const worse = smallConfig({ model: { max_epochs: 1, learning_rate: 1e-6 } });

    const { summary } = await nightlyIn(ws, worse);
    expect(summary.status).toBe('ok');
    expect(summary.exit_code).toBe(0);
    expect(statuses(summary)).toMatchObject({ features: 'ran', train: 'ran', gate: 'ran', publish: 'ran' });
    const challenger = stage(summary, 'train')!.report!.details!.model_id as string;
    expect(challenger).not.toBe(champion);
    const gate = stage(summary, 'gate')!.report!.details!;
    expect(gate.decision).toBe('rejected');
    expect(gate.champion).toBe(champion);
    expect(readChampion(join(ws, 'models'), 'district')!.model_id).toBe(champion);

    const rejected = listModels(join(ws, 'models'), 'district').find((m) => m.modelId === challenger)!;
    expect(rejected.status).toBe('rejected');
    expect(rejected.rejection!.reason).toMatch(/^worse than the champion: challenger poisson_deviance [\d.]+ vs champion [\d.]+ \(\+/);
    expect(rejected.rejection!.champion_model_id).toBe(champion);
    expect(summary.warnings.some((w) => w.startsWith(`gate: challenger ${challenger} rejected, champion ${champion} kept: worse than the champion`))).toBe(true);

    const { manifest, latest } = checkPublished(join(ws, 'out', 'scores'));
    expect(manifest.model_version).toBe(champion);
    expect(manifest.files.filter((f) => f.kind !== 'qml').every((f) => f.model_version === champion)).toBe(true);
    expect(latest.features.every((f) => f.properties.model_version === champion)).toBe(true);
    expect(stage(summary, 'publish')!.report!.details!.model_version).toBe(champion);
  });
});
