import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger, type Logger } from '../util/log.ts';

/** What every command gets from the global options: the validated configuration and a logger. */
export interface CommandContext {
  config: Config;
  log: Logger;
}

export function contextFrom(command: Command): CommandContext {
  const globals = command.optsWithGlobals() as { config?: string; json?: boolean; quiet?: boolean };
  return {
    config: loadConfig(globals.config),
    log: createLogger({ format: globals.json ? 'json' : 'text', quiet: globals.quiet }),
  };
}

/** One CLI command: a function that adds itself to the program. */
export type CommandRegistration = (program: Command) => void;
