import type { Logger } from '../ingest/ports';

/** One JSON object per line on stdout/stderr, the shape CloudWatch Logs Insights reads. */
export function jsonLogger(service: string, write: (line: string, level: string) => void = defaultWrite): Logger {
  const emit = (level: string) => (message: string, fields: Record<string, unknown> = {}): void => {
    write(JSON.stringify({ level, time: new Date().toISOString(), service, message, ...fields }), level);
  };
  return { info: emit('INFO'), warn: emit('WARN'), error: emit('ERROR') };
}

function defaultWrite(line: string, level: string): void {
  (level === 'ERROR' ? process.stderr : process.stdout).write(`${line}\n`);
}
