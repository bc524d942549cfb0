/**
 * Benchmark of `firerisk score` without the feature store: scoring + drivers + publishing one day
 * for a synthetic square grid (default: about 3,000 cells, the size of the Beibei grid at 500 m,
 * and 100,000 cells). The predictor is a real TensorFlow.js MLP of the default shape
 * (48 features -> 32 -> 16 -> 1, log link) with seeded random weights on the backend the model
 * part would choose (WASM here); weights do not change the cost of a forward pass.
 * Each size runs in its own child process so that peak RSS is that size's own.
 *
 *   npx tsx scripts/bench-score.ts                 # both sizes
 *   npx tsx scripts/bench-score.ts --cells 100000  # one size
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { FeatureMatrix } from '../src/features/matrix.ts';
import type { Cell, GridDefinition } from '../src/grid/types.ts';
import type { PredictRates } from '../src/model/types.ts';
import { mulberry32 } from '../src/model/sampling.ts';
import { publishScores } from '../src/score/publish.ts';
import { scoreDay } from '../src/score/score.ts';
import { dayNumber } from '../src/util/days.ts';

const FEATURES = 48;
const HIDDEN = [32, 16];
const PREDICT_CHUNK_ROWS = 65_536;


/** A square grid of `n` cells of 500 m near Beibei, rings in lon/lat by a local equirectangular approximation. */
export function syntheticGrid(n: number): { cells: Cell[]; definition: GridDefinition } {
  const cols = Math.ceil(Math.sqrt(n));
  const size = 500;
  const lat0 = 29.7;
  const lon0 = 106.3;
  const dLat = size / 111_320;
  const dLon = size / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const cells: Cell[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x = lon0 + c * dLon;
    const y = lat0 + r * dLat;
    cells.push({
      cell_index: i,
      cell_id: `r${String(r).padStart(4, '0')}c${String(c).padStart(4, '0')}`,
      centroid_lon: x + dLon / 2,
      centroid_lat: y + dLat / 2,
      centroid_x_m: c * size + size / 2,
      centroid_y_m: r * size + size / 2,
      area_km2: 0.25,
      inside_share: 1,
      ring: [[x, y], [x + dLon, y], [x + dLon, y + dLat], [x, y + dLat], [x, y]],
    });
  }
  const definition: GridDefinition = {
    kind: 'square', crs: 'EPSG:32648', proj4: '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs',
    origin_x_m: 0, origin_y_m: 0, cell_size_m: size, n_cols: cols, n_rows: Math.ceil(n / cols),
    cell_count: n, boundary_sha256: '0'.repeat(64), boundary_source: 'derived',
  };
  return { cells, definition };
}

function syntheticMatrix(n: number, day: string, seed: number): FeatureMatrix {
  const rand = mulberry32(seed);
  const X = new Float32Array(n * FEATURES);
  for (let k = 0; k < X.length; k++) X[k] = (rand() + rand() + rand() - 1.5) * 2;
  return {
    featureNames: Array.from({ length: FEATURES }, (_, j) => `feature_${String(j).padStart(2, '0')}`),
    rows: n,
    X,
    cellIndex: Int32Array.from({ length: n }, (_, i) => i),
    day: new Int32Array(n).fill(dayNumber(day)),
    yFires: new Float32Array(n).fill(Number.NaN),
    yAlarms: new Float32Array(n).fill(Number.NaN),
  };
}

async function useWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const packageDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(join(packageDir, 'dist') + sep);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf.getBackend();
}

function mlpPredictor(seed: number): PredictRates {
  const model = tf.sequential();
  HIDDEN.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', inputShape: i === 0 ? [FEATURES] : undefined, kernelInitializer: tf.initializers.heUniform({ seed: seed + i }) })),
  );
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: seed + 99 }), biasInitializer: tf.initializers.constant({ value: Math.log(0.0007) }) }));
  return async (m) => {
    const out = new Float32Array(m.rows);
    for (let start = 0; start < m.rows; start += PREDICT_CHUNK_ROWS) {
      const end = Math.min(m.rows, start + PREDICT_CHUNK_ROWS);
      const rate = tf.tidy(() => {
        const x = tf.tensor2d(m.X.subarray(start * FEATURES, end * FEATURES), [end - start, FEATURES]);
        return (model.predict(x, { batchSize: end - start }) as tf.Tensor).exp().reshape([-1]);
      });
      out.set(rate.dataSync() as Float32Array, start);
      rate.dispose();
    }
    return out;
  };
}

async function runOne(cellCount: number): Promise<Record<string, unknown>> {
  const backend = await useWasm();
  const day = '2026-01-01';
  const { cells, definition } = syntheticGrid(cellCount);
  const matrix = syntheticMatrix(cellCount, day, 11);
  const predict = mlpPredictor(5);
  const outDir = mkdtempSync(join(tmpdir(), 'firerisk-bench-score-'));
  const t0 = performance.now();
  const scored = await scoreDay({
    day, cells, grid: definition, matrix, predict,
    reference: new Float32Array(FEATURES),
    warning: { mode: 'absolute', thresholds: { I: 0.02, II: 0.01, III: 0.005, IV: 0.002 } },
    driversCount: 3, modelVersion: 'bench-mlp', lastDataDay: '2025-12-31',
    flags: { weather_imputed: false },
  });
  const t1 = performance.now();
  await publishScores([scored], outDir);
  const t2 = performance.now();
  const sizes = Object.fromEntries(readdirSync(outDir).sort().map((f) => [f, statSync(join(outDir, f)).size]));
  rmSync(outDir, { recursive: true, force: true });
  return {
    cells: cellCount,
    backend,
    features: FEATURES,
    score_s: Number(((t1 - t0) / 1000).toFixed(2)),
    publish_s: Number(((t2 - t1) / 1000).toFixed(2)),
    total_s: Number(((t2 - t0) / 1000).toFixed(2)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    counts: scored.counts,
    file_bytes: sizes,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

export async function benchScore(sizes: number[] = [3000, 100_000]): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const tsx = join(dirname(self), '..', 'node_modules', '.bin', 'tsx');
  for (const size of sizes) {
    const child = spawnSync(tsx, [self, '--cells', String(size), '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`bench for ${size} cells failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { cells: number; backend: string; score_s: number; publish_s: number; total_s: number; peak_rss_mb: number; counts: unknown; file_bytes: Record<string, number> };
    const target = size <= 3000 ? 'target < 2 s' : 'target < 30 s and < 2 GB';
    process.stdout.write(
      `score ${r.cells} cells (${r.backend}, MLP ${FEATURES}-${HIDDEN.join('-')}-1, 3 drivers): score ${r.score_s} s + publish ${r.publish_s} s = ${r.total_s} s, peak RSS ${r.peak_rss_mb} MB (${target})\n` +
        `  levels ${JSON.stringify(r.counts)}\n` +
        `  files ${Object.entries(r.file_bytes).map(([f, b]) => `${f} ${mb(b)}`).join(', ')}\n`,
    );
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const at = process.argv.indexOf('--cells');
  if (at > 0) {
    const result = await runOne(Number(process.argv[at + 1]));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    await benchScore();
  }
}
