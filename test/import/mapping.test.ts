import { describe, expect, it } from 'vitest';
import { applyMapping, contractColumns, mappingSchema, parseMapping, sourceColumnsOf, type MappingInput } from '../../src/contract/mapping.ts';

const map = (input: MappingInput) => mappingSchema.parse(input);

describe('applyMapping: a dispatch export with Chinese headers', () => {
  const mapping = map({
    table: 'incidents',
    timezone: 'Asia/Shanghai',
    columns: {
      incident_id: '警情编号',
      reported_at: { from: ['报警日期', '报警时间'], type: 'instant', format: 'yyyy/M/d HH:mm:ss' },
      category: { from: '警情类型', map: { 火灾扑救: 'fire', 抢险救援: 'rescue', 社会救助: 'assistance', 其他出动: 'other' } },
      property_type: { from: '场所', map: { 住宅: 'residential', 商铺: 'commercial' }, map_default: 'other' },
      loss_cny: { from: '损失(万元)', type: 'number', multiply: 10000, default: 0 },
    },
    coordinates: { x: '经度', y: '纬度', crs: 'WGS84' },
    filters: [{ column: '警情类型', not_in: ['虚假警情'], reason: 'false alarm' }],
  });
  const rows = [
    { 警情编号: 'A1', 报警日期: '2024/3/5', 报警时间: '14:07:09', 警情类型: '火灾扑救', 场所: '住宅', '损失(万元)': '1.5', 经度: '106.4', 纬度: '29.8' },
    { 警情编号: 'A2', 报警日期: '2024/12/31', 报警时间: '23:59:00', 警情类型: '抢险救援', 场所: '桥梁', '损失(万元)': '', 经度: '106.5', 纬度: '29.9' },
    { 警情编号: 'A3', 报警日期: '2024/3/5', 报警时间: '14:07:09', 警情类型: '虚假警情', 场所: '住宅', '损失(万元)': '', 经度: '106.4', 纬度: '29.8' },
    { 警情编号: 'A4', 报警日期: '2024/3/5', 报警时间: '待补录', 警情类型: '火灾扑救', 场所: '住宅', '损失(万元)': '', 经度: '106.4', 纬度: '29.8' },
    { 警情编号: 'A5', 报警日期: '2024/3/6', 报警时间: '08:00:00', 警情类型: '交通事故', 场所: '住宅', '损失(万元)': '', 经度: '106.4', 纬度: '29.8' },
  ];
  const result = applyMapping(mapping, rows);

  it('writes contract columns in contract order, with instants carrying the source offset', () => {
    expect(result.columns).toEqual(['incident_id', 'reported_at', 'lon', 'lat', 'category', 'property_type', 'loss_cny']);
    expect(result.rows).toEqual([
      { incident_id: 'A1', reported_at: '2024-03-05T14:07:09+08:00', lon: '106.4', lat: '29.8', category: 'fire', property_type: 'residential', loss_cny: '15000' },
      { incident_id: 'A2', reported_at: '2024-12-31T23:59:00+08:00', lon: '106.5', lat: '29.9', category: 'rescue', property_type: 'other', loss_cny: '0' },
    ]);
    expect(result.sourceRows).toEqual([1, 2]);
  });

  it('counts filtered rows by reason and rejects unparseable rows with row, column and reason', () => {
    expect(result.filtered).toEqual({ count: 1, reasons: { 'false alarm': 1 } });
    expect(result.rejected.map(({ row, column }) => ({ row, column }))).toEqual([
      { row: 4, column: '报警日期+报警时间' },
      { row: 5, column: '警情类型' },
    ]);
    expect(result.rejected[0].reason).toBe('mapping: reported_at not a time in format yyyy/M/d HH:mm:ss');
    expect(result.rejected[0].raw).toBe(rows[3]);
    expect(result.rejected[1].reason).toContain('label not in the value map');
    expect(result.read).toBe(result.rows.length + result.filtered.count + result.rejected.length);
  });
});

describe('applyMapping: timestamps', () => {
  const one = (spec: MappingInput['columns'][string], value: string, timezone = 'Asia/Shanghai') =>
    applyMapping(map({ table: 'weather', timezone, columns: { date: spec } }), [{ t: value }]);

  it('parses Chinese date patterns to local days', () => {
    expect(one({ from: 't', type: 'day', format: 'yyyy年M月d日' }, '2024年7月1日').rows[0].date).toBe('2024-07-01');
  });
  it('takes the local day of an instant in the mapping time zone', () => {
    // 23:30 UTC is already the next day in Shanghai (UTC+8).
    expect(one({ from: 't', type: 'day', format: 'iso' }, '2024-07-01T23:30:00Z').rows[0].date).toBe('2024-07-02');
  });
  it('reads spreadsheet serial days and epoch seconds', () => {
    expect(one({ from: 't', type: 'day', format: 'excel' }, '45474').rows[0].date).toBe('2024-07-01');
    expect(one({ from: 't', type: 'day', format: 'epoch_s' }, '1719849600').rows[0].date).toBe('2024-07-02'); // 2024-07-01T16:00Z
  });
  it('rejects an impossible date instead of rolling it over', () => {
    expect(one({ from: 't', type: 'day', format: 'yyyy/MM/dd' }, '2024/02/30').rejected).toHaveLength(1);
  });
  it('writes instants with the offset of the source zone, DST included', () => {
    const r = applyMapping(map({ table: 'incidents', timezone: 'America/New_York', columns: { reported_at: { from: 't', type: 'instant', format: 'yyyy-MM-dd HH:mm' } } }), [
      { t: '2024-01-15 09:00' },
      { t: '2024-07-15 09:00' },
    ]);
    expect(r.rows.map((row) => row.reported_at)).toEqual(['2024-01-15T09:00:00-05:00', '2024-07-15T09:00:00-04:00']);
  });
  it('parses the Chinese hour/minute pattern', () => {
    const r = applyMapping(map({ table: 'incidents', columns: { reported_at: { from: 't', type: 'instant', format: 'yyyy年M月d日 H时m分' } } }), [{ t: '2024年3月5日 9时7分' }]);
    expect(r.rows[0].reported_at).toBe('2024-03-05T09:07:00+08:00');
  });
  it('extracts the local hour for hourly crowd counts', () => {
    const r = applyMapping(map({ table: 'crowd_flow', columns: { hour: { from: 't', type: 'hour', format: 'yyyy-MM-dd HH:mm' }, population: 'p' } }), [{ t: '2024-03-05 07:00', p: '12' }]);
    expect(r.rows[0]).toEqual({ hour: '7', population: '12' });
  });
});

describe('applyMapping: units', () => {
  const weather = (columns: MappingInput['columns'], row: Record<string, string>) => applyMapping(map({ table: 'weather', columns }), [row]);

  it('converts °F, km/h, fraction and inches to the contract units', () => {
    const r = weather(
      {
        temp_max_c: { from: 'hi', type: 'number', unit: 'degF' },
        wind_speed_ms: { from: 'w', type: 'number', unit: 'km/h' },
        rel_humidity_pct: { from: 'h', type: 'number', unit: 'fraction' },
        precip_mm: { from: 'p', type: 'number', unit: 'inch' },
      },
      { hi: '212', w: '36', h: '0.65', p: '1.5' },
    );
    expect(r.rows[0]).toEqual({ temp_max_c: '100', rel_humidity_pct: '65', wind_speed_ms: '10', precip_mm: '38.1' });
  });
  it('takes the WMO midpoint of a Beaufort force, and of a force range as Chinese reports write it', () => {
    const r = applyMapping(map({ table: 'weather', columns: { wind_speed_ms: { from: 'w', type: 'number', unit: 'beaufort' } } }), [{ w: '3级' }, { w: '0' }, { w: '3-4级' }, { w: '6' }, { w: '微风' }]);
    // force 3: 3.4-5.4 m/s; force 0: 0-0.2; 3-4: 3.4-7.9; force 6: 10.8-13.8
    expect(r.rows.map((row) => row.wind_speed_ms)).toEqual(['4.4', '0.1', '5.65', '12.3']);
    expect(r.rejected[0]).toMatchObject({ row: 5, column: 'w' });
  });
  it('strips thousands separators and reads decimal commas when told', () => {
    const r = applyMapping(map({ table: 'incidents', columns: { loss_cny: { from: 'a', type: 'number' }, deaths: { from: 'b', type: 'number', decimal: ',' } } }), [{ a: '12,500.5', b: '1.000,0' }]);
    expect(r.rows[0]).toEqual({ loss_cny: '12500.5', deaths: '1000' });
  });
  it('extracts a number from text with a unit suffix', () => {
    const r = applyMapping(map({ table: 'weather', columns: { temp_max_c: { from: 't', extract: '(-?[\\d.]+)\\s*℃', type: 'number' } } }), [{ t: '31.5℃' }, { t: 'n/a' }]);
    expect(r.rows[0].temp_max_c).toBe('31.5');
    expect(r.rejected[0].reason).toContain('does not match');
  });
});

describe('applyMapping: ids, constants, filters', () => {
  it('generates the same id for the same row content and different ids for different content', () => {
    const m = map({ table: 'pois', columns: { kind: { const: 'high_rise' }, name: '名称' }, id: { column: 'poi_id', from: ['名称'], prefix: 'poi-' } });
    const r = applyMapping(m, [{ 名称: '北碚大厦' }, { 名称: '北碚大厦' }, { 名称: '缙云山庄' }]);
    expect(r.columns).toEqual(['poi_id', 'kind', 'name']);
    expect(r.rows[0].poi_id).toMatch(/^poi-[0-9a-f]{16}$/);
    expect(r.rows[0].poi_id).toBe(r.rows[1].poi_id);
    expect(r.rows[2].poi_id).not.toBe(r.rows[0].poi_id);
    expect(r.rows[0].kind).toBe('high_rise');
  });
  it('keeps only rows matching an `in` list or a pattern', () => {
    const m = map({ table: 'incidents', columns: { cause: 'c' }, filters: [{ column: 'type', in: ['火灾扑救', '抢险救援'] }, { column: 'c', pattern: '^电' }] });
    const r = applyMapping(m, [
      { type: '火灾扑救', c: '电气故障' },
      { type: '社会救助', c: '电气故障' },
      { type: '抢险救援', c: '吸烟' },
    ]);
    expect(r.rows).toEqual([{ cause: '电气故障' }]);
    expect(r.filtered).toEqual({ count: 2, reasons: { 'filter: type not in [火灾扑救, 抢险救援]': 1, 'filter: c not matching /^电/': 1 } });
  });
  it('rejects a row that lacks a mapped source column instead of treating it as empty', () => {
    const r = applyMapping(map({ table: 'incidents', columns: { cause: 'c' } }), [{ other: 'x' }]);
    expect(r.rejected[0]).toMatchObject({ row: 1, column: 'c', reason: 'mapping: source column "c" missing from the row' });
  });
});

describe('mapping files', () => {
  it('reads YAML and lists the source columns it needs', () => {
    const m = parseMapping(
      'table: incidents\ncolumns:\n  incident_id: 编号\n  category: {from: 类型, map: {火灾扑救: fire}}\ncoordinates: {x: 经度, y: 纬度, crs: GCJ02}\n',
      'dispatch.yaml',
    );
    expect(sourceColumnsOf(m).sort()).toEqual(['类型', '经度', '纬度', '编号'].sort());
  });
  it('names every problem of an invalid mapping with its path', () => {
    const bad = JSON.stringify({
      table: 'weather',
      columns: { temp_max: 'x', wind_speed_ms: { from: 'w', type: 'number', unit: 'degF' }, date: { from: 'd', type: 'day', format: 'yyyy-MM-dd J' } },
      coordinates: { x: 'a', y: 'b', crs: 'EPSG:4547' },
    });
    expect(() => parseMapping(bad, 'w.json')).toThrowError(/w\.json: invalid mapping: .*columns\.temp_max: "temp_max" is not a column of weather/);
    expect(() => parseMapping(bad, 'w.json')).toThrowError(/columns\.wind_speed_ms: unit degF measures temperature, but wind_speed_ms holds speed/);
    expect(() => parseMapping(bad, 'w.json')).toThrowError(/coordinates\.proj4: EPSG:4547 needs its proj4 definition/);
    expect(() => parseMapping(bad, 'w.json')).toThrowError(/columns\.date: invalid date-fns pattern/);
  });
  it('knows the contract columns of every target table', () => {
    expect(contractColumns('weather')).toContain('wind_speed_ms');
    expect(contractColumns('zones')).toEqual(['zone_id', 'lon', 'lat', 'name']);
  });
});

describe('docs/bring-your-own-data.md', () => {
  it('every mapping shown in the guide is a valid mapping', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../docs/bring-your-own-data.md', import.meta.url), 'utf8');
    const blocks = [...text.matchAll(/```(json|yaml)\n([\s\S]*?)```/g)].filter(([, , body]) => /^\s*("table"|table:)/m.test(body));
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const [, lang, body] of blocks) expect(() => parseMapping(body, `guide.${lang}`)).not.toThrow();
  });
});
