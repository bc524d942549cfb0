import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { addDays } from '../util/days.ts';
import { readJson, writeJsonAtomic } from '../util/files.ts';
import { MANIFEST, type PublishManifest } from './publish.ts';

/**
 * Removes published day files older than `keepDays` days before the manifest's latest day.
 * The manifest is rewritten first, so it never lists a file that is gone; `latest.*` stay.
 */
export function pruneScoreFiles(outDir: string, keepDays: number): string[] {
  const manifestPath = join(outDir, MANIFEST);
  if (!existsSync(manifestPath)) return [];
  const manifest = readJson<PublishManifest>(manifestPath);
  const oldestKept = addDays(manifest.latest_day, -(keepDays - 1));
  const isOld = (entry: PublishManifest['files'][number]) => entry.day !== null && entry.day < oldestKept && !entry.path.startsWith('latest.');
  const removed = manifest.files.filter(isOld).map((entry) => entry.path);
  if (removed.length === 0) return [];
  writeJsonAtomic(manifestPath, { ...manifest, files: manifest.files.filter((entry) => !isOld(entry)) });
  for (const path of removed) rmSync(join(outDir, path), { force: true });
  return removed;
}
