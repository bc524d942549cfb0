import { availableParallelism } from 'node:os';
import { Worker, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { FireriskError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { selectBackend, type BackendPreference } from './backend.ts';
import { runMemberJob, type EpochReport, type MemberJob, type MemberResult } from './member.ts';

/**
 * Trains ensemble members side by side in worker threads. TF.js's WASM backend runs one thread under
 * Node, so on a machine with several cores the members of an ensemble can each have one. Every member
 * is a deterministic function of its job (starting weights, rows, seed), so the weights come out the
 * same as when the members are trained one after another (tested).
 */

type ToWorker = { type: 'job'; job: MemberJob; backend: string };
type FromWorker =
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'done'; result: MemberResult }
  | { type: 'failed'; message: string };

/** A zeroed Float32Array in shared memory: posted to a worker thread, it is shared, not copied. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** Worker threads for `members` members: `configured` (0 = one per core), at most one per member. */
export function memberThreads(configured: number, members: number): number {
  const wanted = configured === 0 ? availableParallelism() : configured;
  return Math.max(1, Math.min(wanted, members));
}

/** "member 2/3", or "outdoor member 2/3" for a member of one of several fire classes. */
const label = (job: MemberJob, jobs: MemberJob[]) =>
  `${job.fireClass === 'all' ? '' : `${job.fireClass} `}member ${job.member + 1}/${jobs.filter((other) => other.fireClass === job.fireClass).length}`;

/** Trains every job, `threads` at a time; results in job order. */
export async function trainMembers(jobs: MemberJob[], threads: number, log: Logger, onEpoch?: (report: EpochReport) => void): Promise<MemberResult[]> {
  if (threads <= 1 || jobs.length <= 1) {
    const results: MemberResult[] = [];
    for (const job of jobs) {
      if (jobs.length > 1) log.info(`ensemble ${label(job, jobs)}`, { seed: job.params.seed });
      results.push(await runMemberJob(job, log, onEpoch));
    }
    return results;
  }
  const backend = tf.getBackend();
  const results = new Array<MemberResult>(jobs.length);
  let next = 0;
  const workers: Worker[] = [];
  const runOn = (worker: Worker): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let busy = false;
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (busy) reject(new FireriskError(`a member worker thread exited with code ${code} while training`));
      });
      const take = () => {
        if (next >= jobs.length) {
          busy = false;
          return resolve();
        }
        busy = true;
        const index = next++;
        const job = jobs[index];
        const prefix = `${label(job, jobs)}: `;
        log.info(`ensemble ${label(job, jobs)} on a worker thread`, { seed: job.params.seed, threads });
        const onMessage = (message: FromWorker) => {
          if (message.type === 'log') log[message.level](prefix + message.message, message.fields);
          else if (message.type === 'epoch') onEpoch?.(message.report);
          else {
            worker.off('message', onMessage);
            if (message.type === 'failed') return reject(new FireriskError(prefix + message.message));
            results[index] = message.result;
            take();
          }
        };
        worker.on('message', onMessage);
        worker.postMessage({ type: 'job', job, backend } satisfies ToWorker);
      };
      take();
    });
  try {
    for (let t = 0; t < Math.min(threads, jobs.length); t++) workers.push(new Worker(new URL('./member-worker.mjs', import.meta.url)));
    await Promise.all(workers.map(runOn));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** The worker's side: trains each job it is sent on the main thread's backend, and reports back. */
export function serveMemberJobs(port: MessagePort | null): void {
  if (!port) throw new FireriskError('serveMemberJobs must run in a worker thread');
  const send = (message: FromWorker) => port.postMessage(message);
  const forward = (level: 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => send({ type: 'log', level, message, fields });
  const log: Logger = { info: forward('info'), warn: forward('warn'), error: forward('error'), progress: () => ({ tick: () => undefined, done: () => undefined }) };
  const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, progress: () => ({ tick: () => undefined, done: () => undefined }) };
  let ready: string | undefined;
  port.on('message', async (message: ToWorker) => {
    try {
      if (ready !== message.backend) {
        const preference: BackendPreference = message.backend === 'wasm' || message.backend === 'cpu' || message.backend === 'tensorflow' ? message.backend : 'auto';
        ready = await selectBackend(preference, quiet);
        if (ready !== message.backend) throw new FireriskError(`the worker thread runs TF.js backend ${ready}, the main thread ${message.backend}`);
      }
      const result = await runMemberJob(message.job, log, (report) => send({ type: 'epoch', report }));
      send({ type: 'done', result });
    } catch (error) {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
