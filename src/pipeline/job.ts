import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { defaultConfig } from '../config/schema.ts';
import { ExitCode, FireriskError, InputDataError } from '../util/errors.ts';
import { writeJsonAtomic } from '../util/files.ts';
import type { Logger } from '../util/log.ts';
import { existsSync } from 'node:fs';
import { acquireLock } from './lock.ts';
import { ensureSyntheticData, nightlyContext, nightlyStages, tidyRegistry } from './nightly.ts';
import { pruneRuns } from './retention.ts';
import { lockFileOf } from './status.ts';
import { runStages, type StageOutcome } from './runner.ts';
import { collectWarnings, type RunSummary } from './summary.ts';

export interface NightlyOptions {
  /** Rerun every stage even when its inputs did not change. */
  force?: boolean;
  /** Generate the synthetic district when the data folder is absent (default: only for the default folder). */
  synthesizeIfMissing?: boolean;
  now?: () => Date;
}

export const runIdOf = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

/**
 * The nightly job: lock, (generate the synthetic district if needed), run the stages, write the run
 * summary, tidy old runs and models, unlock. Returns the summary; never throws for a failed stage.
 */
export async function runNightly(config: Config, log: Logger, options: NightlyOptions = {}): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const context = nightlyContext(config, log);
  const started = now();
  // Two runs started within the same second (a quick rerun after a failure) keep separate summaries.
  let runId = runIdOf(started);
  for (let k = 2; existsSync(join(context.runsDir, runId)); k++) runId = `${runIdOf(started)}-${k}`;
  const lock = acquireLock(lockFileOf(context.runsDir), 'firerisk nightly', (holder) =>
    log.warn(`cleared a stale lock of pid ${holder.pid} (started ${holder.started_at}); that run died without finishing, this run completes it`),
  );
  const outcomes: StageOutcome[] = [];
  let error: unknown;
  try {
    const synthesize = options.synthesizeIfMissing ?? config.paths.data === defaultConfig().paths.data;
    if (!existsSync(config.paths.data)) {
      if (!synthesize) throw new InputDataError(`${config.paths.data}: data folder not found (set paths.data, or pass --synthetic to generate the synthetic district there)`);
      const synthStarted = performance.now();
      await ensureSyntheticData(config, log);
      outcomes.push({ name: 'synth', status: 'ran', seconds: (performance.now() - synthStarted) / 1000, report: { details: { headline: `generated the synthetic district into ${config.paths.data}` } } });
    }
    await runStages(nightlyStages, context, { runsDir: context.runsDir, log, force: options.force, onOutcome: (o) => outcomes.push(o) });
  } catch (caught) {
    error = caught;
  }
  const exitCode = error === undefined ? ExitCode.ok : error instanceof FireriskError ? error.exitCode : ExitCode.failure;
  const summary: RunSummary = {
    run_id: runId,
    command: 'nightly',
    started_at: started.toISOString(),
    finished_at: now().toISOString(),
    status: error === undefined ? 'ok' : 'failed',
    exit_code: exitCode,
    data_dir: config.paths.data,
    stages: outcomes,
    warnings: collectWarnings(outcomes),
    ...(error === undefined ? {} : { error: (error as Error).message ?? String(error) }),
  };
  try {
    writeJsonAtomic(join(context.runsDir, runId, 'summary.json'), summary);
    if (error === undefined) {
      const removedRuns = pruneRuns(context.runsDir, config.retention.runs, runId);
      const removedModels = tidyRegistry(context);
      if (removedRuns.length + removedModels.length > 0) log.info('retention', { runs_removed: removedRuns.length, models_removed: removedModels });
    }
  } finally {
    lock.release();
  }
  if (error !== undefined && !(error instanceof FireriskError)) log.error((error as Error)?.stack ?? String(error));
  return summary;
}
