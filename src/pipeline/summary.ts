import type { StageOutcome } from './runner.ts';

export interface RunSummary {
  run_id: string;
  command: string;
  started_at: string;
  finished_at: string;
  status: 'ok' | 'failed';
  exit_code: number;
  data_dir: string;
  stages: StageOutcome[];
  warnings: string[];
  error?: string;
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padLeft = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);
const count = (value: number | undefined) => (value === undefined ? '-' : value.toLocaleString('en-US'));

/** The short human summary printed at the end of a run. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  lines.push(`run ${summary.run_id}: ${summary.status === 'ok' ? 'OK' : `FAILED (exit ${summary.exit_code})`}  data=${summary.data_dir}`);
  lines.push(`${pad('stage', 10)} ${pad('status', 8)} ${padLeft('seconds', 8)} ${padLeft('rows in', 12)} ${padLeft('rows out', 12)} ${padLeft('quarantined', 11)}`);
  for (const stage of summary.stages) {
    lines.push(
      `${pad(stage.name, 10)} ${pad(stage.status, 8)} ${padLeft(stage.seconds.toFixed(1), 8)} ${padLeft(count(stage.report?.rows_in), 12)} ${padLeft(count(stage.report?.rows_out), 12)} ${padLeft(count(stage.report?.rows_quarantined), 11)}`,
    );
  }
  for (const stage of summary.stages) {
    const headline = stage.report?.details?.headline;
    if (typeof headline === 'string') lines.push(`${stage.name}: ${stage.status === 'skipped' ? '(unchanged since an earlier run) ' : ''}${headline}`);
  }
  if (summary.error) lines.push(`error: ${summary.error}`);
  for (const warning of summary.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

export function collectWarnings(stages: StageOutcome[]): string[] {
  return stages.flatMap((stage) => (stage.status === 'ran' ? (stage.report?.warnings ?? []).map((w) => `${stage.name}: ${w}`) : []));
}
