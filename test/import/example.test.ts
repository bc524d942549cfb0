import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles, parseRawSource } from '../../src/contract/import.ts';
import { parseMapping } from '../../src/contract/mapping.ts';

const example = join(import.meta.dirname, '../../datasets/examples/dispatch-gcj02');
const work = mkdtempSync(join(tmpdir(), 'firerisk-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const mappingFile = (name: string) => join(example, 'mappings', name);
const load = (name: string) => parseMapping(readFileSync(mappingFile(name), 'utf8'), name);

const sources = [
  { mapping: 'incidents.yaml', raw: '警情记录_2023-2024.csv', target: 'incidents', read: 376, written: 352, filtered: 22, quarantined: 4 },
  { mapping: 'weather.json', raw: '气象日报.csv', target: 'weather', read: 734, written: 734, filtered: 0, quarantined: 0 },
  { mapping: 'pois.yaml', raw: '重点单位名录.csv', target: 'pois', read: 48, written: 48, filtered: 0, quarantined: 0 },
] as const;

describe('the foreign-shaped example (datasets/examples/dispatch-gcj02)', () => {
  it.each(sources)('$raw through $mapping gives exactly the expected $target table', ({ mapping, raw, target: table, read, written, filtered, quarantined }) => {
    const outcome = importFiles(load(mapping), [join(example, 'raw', raw)], work, 0.05);
    expect(outcome.written).toBe(join(work, `${table}.csv`));
    expect(readFileSync(join(work, `${table}.csv`), 'utf8')).toBe(readFileSync(join(example, 'expected', `${table}.csv`), 'utf8'));
    expect(outcome.counts).toMatchObject({ read, written, filtered, quarantined });
    expect(outcome.counts.read).toBe(outcome.counts.written + outcome.counts.filtered + (outcome.counts.quarantined - (outcome.counts.written - outcome.counts.accepted)));
  });

  it('reports every incident row that did not make it, pointing at the raw file row', () => {
    const outcome = importFiles(load('incidents.yaml'), [join(example, 'raw', '警情记录_2023-2024.csv')], work, 0.05);
    expect(outcome.filteredReasons).toEqual({ 'false alarm (虚假警情)': 22 });
    const entries = outcome.report.quarantine.map((q) => ({ file: q.file, row: q.row, column: q.column, reason: q.reason }));
    expect(entries).toEqual([
      { file: '警情记录_2023-2024.csv', row: 41, column: '报警日期+报警时间', reason: 'mapping: reported_at not a time in format yyyy/M/d HH:mm:ss' },
      { file: '警情记录_2023-2024.csv', row: 213, column: '报警日期+报警时间', reason: 'mapping: reported_at not a time in format yyyy/M/d HH:mm:ss' },
      { file: '警情记录_2023-2024.csv', row: 98, column: 'lon (经度/纬度)', reason: 'empty required cell: lon' },
      { file: '警情记录_2023-2024.csv', row: 152, column: 'incident_id (警情编号)', reason: 'duplicate key: incident_id' },
    ]);
    expect(outcome.report.quarantine[0].raw['报警时间']).toBe('待补录');
  });

  it('hand-checked rows: a GBK alarm with a thousands separator, a °F/Beaufort day, a BD-09 unit', () => {
    const incidents = readFileSync(join(example, 'expected', 'incidents.csv'), 'utf8').split('\n');
    // raw: BB2023000003,2023/1/4,18:30:27,火灾扑救,室外,吸烟,106.377850,29.764878,...,"2,300",0,0
    // GCJ-02 -> WGS84 moves a Chongqing point about 0.0040° west and 0.0025° north.
    const row = incidents.find((l) => l.startsWith('BB2023000003,'))!.split(',');
    expect(row.slice(0, 2)).toEqual(['BB2023000003', '2023-01-04T18:30:27+08:00']);
    expect(Number(row[2])).toBeCloseTo(106.37785 - 0.00400, 3);
    expect(Number(row[3])).toBeCloseTo(29.764878 + 0.00254, 3);
    expect(row.slice(4)).toEqual(['fire', '吸烟', 'outdoor', '2300', '0', '0']);
    // raw: 57511,北碚,2023年1月1日,56.5,43.7,0.83,1级,0.0,实况 -> (56.5-32)*5/9 = 13.6111, (43.7-32)*5/9 = 6.5, force 1 = 0.3-1.5 m/s
    expect(readFileSync(join(example, 'expected', 'weather.csv'), 'utf8').split('\n')[1]).toBe('2023-01-01,57511,13.611111,6.5,83,0.9,0,false');
  });

  it('decodes a GBK export and reads its Chinese header', () => {
    const bytes = iconv.encode('警情编号,警情类型\r\n1,火灾扑救\r\n', 'gbk');
    const parsed = parseRawSource(bytes, 'x.csv', { encoding: 'gbk', delimiter: ',', skip_lines: 0 });
    expect(parsed.columns).toEqual(['警情编号', '警情类型']);
    expect(parsed.rows).toEqual([{ row: 1, values: { 警情编号: '1', 警情类型: '火灾扑救' }, problem: undefined }]);
  });

  it('skips title lines, reads other delimiters and quarantines ragged records', () => {
    const parsed = parseRawSource(new TextEncoder().encode('北碚区 2024 年报表\n编号;类型\n1;a\n2;b;extra\n'), 'y.csv', { encoding: 'utf-8', delimiter: ';', skip_lines: 1 });
    expect(parsed.columns).toEqual(['编号', '类型']);
    expect(parsed.rows[1]).toMatchObject({ row: 2, problem: 'unparseable CSV record: 3 fields, header has 2' });
  });
});

describe('firerisk import (CLI)', () => {
  const cli = join(import.meta.dirname, '../../src/cli/bin.mjs');
  it('writes the table, the quarantine and the summary, and exits 0', () => {
    const out = join(work, 'cli');
    const quarantine = join(work, 'cli-q');
    const stdout = execFileSync('node', [cli, 'import', '--mapping', mappingFile('incidents.yaml'), '--in', join(example, 'raw', '警情记录_2023-2024.csv'), '--out', out, '--quarantine', quarantine], { encoding: 'utf8' });
    expect(stdout).toMatch(/警情记录_2023-2024\.csv\s+376\s+350\s+4/);
    expect(stdout).toMatch(/22\s+false alarm/);
    expect(readFileSync(join(out, 'incidents.csv'), 'utf8')).toBe(readFileSync(join(example, 'expected', 'incidents.csv'), 'utf8'));
    expect(readFileSync(join(quarantine, 'incidents.csv'), 'utf8').split('\n')[1]).toMatch(/^41,报警日期\+报警时间,mapping: reported_at/);
    expect(JSON.parse(readFileSync(join(quarantine, 'import-summary.json'), 'utf8')).counts).toEqual({ read: 376, written: 352, filtered: 22, quarantined: 4, accepted: 350 });
  });

  it('exits 3 naming the file and the missing source column, and 2 for an invalid mapping', () => {
    const raw = join(work, 'short.csv');
    writeFileSync(raw, iconv.encode('警情编号,报警日期\r\n1,2024/1/1\r\n', 'gbk'));
    const missing = spawnSync('node', [cli, 'import', '--mapping', mappingFile('incidents.yaml'), '--in', raw, '--out', join(work, 'x')], { encoding: 'utf8' });
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/short\.csv: missing source columns '报警时间', '警情类型', .*\(header: 警情编号, 报警日期\)/);
    const badMapping = join(work, 'bad.json');
    writeFileSync(badMapping, JSON.stringify({ table: 'incidents', columns: { when: 'x' } }));
    const bad = spawnSync('node', [cli, 'import', '--mapping', badMapping, '--in', raw, '--out', join(work, 'x')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: invalid mapping: columns\.when: "when" is not a column of incidents/);
  });
});
