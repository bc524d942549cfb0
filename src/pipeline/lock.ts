import { openSync, writeSync, closeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { FireriskError } from '../util/errors.ts';
import { isProcessAlive } from '../util/process.ts';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
}

export interface HeldLock {
  path: string;
  release(): void;
}

export class LockHeldError extends FireriskError {}


/**
 * Takes the run lock: a file created exclusively, naming the holder. A lock whose holder process
 * no longer exists on this host is stale: it is cleared (the `onStale` callback says so) and taken.
 */
export function acquireLock(path: string, command: string, onStale: (holder: LockHolder) => void, now: () => Date = () => new Date()): HeldLock {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const holder: LockHolder = { pid: process.pid, host: hostname(), started_at: now().toISOString(), command };
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.host === hostname() && !isProcessAlive(holder.pid)) {
        onStale(holder);
        rmSync(path, { force: true });
        continue;
      }
      if (!holder) {
        // An empty or unreadable lock file: its writer died between create and write.
        onStale({ pid: -1, host: hostname(), started_at: 'unknown', command: 'unknown' });
        rmSync(path, { force: true });
        continue;
      }
      throw new LockHeldError(
        `another run holds the lock ${path}: pid ${holder.pid} on ${holder.host}, started ${holder.started_at} (${holder.command}); wait for it to finish`,
      );
    }
  }
  throw new LockHeldError(`could not take the lock ${path}`);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
