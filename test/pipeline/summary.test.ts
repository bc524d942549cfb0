import { describe, expect, it } from 'vitest';
import { collectWarnings, formatSummary, type RunSummary } from '../../src/pipeline/summary.ts';

const summary: RunSummary = {
  run_id: '20261128T010000Z',
  command: 'nightly',
  started_at: '2026-11-28T01:00:00.000Z',
  finished_at: '2026-11-28T01:05:00.000Z',
  status: 'ok',
  exit_code: 0,
  data_dir: 'datasets/beibei',
  stages: [
    { name: 'validate', status: 'ran', seconds: 3.25, report: { rows_in: 1200, rows_out: 1190, rows_quarantined: 10, warnings: ['crowd_flow: 1 day missing'] } },
    { name: 'publish', status: 'skipped', seconds: 0.01, report: { details: { headline: 'published 1 day, 3,000 cells' }, warnings: ['old warning'] } },
  ],
  warnings: [],
};

describe('run summary', () => {
  it('prints one line per stage with time and row counts', () => {
    const text = formatSummary({ ...summary, warnings: collectWarnings(summary.stages) });
    expect(text).toContain('run 20261128T010000Z: OK');
    expect(text).toMatch(/validate\s+ran\s+3\.3\s+1,200\s+1,190\s+10/);
    expect(text).toMatch(/publish\s+skipped\s+0\.0\s+-\s+-\s+-/);
    expect(text).toContain('publish: (unchanged since an earlier run) published 1 day, 3,000 cells');
    expect(text).toContain('warning: validate: crowd_flow: 1 day missing');
  });

  it('repeats warnings only of stages that ran in this run', () => {
    expect(collectWarnings(summary.stages)).toEqual(['validate: crowd_flow: 1 day missing']);
  });
});
