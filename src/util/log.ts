import cliProgress from 'cli-progress';

export type LogFormat = 'text' | 'json';

export interface Progress {
  /** Advance by `n` units (default 1). */
  tick(n?: number): void;
  done(): void;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A progress bar with count and ETA on a terminal; start and end lines otherwise. */
  progress(label: string, total: number): Progress;
}

export interface LoggerOptions {
  format?: LogFormat;
  quiet?: boolean;
  stream?: NodeJS.WriteStream | { write(chunk: string): unknown; isTTY?: boolean };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'text';
  const stream = options.stream ?? process.stderr;
  const quiet = options.quiet ?? false;
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (quiet && level === 'info') return;
    if (format === 'json') {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
    } else {
      const suffix = fields && Object.keys(fields).length ? ` ${Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}` : '';
      stream.write(`${level === 'info' ? '' : `${level}: `}${message}${suffix}\n`);
    }
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    progress(label, total) {
      if (format === 'text' && !quiet && stream.isTTY && total > 0) {
        const bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: stream as NodeJS.WriteStream, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
        return { tick: (n = 1) => bar.increment(n), done: () => bar.stop() };
      }
      const started = Date.now();
      let count = 0;
      write('info', `${label}: started`, { total });
      return {
        tick: (n = 1) => {
          count += n;
        },
        done: () => write('info', `${label}: done`, { count, seconds: Number(((Date.now() - started) / 1000).toFixed(1)) }),
      };
    },
  };
}

/** A logger that records lines in memory, for tests. */
export function createMemoryLogger(): Logger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    progress: (label) => ({ tick: () => undefined, done: () => lines.push({ level: 'info', message: `${label}: done` }) }),
  };
}
