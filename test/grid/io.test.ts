import { mkdtempSync, readdirSync, writeFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { buildGrid, createCellLocator, neighbourLists, readGrid, writeGrid } from '../../src/grid/index.ts';
import { boundaryOf, fixtures, h3Params, squareParams } from './helpers.ts';

describe('grid.json', () => {
  for (const [name, params] of [['square', squareParams(500)], ['h3', h3Params(8)]] as const) {
    it(`round-trips a ${name} grid (coordinates to 1e-7 degrees)`, () => {
      const grid = buildGrid(boundaryOf('l-shape'), params, 'file');
      const dir = mkdtempSync(join(tmpdir(), 'grid-io-'));
      writeGrid(grid, dir);
      expect(readdirSync(dir)).toEqual(['grid.json']);
      const back = readGrid(dir);
      expect(back.definition).toEqual(grid.definition);
      expect(back.cells.map((c) => c.cell_id)).toEqual(grid.cells.map((c) => c.cell_id));
      back.cells.forEach((c, i) => {
        const o = grid.cells[i];
        expect(c.cell_index).toBe(i);
        expect(c.row).toBe(o.row);
        expect(c.inside_share).toBeCloseTo(o.inside_share, 8);
        expect(c.centroid_lon).toBeCloseTo(o.centroid_lon, 6);
        expect(c.ring).toHaveLength(o.ring.length);
        expect(c.ring[0]).toEqual(c.ring[c.ring.length - 1]);
      });
      const a = createCellLocator(grid);
      const b = createCellLocator(back);
      for (const c of grid.cells) expect(b(c.centroid_lon, c.centroid_lat)).toBe(a(c.centroid_lon, c.centroid_lat));
      expect(neighbourLists(back)).toEqual(neighbourLists(grid));
    });
  }

  it('refuses a damaged file with a message naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grid-io-'));
    writeGrid(buildGrid(boundaryOf('rectangle'), squareParams(1000), 'file'), dir);
    const path = join(dir, 'grid.json');
    const data = JSON.parse(readFileSync(path, 'utf8'));
    data.cells.inside_share.pop();
    writeFileSync(path, JSON.stringify(data));
    expect(() => readGrid(dir)).toThrow(/grid\.json: cells\.inside_share has 29 entries, cell_count is 30/);
    expect(() => readGrid(join(dir, 'missing'))).toThrow(/run `firerisk grid` first/);
    data.cells.inside_share.push(0);
    writeFileSync(path, JSON.stringify(data));
    expect(() => readGrid(dir)).toThrow(/cells\.inside_share\[29\] is invalid: 0/);
  });
});

describe('firerisk grid', () => {
  it('builds the grid from boundary.geojson', async () => {
    const data = mkdtempSync(join(tmpdir(), 'grid-cli-data-'));
    const out = mkdtempSync(join(tmpdir(), 'grid-cli-out-'));
    copyFileSync(join(fixtures, 'rectangle', 'boundary.geojson'), join(data, 'boundary.geojson'));
    expect(await runCli(['--quiet', 'grid', '--data', data, '--out', out, '--cell-size', '1000'])).toBe(0);
    const grid = readGrid(join(out, 'grid'));
    expect(grid.definition).toMatchObject({ kind: 'square', cell_size_m: 1000, cell_count: 30, boundary_source: 'file' });
    expect(await runCli(['--quiet', 'grid', '--data', data, '--out', out, '--kind', 'h3', '--h3-resolution', '7'])).toBe(0);
    expect(readGrid(join(out, 'grid')).definition).toMatchObject({ kind: 'h3', h3_resolution: 7 });
    expect(await runCli(['--quiet', 'grid', '--data', data, '--out', out, '--kind', 'hex'])).toBe(2);
  });

  it('derives the study area from incidents.csv when there is no boundary file', async () => {
    const data = mkdtempSync(join(tmpdir(), 'grid-cli-data-'));
    const out = join(mkdtempSync(join(tmpdir(), 'grid-cli-out-')), 'nested');
    mkdirSync(data, { recursive: true });
    writeFileSync(
      join(data, 'incidents.csv'),
      ['incident_id,reported_at,lon,lat,category,property_type', 'a,2025-01-01T10:00:00+08:00,106.40,29.80,fire,other', 'b,2025-01-02T10:00:00+08:00,106.45,29.85,fire,other', 'c,2025-01-03T10:00:00+08:00,106.42,29.86,rescue,other', 'd,2025-01-03T11:00:00+08:00,,29.86,rescue,other'].join('\n'),
    );
    expect(await runCli(['--quiet', 'grid', '--data', data, '--out', out])).toBe(0);
    const grid = readGrid(join(out, 'grid'));
    expect(grid.definition.boundary_source).toBe('derived');
    const locate = createCellLocator(grid);
    for (const [lon, lat] of [[106.4, 29.8], [106.45, 29.85], [106.42, 29.86]]) expect(locate(lon, lat)).toBeGreaterThanOrEqual(0);
  });

  it('fails with exit 3 when there is neither a boundary nor incidents', async () => {
    const data = mkdtempSync(join(tmpdir(), 'grid-cli-data-'));
    expect(await runCli(['--quiet', 'grid', '--data', data, '--out', data])).toBe(3);
  });
});
