// One contender in the lock race test: waits for the shared start instant, tries the lock once,
// holds it for a while when it gets it, and prints what happened as one JSON line.
import { acquireLock, LockHeldError } from '../../src/pipeline/lock.ts';

const [path, startAt, holdMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
// Sleep until just before the start, then spin: every contender tries in the same millisecond
// without ten processes burning both cores for seconds while the rest of the suite runs.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now() - 50)));
while (Date.now() < startAt) {
  // spin
}
let stale = 0;
try {
  const lock = acquireLock(path, 'race', () => stale++);
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  const to = Date.now();
  lock.release();
  process.stdout.write(JSON.stringify({ got: true, from, to, stale }));
} catch (error) {
  if (!(error instanceof LockHeldError)) throw error;
  process.stdout.write(JSON.stringify({ got: false, stale, message: error.message }));
}
