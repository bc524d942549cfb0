// Worker-thread entry of member-pool.ts: registers the TypeScript loader (as src/cli/bin.mjs does),
// then trains the ensemble members the main thread sends.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveMemberJobs } = await import('./member-pool.ts');
serveMemberJobs(parentPort);
