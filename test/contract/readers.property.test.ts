import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsvText, readCsvTable } from '../../src/contract/readers.ts';
import { validateTable } from '../../src/contract/validate.ts';
import { tables, type TableName } from '../../src/contract/schemas.ts';
import { InputDataError } from '../../src/util/errors.ts';

/**
 * Whatever bytes arrive, the reader and validator either give a report with
 * read = accepted + quarantined (every data record accounted for), or, when the header itself is
 * unusable, one InputDataError naming the file. Nothing else may escape.
 */
function check(name: TableName, input: string | Buffer) {
  let raw;
  try {
    raw = parseCsvText(input, `${name}.csv`);
  } catch (error) {
    expect(error).toBeInstanceOf(InputDataError);
    expect((error as Error).message.startsWith(`${name}.csv: `)).toBe(true);
    return;
  }
  const result = validateTable(name, raw);
  expect(result.report.read).toBe(raw.rows.length);
  expect(result.report.accepted + result.report.quarantined).toBe(result.report.read);
  expect(result.rows.length).toBe(result.report.accepted);
  expect(Object.values(result.report.reasons).reduce((a, b) => a + b, 0)).toBe(result.report.quarantined);
  // Row numbers are 1..n, each once, in order.
  expect(raw.rows.map((r) => r.row)).toEqual(raw.rows.map((_, i) => i + 1));
  for (const entry of result.quarantine) expect(entry.reason.length).toBeGreaterThan(0);
}

const header = (name: TableName) => Object.keys((tables[name].schema as unknown as { shape: object }).shape).join(',');

/** Cells drawn from values that matter to the contract, plus noise. */
const cell = fc.oneof(
  fc.constantFrom('', ' ', 'fire', 'residential', 'normal', 'hydrant', '106.43', '29.82', '-1', '140', 'NaN', 'Infinity', '1e309', '2025-03-01', '2025-02-30',
    '2025-03-01T14:05:00+08:00', '2025-03-01 14:05', 'true', 'maybe', 'Z1', '"', '""', '"a,b"', '\r', '\n', '\uFEFF', '\u0000'),
  fc.string({ maxLength: 8 }),
);
const line = fc.array(cell, { minLength: 0, maxLength: 14 }).map((cells) => cells.join(','));
const tableName = fc.constantFrom(...(Object.keys(tables) as TableName[]));

describe('CSV reader and validator on malformed input (property-based)', () => {
  it('random bytes never crash and lose nothing', () => {
    fc.assert(
      fc.property(tableName, fc.uint8Array({ maxLength: 400 }), (name, bytes) => check(name, Buffer.from(bytes))),
      { numRuns: 300 },
    );
  });

  it('random bytes after a valid header', () => {
    fc.assert(
      fc.property(tableName, fc.uint8Array({ maxLength: 400 }), (name, bytes) => check(name, Buffer.concat([Buffer.from(`${header(name)}\n`), Buffer.from(bytes)]))),
      { numRuns: 300 },
    );
  });

  it('ragged rows, stray quotes and wrong column counts after a valid header', () => {
    fc.assert(
      fc.property(tableName, fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), (name, lines, eol) => check(name, [header(name), ...lines].join(eol))),
      { numRuns: 400 },
    );
  });

  it('the streaming file reader gives the same rows as the in-memory parser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firerisk-csv-'));
    try {
      await fc.assert(
        fc.asyncProperty(tableName, fc.array(line, { maxLength: 30 }), async (name, lines) => {
          const text = [header(name), ...lines].join('\n');
          const path = join(dir, `${name}.csv`);
          writeFileSync(path, text);
          let expected: unknown;
          try {
            expected = parseCsvText(text, `${name}.csv`).rows;
          } catch (error) {
            await expect(readCsvTable(path)).rejects.toThrow((error as Error).message);
            return;
          }
          expect((await readCsvTable(path)).rows).toEqual(expected);
        }),
        { numRuns: 100 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a record with the wrong number of fields is quarantined, not dropped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }).filter((n) => n !== 10), (fields) => {
        const row = Array.from({ length: fields }, () => 'x').join(',');
        const raw = parseCsvText(`${header('incidents')}\n${row}\n`, 'incidents.csv');
        const result = validateTable('incidents', raw);
        expect(result.quarantine.map((q) => q.reason)).toEqual(['wrong number of fields (expected 10)']);
      }),
      { numRuns: 50 },
    );
  });

  it('an unclosed quote becomes one quarantined record that names its line', () => {
    const raw = parseCsvText(`${header('zones')}\nZ1,106.4,29.8,a\nZ2,106.4,29.8,"open\nZ3,106.4,29.8,c\n`, 'zones.csv');
    const result = validateTable('zones', raw);
    expect(result.report).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
    expect(result.quarantine[0]).toMatchObject({ row: 2, reason: 'unparseable CSV record (Quote Not Closed)', raw: { _line: '4' } });
  });
});
