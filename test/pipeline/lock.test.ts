import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
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
});
