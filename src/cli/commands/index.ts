import type { CommandRegistration } from '../context.ts';
import { registerConfig } from './config.ts';
import { registerImport } from './import.ts';
import { registerValidate } from './validate.ts';
import { registerGrid } from './grid.ts';
import { registerScore } from './score.ts';

/** Every subcommand of `firerisk`, in the order of the pipeline. */
export const commands: CommandRegistration[] = [
  registerConfig,
  registerImport,
  registerValidate,
  registerGrid,
  registerScore,
];
