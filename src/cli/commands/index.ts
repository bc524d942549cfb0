import type { CommandRegistration } from '../context.ts';
import { registerConfig } from './config.ts';
import { registerSynth } from './synth.ts';
import { registerImport } from './import.ts';
import { registerValidate } from './validate.ts';
import { registerGrid } from './grid.ts';
import { registerFeatures } from './features.ts';
import { registerTrain } from './train.ts';
import { registerEvaluate } from './evaluate.ts';
import { registerScore } from './score.ts';
import { registerNightly } from './nightly.ts';
import { registerStatus } from './status.ts';

/** Every subcommand of `firerisk`, in the order of the pipeline. */
export const commands: CommandRegistration[] = [
  registerConfig,
  registerSynth,
  registerImport,
  registerValidate,
  registerGrid,
  registerFeatures,
  registerTrain,
  registerEvaluate,
  registerScore,
  registerNightly,
  registerStatus,
];
