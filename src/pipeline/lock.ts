import { writeFileSync, readFileSync, rmSync, mkdirSync, linkSync, statSync } from 'node:fs';
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
 * too.) A stale lock is removed only by a run holding the breaker (`<lock>.break`, taken the same
 * way), after reading it again under the breaker, so a lock a live run took in the meantime is
 * never removed, and of several runs that found the same stale lock only one clears it.
 */
export function acquireLock(path: string, command: string, onStale: (holder: LockHolder) => void, now: () => Date = () => new Date()): HeldLock {
  mkdirSync(dirname(path), { recursive: true });
  const mine: LockHolder = { pid: process.pid, host: hostname(), started_at: now().toISOString(), command };
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (tryLink(draft, path)) return heldLock(path, mine);
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && isLive(holder)) {
        throw new LockHeldError(
          `another run holds the lock ${path}: pid ${holder.pid} on ${holder.host}, started ${holder.started_at} (${holder.command}); wait for it to finish`,
        );
      }
      // Dead holder, or a lock file no run of this version writes (empty or not JSON).
      if (clearStale(path, holder, draft)) {
        onStale(holder === 'unreadable' ? { pid: -1, host: hostname(), started_at: 'unknown', command: 'unknown' } : holder);
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new LockHeldError(`could not take the lock ${path}: it changed hands ${MAX_ATTEMPTS} times while this run tried`);
}

export type LockState = { state: 'free' } | { state: 'running'; holder: LockHolder } | { state: 'stale'; holder: LockHolder | null };

/** What the lock says now, without touching it: no run, a run in progress, or a run that died holding it (holder null: the file is unreadable). */
export function inspectLock(path: string): LockState {
  const holder = readHolder(path);
  if (holder === 'gone') return { state: 'free' };
  if (holder === 'unreadable') return { state: 'stale', holder: null };
  return isLive(holder) ? { state: 'running', holder } : { state: 'stale', holder };
}

/** A holder on another host cannot be checked from here, so it counts as live. */
function isLive(holder: LockHolder): boolean {
  return holder.host !== hostname() || isProcessAlive(holder.pid);
}

/** Hard-links `from` to `to`; false when `to` already exists. */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function heldLock(path: string, mine: LockHolder): HeldLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove one that another run holds.
      if (sameHolder(readHolder(path), mine)) rmSync(path, { force: true });
    },
  };
}

/** A breaker is held for microseconds; one this old was left by a run that died holding it. */
const BREAKER_STALE_MS = 10_000;
const BREAKER_WAIT_MS = 5_000;

/** Removes the lock if, read again under the breaker, it is still the one judged stale. */
function clearStale(path: string, judged: LockHolder | 'unreadable', draft: string): boolean {
  const breaker = `${path}.break`;
  const waitUntil = Date.now() + BREAKER_WAIT_MS;
  while (!tryLink(draft, breaker)) {
    const age = ageMs(breaker);
    if (age !== undefined && age > BREAKER_STALE_MS) rmSync(breaker, { force: true });
    else if (Date.now() > waitUntil) throw new LockHeldError(`could not take the lock ${path}: another run has been clearing it for ${BREAKER_WAIT_MS / 1000} s (${breaker})`);
    else sleepSync(5);
  }
  try {
    if (!sameHolder(readHolder(path), judged)) return false;
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

function sameHolder(found: LockHolder | 'unreadable' | 'gone', expected: LockHolder | 'unreadable'): boolean {
  if (found === 'gone' || expected === 'unreadable' || found === 'unreadable') return found === expected;
  return found.pid === expected.pid && found.host === expected.host && found.started_at === expected.started_at;
}

function ageMs(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
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
