import type { CommandRegistration } from '../context.ts';
import { registerConfig } from './config.ts';

/** Every subcommand of `firerisk`, in the order of the pipeline. */
export const commands: CommandRegistration[] = [
  registerConfig,
];
