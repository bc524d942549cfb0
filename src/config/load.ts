import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type Config } from './schema.ts';
import { UsageError } from '../util/errors.ts';

/** Settings outside any section, overridden by FIRERISK_<KEY>, e.g. FIRERISK_TIMEZONE=Europe/London. */
const TOP_LEVEL_KEYS = ['timezone', 'holidays_country'] as const;

/** Environment overrides: FIRERISK_<SECTION>__<KEY>=value, e.g. FIRERISK_PATHS__DATA=datasets/other; FIRERISK_TIMEZONE and FIRERISK_HOLIDAYS_COUNTRY. */
export function environmentOverrides(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const overrides: Record<string, Record<string, unknown>> = {};
  for (const [name, raw] of Object.entries(env)) {
    const match = /^FIRERISK_([A-Z0-9_]+?)__([A-Z0-9_]+)$/.exec(name);
    if (!match || raw === undefined) continue;
    const section = match[1].toLowerCase();
    const key = match[2].toLowerCase();
    (overrides[section] ??= {})[key] = parseScalar(raw);
  }
  for (const key of TOP_LEVEL_KEYS) {
    const raw = env[`FIRERISK_${key.toUpperCase()}`];
    if (raw) (overrides as Record<string, unknown>)[key] = raw;
  }
  return overrides;
}

function parseScalar(raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && !Number.isNaN(Number(trimmed))) return Number(trimmed);
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return raw;
    }
  }
  return raw;
}

function mergeSections(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? { ...(current as Record<string, unknown>), ...(value as Record<string, unknown>) }
        : value;
  }
  return merged;
}

/** Reads a JSON or YAML configuration file (optional), applies environment overrides, validates. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env, cli: Record<string, unknown> = {}): Config {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    if (!existsSync(file)) throw new UsageError(`${file}: configuration file not found`);
    const text = readFileSync(file, 'utf8');
    try {
      fromFile = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) ?? {};
    } catch (error) {
      throw new UsageError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const raw = mergeSections(mergeSections(fromFile, environmentOverrides(env)), cli);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`${file ?? 'configuration'}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

export function describeConfig(): z.core.JSONSchema.BaseSchema {
  return z.toJSONSchema(configSchema, { io: 'input' });
}
