import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FireriskError } from '../util/errors.ts';
import { scoredDayToCsv } from './csv.ts';
import { scoredDayToGeoJson } from './geojson.ts';
import { scoredDayToHtml } from './html.ts';
import { warningLevelsQml } from './qml.ts';
import type { ScoredDay } from './score.ts';
import { isProcessAlive } from '../util/process.ts';

/**
 * Atomic publication of scored days into one folder:
 *   scores-YYYY-MM-DD.geojson / .csv   one pair per day
 *   latest.geojson / latest.csv / latest.html   the first (nearest) day of this run
 *   warning-levels.qml                 QGIS style for any of the GeoJSON files
 *   manifest.json                      every published file with sha256, size, feature count, model version, day
 * Everything is rendered in memory first; then each file is written to a hidden temp file in the
 * same folder (flushed to disk) and only when all temp files exist are they renamed into place,
 * manifest.json last. A failure before the renames leaves every previous file untouched; a
 * rename replaces a file atomically, so a reader sees the old or the new file, never a mix.
 */
export const MANIFEST = 'manifest.json';

export interface PublishedFile {
  path: string;
  kind: 'geojson' | 'csv' | 'html' | 'qml';
  day: string | null;
  sha256: string;
  bytes: number;
  feature_count: number | null;
  model_version: string | null;
}

export interface PublishManifest {
  format: 'firerisk-scores';
  format_version: 1;
  latest_day: string;
  model_version: string;
  files: PublishedFile[];
}

/** The file operations publication uses; replaceable to simulate a full disk in tests. */
export interface PublishIo {
  writeFile(path: string, data: Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

async function writeFileDurably(path: string, data: Buffer): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const nodeIo: PublishIo = { writeFile: writeFileDurably, rename, unlink };

export interface PublishOptions {
  io?: PublishIo;
  /** Write latest.html (default true). */
  html?: boolean;
}

interface Pending {
  path: string;
  data: Buffer;
  entry: PublishedFile;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export async function publishScores(days: ScoredDay[], outDir: string, options: PublishOptions = {}): Promise<PublishManifest> {
  if (days.length === 0) throw new FireriskError('nothing to publish: no scored days');
  const io = options.io ?? nodeIo;
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  for (let k = 1; k < sorted.length; k++) if (sorted[k].day === sorted[k - 1].day) throw new FireriskError(`day ${sorted[k].day} is given twice`);
  const latest = sorted[0];

  const pending: Pending[] = [];
  const add = (path: string, text: string, kind: PublishedFile['kind'], day: ScoredDay | null) => {
    const data = Buffer.from(text, 'utf8');
    pending.push({
      path,
      data,
      entry: {
        path,
        kind,
        day: day?.day ?? null,
        sha256: sha256(data),
        bytes: data.length,
        feature_count: day && kind !== 'qml' ? day.cells.length : null,
        model_version: day?.model_version ?? null,
      },
    });
  };
  for (const day of sorted) {
    const geojson = scoredDayToGeoJson(day);
    const csv = scoredDayToCsv(day);
    add(`scores-${day.day}.geojson`, geojson, 'geojson', day);
    add(`scores-${day.day}.csv`, csv, 'csv', day);
    if (day === latest) {
      add('latest.geojson', geojson, 'geojson', day);
      add('latest.csv', csv, 'csv', day);
    }
  }
  if (options.html ?? true) add('latest.html', scoredDayToHtml(latest), 'html', latest);
  add('warning-levels.qml', warningLevelsQml(), 'qml', null);

  await mkdir(outDir, { recursive: true });
  await removeAbandonedTemporaries(outDir, io);
  const written = new Set<string>(pending.map((p) => p.path));
  const files = [...previousEntries(outDir, written), ...pending.map((p) => p.entry)].sort((a, b) => (a.path < b.path ? -1 : 1));
  const manifest: PublishManifest = {
    format: 'firerisk-scores',
    format_version: 1,
    latest_day: latest.day,
    model_version: latest.model_version,
    files,
  };
  const manifestData = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const all = [...pending.map((p) => ({ path: p.path, data: p.data })), { path: MANIFEST, data: manifestData }];

  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps: Array<{ temp: string; target: string }> = [];
  const cleanUp = async () => {
    for (const { temp } of temps) await io.unlink(temp).catch(() => undefined);
  };
  for (const file of all) {
    const temp = join(outDir, `.${file.path}.tmp-${tag}`);
    try {
      temps.push({ temp, target: join(outDir, file.path) });
      await io.writeFile(temp, file.data);
    } catch (error) {
      await cleanUp();
      throw new FireriskError(`publishing into ${outDir} failed while writing ${file.path} (previous files left unchanged): ${(error as Error).message}`);
    }
  }
  for (let k = 0; k < temps.length; k++) {
    try {
      await io.rename(temps[k].temp, temps[k].target);
    } catch (error) {
      for (const { temp } of temps.slice(k)) await io.unlink(temp).catch(() => undefined);
      throw new FireriskError(`publishing into ${outDir} failed while replacing ${temps[k].target}; manifest.json not updated: ${(error as Error).message}`);
    }
  }
  return manifest;
}

/** Entries of the previous manifest whose files are still there, unchanged in size, and not rewritten now. */
function previousEntries(outDir: string, rewritten: Set<string>): PublishedFile[] {
  const file = join(outDir, MANIFEST);
  if (!existsSync(file)) return [];
  let previous: PublishManifest;
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as PublishManifest;
  } catch {
    return [];
  }
  if (!Array.isArray(previous.files)) return [];
  return previous.files.filter((entry) => {
    if (rewritten.has(entry.path) || entry.path.includes('/')) return false;
    const path = join(outDir, entry.path);
    return existsSync(path) && statSync(path).size === entry.bytes;
  });
}

const TEMPORARY = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;


/** Temporary files left by a publish that was killed before it could rename or remove them. */
async function removeAbandonedTemporaries(outDir: string, io: PublishIo): Promise<void> {
  for (const name of readdirSync(outDir)) {
    const match = TEMPORARY.exec(name);
    if (match && Number(match[1]) !== process.pid && !isProcessAlive(Number(match[1]))) await io.unlink(join(outDir, name)).catch(() => undefined);
  }
}
