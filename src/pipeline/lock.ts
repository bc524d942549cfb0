import { writeFileSync, readFileSync, rmSync, mkdirSync, linkSync, renameSync } from 'node:fs';
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

const MAX_ATTEMPTS = 5;

/**
 * Takes the run lock: a file naming the holder. A lock whose holder process no longer exists on
 * this host is stale: it is cleared (the `onStale` callback says so) and taken.
 *
 * The lock file never exists half-written: the holder is written to a private file first and
 * hard-linked into place, which fails atomically when a lock is already there. (Creating the lock
 * empty and writing it afterwards let a second run read an empty lock, judge it stale and take it
 * too.) A stale lock is renamed aside before it is removed, so of two runs clearing it at once only
 * one succeeds, and a lock taken meanwhile by a live run is put back, not removed.
 */
export function acquireLock(path: string, command: string, onStale: (holder: LockHolder) => void, now: () => Date = () => new Date()): HeldLock {
  mkdirSync(dirname(path), { recursive: true });
  const mine: LockHolder = { pid: process.pid, host: hostname(), started_at: now().toISOString(), command };
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        linkSync(draft, path);
        return heldLock(path, mine);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && (holder.host !== hostname() || isProcessAlive(holder.pid))) {
        throw new LockHeldError(
          `another run holds the lock ${path}: pid ${holder.pid} on ${holder.host}, started ${holder.started_at} (${holder.command}); wait for it to finish`,
        );
      }
      // Dead holder, or a lock file no run of this version writes (empty or not JSON).
      if (clearStale(path, holder)) {
        onStale(holder === 'unreadable' ? { pid: -1, host: hostname(), started_at: 'unknown', command: 'unknown' } : holder);
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new LockHeldError(`could not take the lock ${path}: it changed hands ${MAX_ATTEMPTS} times while this run tried`);
}

function heldLock(path: string, mine: LockHolder): HeldLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: one cleared as stale by mistake and retaken by another run stays theirs.
      const holder = readHolder(path);
      if (holder !== 'gone' && holder !== 'unreadable' && holder.pid === mine.pid && holder.started_at === mine.started_at) rmSync(path, { force: true });
    },
  };
}

/** Moves the stale lock aside; true when what was moved is the lock judged stale. */
function clearStale(path: string, judged: LockHolder | 'unreadable'): boolean {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // another run cleared it first
    throw error;
  }
  const moved = readHolder(aside);
  const same = judged === 'unreadable' ? moved === 'unreadable' : moved !== 'gone' && moved !== 'unreadable' && moved.pid === judged.pid && moved.started_at === judged.started_at;
  if (!same) {
    // A live run took the lock between our read and our rename: hand it back.
    try {
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  rmSync(aside, { force: true });
  return same;
}

function readHolder(path: string): LockHolder | 'unreadable' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return typeof parsed?.pid === 'number' ? parsed : 'unreadable';
  } catch {
    return 'unreadable';
  }
}
