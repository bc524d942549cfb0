import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from '../util/files.ts';
import { readChampion, type ChampionPointer } from '../model/registry.ts';
import type { PublishManifest } from '../score/publish.ts';
import type { RunSummary } from './summary.ts';
import { inspectLock, type LockState } from './lock.ts';

export interface PipelineStatus {
  dataset: string;
  /** Whether a nightly run holds the run lock now (or died holding it). */
  lock: LockState;
  champion: ChampionPointer | null;
  runs: Array<Pick<RunSummary, 'run_id' | 'status' | 'exit_code' | 'started_at' | 'finished_at'> & { error?: string }>;
  published: Pick<PublishManifest, 'latest_day' | 'model_version'> & { files: number; dir: string } | null;
}

export const runsDirOf = (outDir: string) => join(outDir, 'runs');
export const scoresDirOf = (outDir: string) => join(outDir, 'scores');
export const lockFileOf = (runsDir: string) => join(runsDir, 'nightly.lock');

/** The newest run summaries first. Run ids sort by start time. */
export function listRunSummaries(runsDir: string, limit: number): RunSummary[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(runsDir, entry.name, 'summary.json')))
    .map((entry) => entry.name)
    .sort()
    .reverse()
    .slice(0, limit)
    .map((name) => readJson<RunSummary>(join(runsDir, name, 'summary.json')));
}

export function collectStatus(paths: { out: string; models: string }, dataset: string, runLimit = 5): PipelineStatus {
  const manifestPath = join(scoresDirOf(paths.out), 'manifest.json');
  const manifest = existsSync(manifestPath) ? readJson<PublishManifest>(manifestPath) : null;
  return {
    dataset,
    lock: inspectLock(lockFileOf(runsDirOf(paths.out))),
    champion: readChampion(paths.models, dataset) ?? null,
    runs: listRunSummaries(runsDirOf(paths.out), runLimit).map(({ run_id, status, exit_code, started_at, finished_at, error }) => ({
      run_id,
      status,
      exit_code,
      started_at,
      finished_at,
      ...(error ? { error } : {}),
    })),
    published: manifest
      ? { latest_day: manifest.latest_day, model_version: manifest.model_version, files: manifest.files.length, dir: scoresDirOf(paths.out) }
      : null,
  };
}

export function formatStatus(status: PipelineStatus): string {
  const lines = [`dataset: ${status.dataset}`, `running now: ${describeLock(status.lock)}`];
  lines.push(
    status.champion
      ? `champion: ${status.champion.model_id} (promoted ${status.champion.promoted_at}: ${status.champion.reason})`
      : 'champion: none yet (run `firerisk nightly`)',
  );
  lines.push(
    status.published
      ? `latest scores: ${status.published.latest_day} by ${status.published.model_version}, ${status.published.files} files in ${status.published.dir}`
      : 'latest scores: none published',
  );
  lines.push(status.runs.length ? 'last runs:' : 'last runs: none');
  for (const run of status.runs) {
    lines.push(`  ${run.run_id}  ${run.status}${run.status === 'ok' ? '' : ` (exit ${run.exit_code})`}  ${run.started_at} .. ${run.finished_at}${run.error ? `  ${run.error}` : ''}`);
  }
  return lines.join('\n');
}

function describeLock(lock: LockState): string {
  if (lock.state === 'free') return 'no';
  if (lock.state === 'running') return `pid ${lock.holder.pid} on ${lock.holder.host}, since ${lock.holder.started_at} (${lock.holder.command})`;
  return lock.holder
    ? `no; the run of pid ${lock.holder.pid} started ${lock.holder.started_at} died without finishing (the next run clears its lock and completes it)`
    : 'no; an unreadable lock file is left (the next run clears it)';
}
