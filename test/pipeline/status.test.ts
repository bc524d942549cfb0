import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname, tmpdir } from 'node:os';
import { collectStatus, formatStatus } from '../../src/pipeline/status.ts';

function workspace(): { out: string; models: string } {
  const root = mkdtempSync(join(tmpdir(), 'firerisk-status-'));
  return { out: join(root, 'out'), models: join(root, 'models') };
}

const writeJson = (path: string, value: unknown) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
};

const run = (run_id: string, status: 'ok' | 'failed', extra: Record<string, unknown> = {}) => ({
  run_id,
  command: 'nightly',
  started_at: `${run_id.slice(0, 4)}-${run_id.slice(4, 6)}-${run_id.slice(6, 8)}T02:30:00.000Z`,
  finished_at: `${run_id.slice(0, 4)}-${run_id.slice(4, 6)}-${run_id.slice(6, 8)}T02:35:00.000Z`,
  status,
  exit_code: status === 'ok' ? 0 : 3,
  data_dir: 'datasets/beibei',
  stages: [],
  warnings: [],
  ...extra,
});

describe('firerisk status', () => {
  it('on a fresh folder: nothing running, no champion, no scores, no runs', () => {
    const paths = workspace();
    const status = collectStatus(paths, 'beibei');
    expect(status).toEqual({ dataset: 'beibei', lock: { state: 'free' }, champion: null, runs: [], published: null });
    expect(formatStatus(status)).toBe(
      ['dataset: beibei', 'running now: no', 'champion: none yet (run `firerisk nightly`)', 'latest scores: none published', 'last runs: none'].join('\n'),
    );
  });

  it('lists the newest runs first, with the error of a failed one, the champion and the published scores', () => {
    const paths = workspace();
    writeJson(join(paths.out, 'runs', '20261201T023000Z', 'summary.json'), run('20261201T023000Z', 'ok'));
    writeJson(join(paths.out, 'runs', '20261202T023000Z', 'summary.json'), run('20261202T023000Z', 'failed', { error: 'incidents.csv: no rows' }));
    writeJson(join(paths.out, 'runs', '20261203T023000Z', 'summary.json'), run('20261203T023000Z', 'ok'));
    // Only its existence is read here; the registry's tests cover the metadata itself.
    writeJson(join(paths.models, 'beibei', 'm-1', 'metadata.json'), { model_id: 'm-1' });
    writeJson(join(paths.models, 'beibei', 'champion.json'), { model_id: 'm-1', promoted_at: '2026-12-01T02:34:00.000Z', reason: 'no champion yet', metrics: {}, previous_model_id: null });
    writeJson(join(paths.out, 'scores', 'manifest.json'), { format: 'firerisk-scores', format_version: 1, latest_day: '2026-12-04', model_version: 'm-1', files: [{}, {}, {}] });
    const status = collectStatus(paths, 'beibei', 2);
    expect(status.runs.map((r) => [r.run_id, r.status])).toEqual([
      ['20261203T023000Z', 'ok'],
      ['20261202T023000Z', 'failed'],
    ]);
    const text = formatStatus(status).split('\n');
    expect(text).toContain('champion: m-1 (promoted 2026-12-01T02:34:00.000Z: no champion yet)');
    expect(text).toContain(`latest scores: 2026-12-04 by m-1, 3 files in ${join(paths.out, 'scores')}`);
    expect(text).toContain('  20261202T023000Z  failed (exit 3)  2026-12-02T02:30:00.000Z .. 2026-12-02T02:35:00.000Z  incidents.csv: no rows');
  });

  it('names the run that holds the lock now', () => {
    const paths = workspace();
    writeJson(join(paths.out, 'runs', 'nightly.lock'), { pid: process.pid, host: hostname(), started_at: '2026-12-03T02:30:00.000Z', command: 'firerisk nightly' });
    const status = collectStatus(paths, 'beibei');
    expect(status.lock.state).toBe('running');
    expect(formatStatus(status).split('\n')[1]).toBe(`running now: pid ${process.pid} on ${hostname()}, since 2026-12-03T02:30:00.000Z (firerisk nightly)`);
  });

  it('says when a run died holding the lock, and that the next run completes it', () => {
    const paths = workspace();
    // Above the largest pid Linux hands out (2^22), so no live process has it.
    writeJson(join(paths.out, 'runs', 'nightly.lock'), { pid: 2 ** 22 + 7, host: hostname(), started_at: '2026-12-03T02:30:00.000Z', command: 'firerisk nightly' });
    expect(formatStatus(collectStatus(paths, 'beibei')).split('\n')[1]).toBe(
      `running now: no; the run of pid ${2 ** 22 + 7} started 2026-12-03T02:30:00.000Z died without finishing (the next run clears its lock and completes it)`,
    );
    writeFileSync(join(paths.out, 'runs', 'nightly.lock'), '');
    expect(collectStatus(paths, 'beibei').lock).toEqual({ state: 'stale', holder: null });
  });

  it('counts a lock held on another host as running (its process cannot be checked from here)', () => {
    const paths = workspace();
    writeJson(join(paths.out, 'runs', 'nightly.lock'), { pid: 2 ** 22 + 7, host: `not-${hostname()}`, started_at: '2026-12-03T02:30:00.000Z', command: 'firerisk nightly' });
    expect(collectStatus(paths, 'beibei').lock.state).toBe('running');
  });
});
