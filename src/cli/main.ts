import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { ExitCode, FireriskError } from '../util/errors.ts';

export function buildProgram(): Command {
  const program = new Command('firerisk')
    .description('District fire-risk early warning: validate feeds, build grid features, train, evaluate, score and publish.')
    .option('-c, --config <file>', 'configuration file (JSON or YAML); FIRERISK_<SECTION>__<KEY> environment variables override it')
    .option('--json', 'log JSON lines instead of plain lines')
    .option('-q, --quiet', 'log warnings and errors only')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  program.commands.forEach((command) => command.exitOverride());
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage, 3 input data). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof FireriskError) {
      process.stderr.write(`firerisk: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`firerisk: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.failure;
  }
}
