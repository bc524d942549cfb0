import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every temporary folder a test makes (under os.tmpdir()) goes into one folder
 * for the run, removed when the run ends, so the suite leaves nothing behind in /tmp. The test
 * processes inherit TMPDIR, which os.tmpdir() reads on each call.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'firerisk-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
