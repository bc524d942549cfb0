import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeIo, publishScores, type PublishIo, type PublishManifest } from '../../src/score/publish.ts';
import { scoreTiny, tinyInput, matrixOf } from './fixture.ts';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

async function nextDay() {
  const base = tinyInput();
  const rows = Array.from({ length: 9 }, (_, i) => ({ cell_index: i, x: [i / 2, 0, 0] }));
  return scoreTiny({ day: '2026-01-16', matrix: matrixOf(base.matrix.featureNames, '2026-01-16', rows), flags: {} });
}

describe('publishScores', () => {
  it('writes per-day files, latest files, the QGIS style and a manifest with hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    const manifest = await publishScores([await nextDay(), await scoreTiny()], dir);
    expect(readdirSync(dir).sort()).toEqual([
      'latest.csv', 'latest.geojson', 'latest.html', 'manifest.json',
      'scores-2026-01-15.csv', 'scores-2026-01-15.geojson', 'scores-2026-01-16.csv', 'scores-2026-01-16.geojson', 'warning-levels.qml',
    ]);
    // latest = the first (nearest) scored day of the run
    expect(manifest.latest_day).toBe('2026-01-15');
    expect(readFileSync(join(dir, 'latest.geojson'), 'utf8')).toBe(readFileSync(join(dir, 'scores-2026-01-15.geojson'), 'utf8'));
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as PublishManifest;
    expect(onDisk).toEqual(manifest);
    expect(onDisk.files.map((f) => f.path)).not.toContain('manifest.json');
    for (const f of onDisk.files) {
      expect(f.sha256).toBe(sha(join(dir, f.path)));
      expect(f.bytes).toBe(readFileSync(join(dir, f.path)).length);
    }
    const g16 = onDisk.files.find((f) => f.path === 'scores-2026-01-16.geojson')!;
    expect(g16).toMatchObject({ kind: 'geojson', day: '2026-01-16', feature_count: 9, model_version: 'fixture-glm-1' });
    expect(onDisk.files.find((f) => f.path === 'warning-levels.qml')).toMatchObject({ day: null, feature_count: null });
  });

  it('keeps earlier days in the manifest when a later run publishes another day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    await publishScores([await scoreTiny()], dir);
    const second = await publishScores([await nextDay()], dir);
    const paths = second.files.map((f) => f.path);
    expect(paths).toContain('scores-2026-01-15.geojson');
    expect(paths).toContain('scores-2026-01-16.geojson');
    expect(second.latest_day).toBe('2026-01-16');
  });

  it('removes temporary files abandoned by a killed publish, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    writeFileSync(join(dir, `.scores-2026-01-15.geojson.tmp-${deadPid}-0a1b2c3d`), '{"half');
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    await publishScores([await scoreTiny()], dir);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('kept');
  });

  it('publishes the same bytes when rerun on the same scores', async () => {
    const a = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    const b = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    await publishScores([await scoreTiny()], a);
    await publishScores([await scoreTiny()], b);
    expect(snapshot(a)).toEqual(snapshot(b));
  });

  it('leaves the previous files intact and readable when a write fails mid-publish (disk full)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    await publishScores([await scoreTiny()], dir);
    const before = snapshot(dir);
    let writes = 0;
    const fullDisk: PublishIo = {
      ...nodeIo,
      async writeFile(path, data) {
        if (++writes === 4) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        await nodeIo.writeFile(path, data);
      },
    };
    await expect(publishScores([await nextDay()], dir, { io: fullDisk })).rejects.toThrow(/previous files left unchanged.*ENOSPC/);
    expect(writes).toBe(4);
    expect(snapshot(dir)).toEqual(before); // no new day, no temp files, old bytes
    const latest = JSON.parse(readFileSync(join(dir, 'latest.geojson'), 'utf8'));
    expect(latest.features).toHaveLength(9);
    expect(latest.metadata.scored_date).toBe('2026-01-15');
  });

  it('does not update the manifest when replacing a file fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    await publishScores([await scoreTiny()], dir);
    const manifestBefore = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const failingRename: PublishIo = {
      ...nodeIo,
      async rename(from, to) {
        if (to.endsWith('latest.csv')) throw new Error('EIO: i/o error');
        await nodeIo.rename(from, to);
      },
    };
    await expect(publishScores([await nextDay()], dir, { io: failingRename })).rejects.toThrow(/manifest.json not updated/);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(join(dir, 'latest.csv'), 'utf8')).toContain('2026-01-15');
  });

  it('renders everything before writing: invalid scores change nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-publish-'));
    await publishScores([await scoreTiny()], dir);
    const before = snapshot(dir);
    const broken = await nextDay();
    broken.cells[3] = { ...broken.cells[3], risk: Number.NaN };
    await expect(publishScores([broken], dir)).rejects.toThrow(/risk is NaN/);
    expect(snapshot(dir)).toEqual(before);
  });
});
