/**
 * The nightly job killed and raced, through the real CLI as child processes (issue 6 fault tests):
 * SIGKILL during training and during publishing, then a rerun; two jobs started at once.
 * The tests run in order: the first one's completed workspace is the published starting point of the others.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { readChampion } from '../../src/model/registry.ts';
import { readState } from '../../src/pipeline/runner.ts';
import {
  checkPublished,
  copyWorkspace,
  dropLastIncident,
  generateDistrict,
  lastSummary,
  nightlyIn,
  stageStart,
  startCli,
  statuses,
  tempDir,
  writeConfig,
} from './nightly-helpers.ts';

const folders: string[] = [];
const track = (dir: string) => (folders.push(dir), dir);
let template: string;
let published: string | undefined;

beforeAll(async () => {
  template = track(tempDir('nightly-faults'));
  await generateDistrict(template);
});

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const lockFile = (ws: string) => join(ws, 'out', 'runs', 'nightly.lock');
const scoresDir = (ws: string) => join(ws, 'out', 'scores');

/** Reads latest.geojson and manifest.json over and over while jobs run; records what it saw. */
function startReader(ws: string) {
  const seen: Array<{ latest: string; manifestLatest: string | null }> = [];
  const failures: string[] = [];
  const read = () => {
    try {
      const bytes = readFileSync(join(scoresDir(ws), 'latest.geojson'));
      JSON.parse(bytes.toString('utf8'));
      const manifest = JSON.parse(readFileSync(join(scoresDir(ws), 'manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> };
      seen.push({ latest: createHash('sha256').update(bytes).digest('hex'), manifestLatest: manifest.files.find((f) => f.path === 'latest.geojson')?.sha256 ?? null });
    } catch (error) {
      failures.push((error as Error).message);
    }
  };
  read();
  const timer = setInterval(read, 20);
  return { seen, failures, stop: () => (clearInterval(timer), read()) };
}

describe('firerisk nightly under kill -9 and a second job', () => {
  it('killed during training: the lock stays behind, nothing is published; a rerun clears the lock, skips the finished stages and publishes', async () => {
    const ws = track(copyWorkspace(template, 'nightly-kill-train'));
    const config = writeConfig(ws);
    const job = startCli(ws, config);
    await job.waitForLine(stageStart('train'));
    job.child.kill('SIGKILL');
    expect(await job.exit).toEqual({ code: null, signal: 'SIGKILL' });

    expect(JSON.parse(readFileSync(lockFile(ws), 'utf8')).pid).toBe(job.child.pid);
    expect(existsSync(scoresDir(ws))).toBe(false);
    expect(Object.keys(readState(join(ws, 'out', 'runs')).stages)).toEqual(['validate', 'grid', 'features']);

    // The rerun (in process): same configuration, read from the same file.
    const { summary, lines } = await nightlyIn(ws, loadConfig(config));
    expect(summary.exit_code).toBe(0);
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^warn: cleared a stale lock of pid ${job.child.pid} \\(started .*\\); that run died without finishing, this run completes it$`))]),
    );
    expect(summary.status).toBe('ok');
    expect(statuses(summary)).toEqual({ validate: 'skipped', grid: 'skipped', features: 'skipped', train: 'ran', evaluate: 'ran', gate: 'ran', publish: 'ran' });
    expect(lastSummary(ws)).toEqual(summary);
    expect(existsSync(lockFile(ws))).toBe(false);
    const { manifest, latest } = checkPublished(scoresDir(ws));
    expect(manifest.model_version).toBe(readChampion(join(ws, 'models'), 'district')!.model_id);
    expect(latest.metadata.scored_date).toBe('2021-07-01');
    published = ws;
  });

  it('killed during publishing with new data: readers always see a complete, listed latest.geojson; a rerun completes the publication', async () => {
    const ws = track(copyWorkspace(published!, 'nightly-kill-publish'));
    const old = checkPublished(scoresDir(ws));
    const oldSha = old.manifest.files.find((f) => f.path === 'latest.geojson')!.sha256;
    dropLastIncident(join(ws, 'district'));
    const config = writeConfig(ws);
    const reader = startReader(ws);
    try {
      const job = startCli(ws, config);
      // Killed as the publish stage starts (scoring, before or while the files are written).
      await job.waitForLine(stageStart('publish'));
      job.child.kill('SIGKILL');
      expect(await job.exit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(JSON.parse(readFileSync(lockFile(ws), 'utf8')).pid).toBe(job.child.pid);
      const state = readState(join(ws, 'out', 'runs'));
      expect(Object.keys(state.stages)).toEqual(['validate', 'grid', 'features', 'train', 'evaluate', 'gate', 'publish']);

      // The rerun in process; the reader keeps reading between its steps.
      const { summary, lines } = await nightlyIn(ws, loadConfig(config));
      expect(summary.exit_code).toBe(0);
      expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^warn: cleared a stale lock of pid ${job.child.pid} `))]));
      expect(statuses(summary)).toEqual({ validate: 'skipped', grid: 'skipped', features: 'skipped', train: 'skipped', evaluate: 'skipped', gate: 'skipped', publish: 'ran' });
    } finally {
      reader.stop();
    }
    const { manifest, latest } = checkPublished(scoresDir(ws));
    const newSha = manifest.files.find((f) => f.path === 'latest.geojson')!.sha256;
    expect(newSha).not.toBe(oldSha);
    expect(latest.metadata.model_version).toBe(readChampion(join(ws, 'models'), 'district')!.model_id);
    expect(reader.failures).toEqual([]);
    expect(reader.seen.length).toBeGreaterThan(20);
    // Every read found either the old or the new file, each listed by the manifest of its publication.
    expect(reader.seen.every((s) => s.latest === oldSha || s.latest === newSha)).toBe(true);
    expect(reader.seen[0].latest).toBe(oldSha);
    expect(reader.seen[reader.seen.length - 1].latest).toBe(newSha);
    expect(reader.seen.every((s) => s.manifestLatest === oldSha || s.manifestLatest === newSha)).toBe(true);
    expect(existsSync(lockFile(ws))).toBe(false);
  });

  it('two jobs started at once: one runs to the end, the other refuses with exit 1 naming the lock holder', async () => {
    const ws = track(copyWorkspace(published!, 'nightly-two'));
    dropLastIncident(join(ws, 'district'));
    const config = writeConfig(ws);
    const a = startCli(ws, config);
    const b = startCli(ws, config);
    const [exitA, exitB] = await Promise.all([a.exit, b.exit]);
    const [winner, loser] = exitA.code === 0 ? [a, b] : [b, a];
    expect([exitA.code, exitB.code].sort()).toEqual([0, 1]);
    const refusal = loser.stderr.filter((line) => line.startsWith('firerisk: '));
    expect(refusal).toEqual([expect.stringMatching(new RegExp(`^firerisk: another run holds the lock .*nightly\\.lock: pid ${winner.child.pid} on .*; wait for it to finish$`))]);
    expect(loser.stderr.some((line) => /^(validate|train|publish): /.test(line))).toBe(false);
    expect(lastSummary(ws).status).toBe('ok');
    expect(lastSummary(ws).stages.every((s) => s.status === 'ran')).toBe(true);
    checkPublished(scoresDir(ws));
    expect(existsSync(lockFile(ws))).toBe(false);
  });
});

describe('a stale lock from a dead process, in process', () => {
  it('is cleared with a message naming the dead pid', async () => {
    const ws = track(copyWorkspace(published!, 'nightly-stale'));
    // Above the largest pid Linux hands out (2^22), so no live process has it.
    writeFileSync(lockFile(ws), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started_at: '2021-07-01T00:00:00.000Z', command: 'firerisk nightly' }));
    const { summary, lines } = await nightlyIn(ws);
    expect(summary.status).toBe('ok');
    expect(lines).toContain(`warn: cleared a stale lock of pid ${2 ** 22 + 12345} (started 2021-07-01T00:00:00.000Z); that run died without finishing, this run completes it`);
    expect(Object.values(statuses(summary)).every((s) => s === 'skipped')).toBe(true);
  });
});
