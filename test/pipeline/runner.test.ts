import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runStages, type Stage } from '../../src/pipeline/runner.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { sha256 } from '../../src/util/files.ts';

interface Ctx {
  dir: string;
  input: string;
  calls: string[];
  failIn?: string;
}

const stages: Stage<Ctx>[] = [
  {
    name: 'double',
    description: 'doubles the input',
    fingerprint: async (c) => sha256(c.input),
    run: async (c) => {
      c.calls.push('double');
      if (c.failIn === 'double') throw new Error('killed');
      const out = join(c.dir, 'double.txt');
      writeFileSync(out, c.input + c.input);
      return { rows_out: 2, outputs: [out] };
    },
  },
  {
    name: 'shout',
    description: 'upper-cases the doubled input',
    fingerprint: async (c) => sha256(readFileSync(join(c.dir, 'double.txt'))),
    run: async (c) => {
      c.calls.push('shout');
      if (c.failIn === 'shout') throw new Error('killed');
      const out = join(c.dir, 'shout.txt');
      writeFileSync(out, readFileSync(join(c.dir, 'double.txt'), 'utf8').toUpperCase());
      return { outputs: [out] };
    },
  },
];

const setup = (): Ctx => ({ dir: mkdtempSync(join(tmpdir(), 'firerisk-runner-')), input: 'ab', calls: [] });

describe('runStages', () => {
  it('runs every stage once, then skips all of them while nothing changed', async () => {
    const ctx = setup();
    const log = createMemoryLogger();
    const first = await runStages(stages, ctx, { runsDir: ctx.dir, log });
    expect(first.map((o) => o.status)).toEqual(['ran', 'ran']);
    expect(readFileSync(join(ctx.dir, 'shout.txt'), 'utf8')).toBe('ABAB');
    const second = await runStages(stages, ctx, { runsDir: ctx.dir, log });
    expect(second.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(ctx.calls).toEqual(['double', 'shout']);
  });

  it('reruns a stage whose input changed and the stages reading its output', async () => {
    const ctx = setup();
    const log = createMemoryLogger();
    await runStages(stages, ctx, { runsDir: ctx.dir, log });
    ctx.input = 'xy';
    const outcomes = await runStages(stages, ctx, { runsDir: ctx.dir, log });
    expect(outcomes.map((o) => o.status)).toEqual(['ran', 'ran']);
    expect(readFileSync(join(ctx.dir, 'shout.txt'), 'utf8')).toBe('XYXY');
  });

  it('reruns a stage whose recorded output was deleted', async () => {
    const ctx = setup();
    const log = createMemoryLogger();
    await runStages(stages, ctx, { runsDir: ctx.dir, log });
    rmSync(join(ctx.dir, 'shout.txt'));
    const outcomes = await runStages(stages, ctx, { runsDir: ctx.dir, log });
    expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'ran']);
    expect(existsSync(join(ctx.dir, 'shout.txt'))).toBe(true);
  });

  it('after a failure mid-run, a rerun completes the missing stages only', async () => {
    const ctx: Ctx = { ...setup(), failIn: "shout" };
    const log = createMemoryLogger();
    await expect(runStages(stages, ctx, { runsDir: ctx.dir, log })).rejects.toThrow('killed');
    ctx.failIn = undefined;
    ctx.calls.length = 0;
    const outcomes = await runStages(stages, ctx, { runsDir: ctx.dir, log });
    expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'ran']);
    expect(ctx.calls).toEqual(['shout']);
  });
});
