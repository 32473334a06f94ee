import { ConfigError } from '../core/errors';

/** A required environment variable, or a ConfigError naming it. Read once, at module load. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value || !value.trim()) throw new ConfigError(`environment variable ${name} is missing or empty (got ${JSON.stringify(value ?? null)})`, { value: String(value) });
  return value.trim();
}

/** An optional positive integer variable with a default; a malformed value is a ConfigError. */
export function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`environment variable ${name} must be a positive integer (got ${JSON.stringify(raw)})`, { value: raw });
  return value;
}
