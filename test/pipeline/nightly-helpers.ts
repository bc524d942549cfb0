/**
 * Shared by the nightly fault tests: a small district (18 months of synthetic history, 3 km cells,
 * about a hundred cells) and a configuration sized so that a whole nightly run takes seconds.
 * Paths in the configuration are relative (like the defaults), so a workspace folder holding
 * district/, out/ and models/ can be copied as a whole; runs happen with the workspace as the
 * working directory (the test pool runs each file in its own process, so chdir is safe).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { runNightly, type NightlyOptions } from '../../src/pipeline/job.ts';
import type { RunSummary } from '../../src/pipeline/summary.ts';
import type { PublishManifest } from '../../src/score/publish.ts';
import { generateSynthetic, writeSynthetic } from '../../src/synth/index.ts';
import { sha256 } from '../../src/util/files.ts';
import { createMemoryLogger } from '../../src/util/log.ts';

export const CLI = join(import.meta.dirname, '../../src/cli/bin.mjs');

type Sections = { [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K] };

/** The small configuration (as written in a YAML file): every path relative to the workspace. */
export const SMALL: Sections = {
  paths: { data: 'district', out: 'out', models: 'models' },
  synth: { seed: 20211, start: '2020-01-01', end: '2021-06-30', forecast_days: 3 },
  grid: { cell_size_m: 3000 },
  features: { threads: 1 },
  model: { train_years: 0.5, validation_days: 60, max_epochs: 3 },
  evaluate: { months: 2, refit_every_months: 2, min_train_days: 30 },
  gate: { window_days: 30 },
};

export function sections(overrides: Sections = {}, base: Sections = SMALL): Sections {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' ? { ...current, ...value } : value;
  }
  return merged as Sections;
}

export const smallConfig = (overrides: Sections = {}, base: Sections = SMALL): Config => configSchema.parse(sections(overrides, base));

/** Writes `<dir>/<name>` as YAML and returns its path (for the CLI). */
export function writeConfig(dir: string, overrides: Sections = {}, name = 'firerisk.yaml', base: Sections = SMALL): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(sections(overrides, base)));
  return path;
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `firerisk-${prefix}-`));

/** Generates the small synthetic district into `<dir>/district` (a few seconds). */
export async function generateDistrict(dir: string): Promise<string> {
  const synth = smallConfig().synth;
  const target = join(dir, 'district');
  await writeSynthetic(generateSynthetic({ seed: synth.seed, from: synth.start, to: synth.end, forecastDays: synth.forecast_days }), target);
  return target;
}

/** A copy of `from` (a workspace or just its district) in a new temp folder. */
export function copyWorkspace(from: string, prefix: string): string {
  const to = tempDir(prefix);
  for (const name of readdirSync(from)) cpSync(join(from, name), join(to, name), { recursive: true });
  return to;
}

/** Runs the nightly job in this process with `dir` as the working directory. */
export async function nightlyIn(dir: string, config: Config = smallConfig(), options: NightlyOptions = {}) {
  const log = createMemoryLogger();
  const previous = process.cwd();
  process.chdir(dir);
  try {
    const summary = await runNightly(config, log, options);
    return { summary, log, lines: log.lines.map((l) => `${l.level}: ${l.message}`) };
  } finally {
    process.chdir(previous);
  }
}

export const statuses = (summary: RunSummary) => Object.fromEntries(summary.stages.map((s) => [s.name, s.status]));
export const stage = (summary: RunSummary, name: string) => summary.stages.find((s) => s.name === name);

/** Every file of a folder (recursively) with its bytes, by relative path. */
export function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name), `${prefix}${entry.name}/`);
      else files.set(`${prefix}${entry.name}`, readFileSync(join(folder, entry.name)));
    }
  };
  walk(dir, '');
  return files;
}

export interface GeoJson {
  type: string;
  metadata: { scored_date: string; time_zone?: string; model_version: string; cell_count: number };
  features: Array<{ properties: Record<string, unknown> }>;
}

/**
 * Checks a published scores folder: manifest.json lists every file there (hidden files aside),
 * each with its true sha256, size and, for GeoJSON, feature count; latest.geojson parses.
 * Returns the manifest and the parsed latest.geojson.
 */
export function checkPublished(scoresDir: string): { manifest: PublishManifest; latest: GeoJson } {
  const manifest = JSON.parse(readFileSync(join(scoresDir, 'manifest.json'), 'utf8')) as PublishManifest;
  const listed = manifest.files.map((f) => f.path).sort();
  const present = readdirSync(scoresDir).filter((name) => !name.startsWith('.') && name !== 'manifest.json').sort();
  if (JSON.stringify(listed) !== JSON.stringify(present)) throw new Error(`manifest lists ${listed.join(', ')} but the folder holds ${present.join(', ')}`);
  for (const entry of manifest.files) {
    const bytes = readFileSync(join(scoresDir, entry.path));
    if (sha256(bytes) !== entry.sha256) throw new Error(`${entry.path}: sha256 differs from the manifest`);
    if (bytes.length !== entry.bytes) throw new Error(`${entry.path}: ${bytes.length} bytes, manifest says ${entry.bytes}`);
    if (entry.kind === 'geojson') {
      const parsed = JSON.parse(bytes.toString('utf8')) as GeoJson;
      if (parsed.features.length !== entry.feature_count) throw new Error(`${entry.path}: ${parsed.features.length} features, manifest says ${entry.feature_count}`);
    }
  }
  const latest = JSON.parse(readFileSync(join(scoresDir, 'latest.geojson'), 'utf8')) as GeoJson;
  return { manifest, latest };
}

export interface CliRun {
  child: ChildProcess;
  stderr: string[];
  stdout: string[];
  /** Resolves on the first stderr line matching `pattern`. */
  waitForLine(pattern: RegExp): Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `firerisk -c <config> nightly` in `cwd` and follows its log lines. */
export function startCli(cwd: string, config: string, args: string[] = []): CliRun {
  const child = spawn(process.execPath, [CLI, '-c', config, 'nightly', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  const stdout: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const follow = (stream: NodeJS.ReadableStream, lines: string[], watch: boolean) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (!watch) continue;
        for (const waiter of [...waiters]) {
          if (waiter.pattern.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
  };
  follow(child.stdout!, stdout, false);
  follow(child.stderr!, stderr, true);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr,
    stdout,
    exit,
    waitForLine: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = stderr.find((line) => pattern.test(line));
        if (seen !== undefined) return resolve(seen);
        waiters.push({ pattern, resolve });
        void exit.then(({ code, signal }) => reject(new Error(`firerisk exited (${code ?? signal}) before a line matching ${pattern}:\n${stderr.join('\n')}`)));
      }),
  };
}

/** The stage's start line as the runner logs it ("train: train the challenger ..."), not its skip line. */
export const stageStart = (name: string) => new RegExp(`^${name}: (?!unchanged inputs)`);

/** Reads the last run summary written under out/runs. */
export function lastSummary(workspace: string): RunSummary {
  const runs = join(workspace, 'out', 'runs');
  const ids = readdirSync(runs, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return JSON.parse(readFileSync(join(runs, ids[ids.length - 1], 'summary.json'), 'utf8')) as RunSummary;
}

/** Removes every row of `day` from a CSV whose first column is the day (crowd_flow.csv, weather.csv). */
export function dropDays(file: string, days: string[]): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((line, k) => k === 0 || !days.some((day) => line.startsWith(`${day},`)));
  writeFileSync(file, kept.join('\n'));
  return lines.length - kept.length;
}

/** Removes the last incident row: new labels, so features, model and scores all change. */
export function dropLastIncident(district: string): void {
  const file = join(district, 'incidents.csv');
  const lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
}

export const ensureDir = (dir: string) => mkdirSync(dir, { recursive: true });
