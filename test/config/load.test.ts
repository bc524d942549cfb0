import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, environmentOverrides } from '../../src/config/load.ts';
import { UsageError } from '../../src/util/errors.ts';

describe('loadConfig', () => {
  it('gives documented defaults with no file and no environment', () => {
    const config = loadConfig(undefined, {});
    expect(config.paths.data).toBe('datasets/beibei');
    expect(config.grid.cell_size_m).toBe(500);
    // Looked up from the district's location when the data are read (Asia/Shanghai, CN, UTM 48N for Beibei).
    expect(config.timezone).toBe('auto');
    expect(config.holidays_country).toBe('auto');
    expect(config.grid.crs).toBe('auto');
  });

  it('refuses a time zone or a country code that does not exist, naming the key', () => {
    expect(() => loadConfig(undefined, { FIRERISK_TIMEZONE: 'Asia/Beibei' })).toThrow(/timezone.*not an IANA time zone/);
    expect(loadConfig(undefined, { FIRERISK_TIMEZONE: 'Europe/London', FIRERISK_HOLIDAYS_COUNTRY: 'GB' })).toMatchObject({ timezone: 'Europe/London', holidays_country: 'GB' });
    expect(() => loadConfig(undefined, { FIRERISK_HOLIDAYS_COUNTRY: 'Britain' })).toThrow(/holidays_country.*ISO 3166-1 alpha-2/);
  });

  it('lets a YAML file and then the environment override defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-config-'));
    const file = join(dir, 'firerisk.yaml');
    writeFileSync(file, 'grid:\n  cell_size_m: 250\npaths:\n  out: elsewhere\n');
    const config = loadConfig(file, { FIRERISK_PATHS__OUT: 'from-env', FIRERISK_MODEL__HIDDEN_UNITS: '[8,4]' });
    expect(config.grid.cell_size_m).toBe(250);
    expect(config.paths.out).toBe('from-env');
    expect(config.model.hidden_units).toEqual([8, 4]);
  });

  it('names the field of an invalid value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ grid: { cell_size_m: -5 } }));
    expect(() => loadConfig(file, {})).toThrow(UsageError);
    expect(() => loadConfig(file, {})).toThrow(/grid\.cell_size_m/);
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-config-'));
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ grid: { cell_size: 250 } }));
    expect(() => loadConfig(file, {})).toThrow(/cell_size/);
  });

  it('parses environment values as numbers, booleans and JSON', () => {
    expect(environmentOverrides({ FIRERISK_SCORE__DAYS: '3', FIRERISK_X__Y: 'true', OTHER: '1' })).toEqual({ score: { days: 3 }, x: { y: true } });
  });
});
