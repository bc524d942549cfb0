import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, existsSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers only ever see the old or the new content: the bytes go to a
 * temporary file in the same folder, are flushed, and the temporary file is renamed into place.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Hash of a folder's files (relative names and contents, sorted), skipping names that start with a dot and top-level `exclude` names. */
export async function sha256Tree(dir: string, options: { exclude?: string[] } = {}): Promise<string> {
  const excluded = new Set(options.exclude ?? []);
  const hash = createHash('sha256');
  if (!existsSync(dir)) return hash.update('absent').digest('hex');
  const walk = (folder: string, prefix: string): string[] =>
    readdirSync(folder)
      .filter((name) => !name.startsWith('.') && !(prefix === '' && excluded.has(name)))
      .sort()
      .flatMap((name) => {
        const full = join(folder, name);
        return statSync(full).isDirectory() ? walk(full, `${prefix}${name}/`) : [`${prefix}${name}`];
      });
  for (const relative of walk(dir, '')) {
    hash.update(relative).update('\0').update(await sha256File(join(dir, relative))).update('\n');
  }
  return hash.digest('hex');
}
