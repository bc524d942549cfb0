import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Keeps the newest `keep` run folders (run ids sort by start time) and removes the rest. */
export function pruneRuns(runsDir: string, keep: number, protectedRunId?: string): string[] {
  if (!existsSync(runsDir)) return [];
  const runs = readdirSync(runsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .reverse();
  const removed = runs.slice(keep).filter((name) => name !== protectedRunId);
  for (const name of removed) rmSync(join(runsDir, name), { recursive: true, force: true });
  return removed;
}
