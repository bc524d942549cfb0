import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../util/files.ts';
import type { Logger } from '../util/log.ts';

/** What a stage tells the run summary about itself. */
export interface StageReport {
  rows_in?: number;
  rows_out?: number;
  rows_quarantined?: number;
  /** Small facts worth keeping (model id, metrics, file names). */
  details?: Record<string, unknown>;
  warnings?: string[];
  /** Paths the stage wrote; a later run skips the stage only while they all still exist. */
  outputs?: string[];
}

export interface Stage<Context> {
  name: string;
  description: string;
  /** Hash of everything the stage's result depends on; unchanged => the stage is skipped. */
  fingerprint(context: Context): Promise<string>;
  run(context: Context): Promise<StageReport>;
}

export interface StageRecord {
  fingerprint: string;
  report: StageReport;
}

export interface StageOutcome {
  name: string;
  status: 'ran' | 'skipped' | 'failed';
  seconds: number;
  report?: StageReport;
  error?: string;
}

interface PipelineState {
  stages: Record<string, StageRecord>;
}

export const stateFile = (runsDir: string) => join(runsDir, 'state.json');

export function readState(runsDir: string): PipelineState {
  const file = stateFile(runsDir);
  return existsSync(file) ? readJson<PipelineState>(file) : { stages: {} };
}

/**
 * Runs the stages in order. A stage whose fingerprint equals the one recorded after its last
 * successful run, and whose outputs still exist, is skipped; fingerprints include the content
 * hashes of upstream outputs, so a stage reruns exactly when something it reads changed. The record of a stage is written only
 * after it succeeds, so a crash or kill at any point is recovered by running again.
 * The first failure stops the run; its error is rethrown after the outcomes are handed to `onOutcome`.
 */
export async function runStages<Context>(
  stages: Stage<Context>[],
  context: Context,
  options: { runsDir: string; log: Logger; force?: boolean; onOutcome?: (outcome: StageOutcome) => void; clock?: () => number },
): Promise<StageOutcome[]> {
  const clock = options.clock ?? (() => performance.now());
  const outcomes: StageOutcome[] = [];
  const state = readState(options.runsDir);
  for (const stage of stages) {
    const started = clock();
    const fingerprint = await stage.fingerprint(context);
    const previous = state.stages[stage.name];
    const outputsPresent = (previous?.report.outputs ?? []).every((path) => existsSync(path));
    if (!options.force && previous && previous.fingerprint === fingerprint && outputsPresent) {
      const outcome: StageOutcome = { name: stage.name, status: 'skipped', seconds: (clock() - started) / 1000, report: previous.report };
      options.log.info(`${stage.name}: unchanged inputs, skipped`);
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
      continue;
    }
    options.log.info(`${stage.name}: ${stage.description}`);
    try {
      const report = await stage.run(context);
      // Recorded as the stage leaves things: a stage that changes one of its own inputs (the gate
      // promotes a champion) must not look changed on the next run.
      state.stages[stage.name] = { fingerprint: await stage.fingerprint(context), report };
      writeJsonAtomic(stateFile(options.runsDir), state);
      const outcome: StageOutcome = { name: stage.name, status: 'ran', seconds: (clock() - started) / 1000, report };
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
    } catch (error) {
      const outcome: StageOutcome = { name: stage.name, status: 'failed', seconds: (clock() - started) / 1000, error: (error as Error).message };
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
      (error as Error & { outcomes?: StageOutcome[] }).outcomes = outcomes;
      throw error;
    }
  }
  return outcomes;
}
