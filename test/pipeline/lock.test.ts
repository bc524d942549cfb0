import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, hostname } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { acquireLock, LockHeldError } from '../../src/pipeline/lock.ts';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'firerisk-lock-')), 'nightly.lock');

describe('run lock', () => {
  it('lets one holder in and refuses a second while the first lives', () => {
    const path = freshPath();
    const first = acquireLock(path, 'nightly', () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    expect(() => acquireLock(path, 'nightly', () => undefined)).toThrow(LockHeldError);
    expect(() => acquireLock(path, 'nightly', () => undefined)).toThrow(/pid \d+/);
    first.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, 'nightly', () => undefined).release();
  });

  it('clears a stale lock left by a dead process and says so', () => {
    const path = freshPath();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(path, JSON.stringify({ pid: Number(dead), host: hostname(), started_at: '2026-01-01T00:00:00Z', command: 'nightly' }));
    const cleared: number[] = [];
    const lock = acquireLock(path, 'nightly', (holder) => cleared.push(holder.pid));
    expect(cleared).toEqual([Number(dead)]);
    lock.release();
  });

  it('treats an empty lock file as stale', () => {
    const path = freshPath();
    writeFileSync(path, '');
    let stale = 0;
    acquireLock(path, 'nightly', () => stale++).release();
    expect(stale).toBe(1);
  });

  it('treats a lock file that is not JSON as stale, naming no pid', () => {
    const path = freshPath();
    writeFileSync(path, '{"pi');
    const cleared: number[] = [];
    acquireLock(path, 'nightly', (holder) => cleared.push(holder.pid)).release();
    expect(cleared).toEqual([-1]);
    expect(existsSync(path)).toBe(false);
  });

  it('clears a stale lock even when a run died while clearing one (a breaker older than 10 s)', () => {
    const path = freshPath();
    writeFileSync(path, '');
    writeFileSync(`${path}.break`, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), started_at: '2026-01-01T00:00:00Z', command: 'nightly' }));
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.break`, minuteAgo, minuteAgo);
    const lock = acquireLock(path, 'nightly', () => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    expect(existsSync(`${path}.break`)).toBe(false);
    lock.release();
  });

  it('release leaves alone a lock that is no longer its own', () => {
    const path = freshPath();
    const lock = acquireLock(path, 'nightly', () => undefined);
    const other = JSON.stringify({ pid: process.pid, host: hostname(), started_at: '2030-01-01T00:00:00Z', command: 'other' });
    writeFileSync(path, other);
    lock.release();
    expect(readFileSync(path, 'utf8')).toBe(other);
  });
});

const CONTENDER = fileURLToPath(new URL('../support/lock-contender.ts', import.meta.url));

interface Attempt {
  got: boolean;
  from?: number;
  to?: number;
  stale: number;
  message?: string;
}

/** Starts `count` processes that all try the lock in the same millisecond. */
async function race(path: string, count: number, holdMs: number): Promise<Attempt[]> {
  const startAt = Date.now() + 4000;
  const runs = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, path, String(startAt), String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    return new Promise<Attempt>((resolve, reject) =>
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Attempt) : reject(new Error(`contender exited ${code}: ${err}`)))),
    );
  });
  return Promise.all(runs);
}

function expectMutualExclusion(attempts: Attempt[]) {
  const held = attempts.filter((a) => a.got).sort((a, b) => a.from! - b.from!);
  expect(held.length).toBeGreaterThanOrEqual(1);
  // A late contender may take the lock after the winner let go, never while it held it.
  for (let i = 1; i < held.length; i++) expect(held[i].from!).toBeGreaterThanOrEqual(held[i - 1].to!);
  for (const refused of attempts.filter((a) => !a.got)) expect(refused.message).toMatch(/^another run holds the lock .*: pid \d+ on /);
}

describe('run lock under contention (separate processes, same instant)', () => {
  it('on a free lock, one contender at a time holds it', async () => {
    expectMutualExclusion(await race(freshPath(), 10, 1500));
  }, 30_000);

  it('on a stale lock, exactly one contender clears it and the rest see the new holder', async () => {
    const path = freshPath();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(path, JSON.stringify({ pid: Number(dead), host: hostname(), started_at: '2026-01-01T00:00:00Z', command: 'nightly' }));
    const attempts = await race(path, 10, 1500);
    expectMutualExclusion(attempts);
    expect(attempts.reduce((sum, a) => sum + a.stale, 0)).toBe(1);
  }, 30_000);
});

