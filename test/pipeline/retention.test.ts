import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pruneRuns } from '../../src/pipeline/retention.ts';
import { pruneScoreFiles } from '../../src/score/retention.ts';

describe('retention', () => {
  it('keeps the newest runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-runs-'));
    for (const id of ['20261101T010000Z', '20261102T010000Z', '20261103T010000Z']) mkdirSync(join(dir, id));
    expect(pruneRuns(dir, 2)).toEqual(['20261101T010000Z']);
    expect(readdirSync(dir).sort()).toEqual(['20261102T010000Z', '20261103T010000Z']);
  });

  it('removes day files older than the kept window, manifest first, and keeps latest.*', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-scores-'));
    const entry = (path: string, day: string | null) => ({ path, kind: 'geojson', day, sha256: 'x', bytes: 1, feature_count: 1, model_version: 'm' });
    const files = [entry('scores-2026-01-01.geojson', '2026-01-01'), entry('scores-2026-01-02.geojson', '2026-01-02'), entry('scores-2026-01-03.geojson', '2026-01-03'), entry('latest.geojson', '2026-01-03'), entry('warning-levels.qml', null)];
    for (const f of files) writeFileSync(join(dir, f.path), 'x');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'firerisk-scores', format_version: 1, latest_day: '2026-01-03', model_version: 'm', files }));
    expect(pruneScoreFiles(dir, 2)).toEqual(['scores-2026-01-01.geojson']);
    expect(existsSync(join(dir, 'scores-2026-01-01.geojson'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['scores-2026-01-02.geojson', 'scores-2026-01-03.geojson', 'latest.geojson', 'warning-levels.qml']);
  });
});
