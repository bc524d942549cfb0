import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { listModels, readChampion } from '../../src/model/registry.ts';

// A feature file of 20 cells × 100 days from 2024-01-01 whose fires follow x1; the last 3 days are forecasts.
let dir: string;
let configFile: string;

async function runTrain(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await runCli(['-q', '-c', configFile, 'train', ...args]);
    return { code, stdout };
  } finally {
    spy.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firerisk-train-cli-'));
  mkdirSync(join(dir, 'out', 'features'), { recursive: true });
  mkdirSync(join(dir, 'beibei'));
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const path = join(dir, 'out', 'features', 'features.parquet').replaceAll("'", "''");
  await connection.run(`COPY (
      WITH base AS (
        SELECT c.range::INTEGER AS cell_index, (DATE '2024-01-01' + d.range::INTEGER) AS day,
               ((hash(c.range, d.range) % 1000) / 500.0 - 1)::FLOAT AS x1,
               ((hash(d.range, c.range, 7) % 1000) / 500.0 - 1)::FLOAT AS x2,
               (hash(c.range * 31 + d.range) % 1000) / 1000.0 AS u
        FROM range(20) c, range(100) d)
      SELECT cell_index, 'c' || cell_index AS cell_id, day,
             CASE WHEN day > DATE '2024-04-06' THEN NULL WHEN u < 0.06 * exp(1.2 * x1) THEN 1 ELSE 0 END::INTEGER AS y_fires,
             CASE WHEN day > DATE '2024-04-06' THEN NULL WHEN u < 0.06 * exp(1.2 * x1) THEN 2 ELSE 0 END::INTEGER AS y_alarms,
             x1, x2, (x1 > 0.9) AS flag_imputed
      FROM base ORDER BY day, cell_index) TO '${path}' (FORMAT parquet)`);
  connection.closeSync();
  db.closeSync();
  writeFileSync(join(dir, 'out', 'features', 'features.manifest.json'), JSON.stringify({ labels_until: '2024-04-06' }));
  configFile = join(dir, 'firerisk.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      paths: { data: join(dir, 'beibei'), out: join(dir, 'out'), models: join(dir, 'models') },
      model: { hidden_units: [4], max_epochs: 2, train_years: 0.2, validation_days: 10, negative_rate: 0.5, backend: 'wasm' },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('firerisk train', () => {
  it('trains as of the day after the last label, registers the model without promoting it, and prints the figures', async () => {
    const { code, stdout } = await runTrain();
    expect(code).toBe(0);
    // as of 2024-04-07: validation 2024-03-28..2024-04-06, training the 73 days before
    expect(stdout).toContain('as of 2024-04-07: training 2024-01-15..2024-03-27, validation 2024-03-28..2024-04-06');
    expect(stdout).toMatch(/^model m-20240327-[0-9a-f]{8} saved to .* \(not promoted\)$/m);
    expect(stdout).toMatch(/^backend wasm: \d+ training rows, \d+ rows\/s, 2 epochs \(best \d\), [\d.]+ s$/m);
    expect(stdout).toMatch(/^validation mean Poisson deviance 0\.\d{6} \(constant rate: 0\.\d{6}\)$/m);
    const models = listModels(join(dir, 'models'), 'beibei');
    expect(models).toHaveLength(1);
    expect(models[0].status).toBe('candidate');
    expect(models[0].metadata.feature_names).toEqual(['x1', 'x2']);
    expect(models[0].metadata.features_source).toContain('features.parquet');
    expect(readChampion(join(dir, 'models'), 'beibei')).toBeUndefined();
  });

  it('is deterministic: the same run finds the same model id; --as-of trains an earlier model', async () => {
    expect((await runTrain()).stdout).toMatch(/already in/);
    const earlier = await runTrain('--as-of', '2024-03-01');
    expect(earlier.code).toBe(0);
    expect(earlier.stdout).toMatch(/^model m-20240219-/m);
    expect(readdirSync(join(dir, 'models', 'beibei')).filter((n) => n.startsWith('m-'))).toHaveLength(2);
  });

  it('exits 2 on a bad --as-of or when the windows hold no labels', async () => {
    expect((await runTrain('--as-of', '2024-13-01')).code).toBe(2);
    expect((await runTrain('--as-of', '2023-01-01')).code).toBe(2);
  });
});
