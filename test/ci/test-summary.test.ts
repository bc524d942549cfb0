import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

const SUMMARY = new URL('../../scripts/test-summary.mjs', import.meta.url).pathname;

function summarise(report: unknown): { line: string; code: number | null } {
  const file = join(mkdtempSync(join(tmpdir(), 'firerisk-summary-')), 'results.json');
  writeFileSync(file, JSON.stringify(report));
  const run = spawnSync(process.execPath, [SUMMARY, file], { encoding: 'utf8' });
  return { line: run.stdout.trim(), code: run.status };
}

const file = (status: string, tests: string[]) => ({ status, assertionResults: tests.map((s) => ({ status: s })) });

describe('the closing count line CI reads', () => {
  it('counts a failed test once, though vitest also counts its file and describe blocks as failed suites', () => {
    const report = { numPassedTests: 5, numFailedTests: 1, numFailedTestSuites: 3, testResults: [file('failed', ['passed', 'failed', 'passed']), file('passed', ['passed', 'passed', 'passed'])] };
    expect(summarise(report)).toEqual({ line: '5 passed, 1 failed', code: 1 });
  });

  it('counts a file that failed to load (no test ran) as one failure', () => {
    const report = { numPassedTests: 4, numFailedTests: 1, numFailedTestSuites: 3, testResults: [file('failed', []), file('failed', ['failed', 'passed']), file('passed', ['passed', 'passed', 'passed'])] };
    expect(summarise(report)).toEqual({ line: '4 passed, 2 failed', code: 1 });
  });

  it('exits 0 only when something passed and nothing failed, and names skipped tests', () => {
    expect(summarise({ numPassedTests: 3, numFailedTests: 0, numPendingTests: 1, testResults: [file('passed', ['passed', 'passed', 'passed', 'skipped'])] })).toEqual({ line: '3 passed, 0 failed, 1 skipped', code: 0 });
    expect(summarise({ numPassedTests: 0, numFailedTests: 0, testResults: [] })).toEqual({ line: '0 passed, 0 failed', code: 1 });
  });

  it('reports one failure when vitest wrote no report at all', () => {
    const run = spawnSync(process.execPath, [SUMMARY, join(tmpdir(), 'firerisk-no-such-report.json')], { encoding: 'utf8' });
    expect([run.stdout.trim(), run.status]).toEqual(['0 passed, 1 failed', 1]);
  });
});
