import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../util/log.ts';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

// A variable, so that TypeScript does not try to resolve the optional dependency's types.
const TFJS_NODE = '@tensorflow/tfjs-node';
let wasmPathsSet = false;

async function tryTensorflow(): Promise<string | undefined> {
  try {
    await import(TFJS_NODE);
  } catch (error) {
    return `${TFJS_NODE} is not installed (${(error as { code?: string }).code ?? (error as Error).message})`;
  }
  try {
    if (await tf.setBackend('tensorflow')) return undefined;
    return `${TFJS_NODE} loaded but the 'tensorflow' backend did not initialise`;
  } catch (error) {
    return `${TFJS_NODE} failed to initialise: ${(error as Error).message}`;
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // The .wasm binaries ship in the package's dist folder; point at them on disk so nothing is fetched.
      const require = createRequire(import.meta.url);
      const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(join(packageDir, 'dist') + sep);
      wasmPathsSet = true;
    }
    if (await tf.setBackend('wasm')) return undefined;
    return `the 'wasm' backend did not initialise`;
  } catch (error) {
    return `the 'wasm' backend failed: ${(error as Error).message}`;
  }
}

/**
 * Chooses the TensorFlow.js backend: native TensorFlow (`@tensorflow/tfjs-node`, an optional dependency)
 * when installed, otherwise WASM (SIMD, one thread under Node), otherwise the plain JavaScript CPU backend.
 * An explicit preference is tried first; when it cannot run, the next one down is used with a warning.
 * Returns the name of the backend that is active afterwards.
 */
export async function selectBackend(preference: BackendPreference, log: Logger): Promise<string> {
  // Production mode silences tfjs's console banner about tfjs-node; we log the choice ourselves.
  tf.enableProdMode();
  const order: Array<'tensorflow' | 'wasm' | 'cpu'> =
    preference === 'cpu' ? ['cpu'] : preference === 'wasm' ? ['wasm', 'cpu'] : ['tensorflow', 'wasm', 'cpu'];
  const reasons: string[] = [];
  for (const candidate of order) {
    if (tf.engine().backendName === candidate) {
      // Already active (e.g. a second call in the same process).
      log.info(`tensorflow backend: ${candidate}`, { preference, reason: reasons.join('; ') || 'already active' });
      return candidate;
    }
    const failure = candidate === 'tensorflow' ? await tryTensorflow() : candidate === 'wasm' ? await tryWasm() : (await tf.setBackend('cpu')) ? undefined : 'cpu backend did not initialise';
    if (failure === undefined) {
      await tf.ready();
      const why = reasons.length ? `fallback: ${reasons.join('; ')}` : candidate === 'cpu' && preference === 'cpu' ? 'requested' : 'first choice available';
      const explicitMiss = preference !== 'auto' && preference !== candidate;
      (explicitMiss ? log.warn : log.info)(`tensorflow backend: ${candidate}`, { preference, reason: why });
      return tf.getBackend();
    }
    reasons.push(failure);
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${reasons.join('; ')}`);
}
