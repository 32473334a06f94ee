import { describeError, WbnewsError } from '../functions/core/errors';
import { classifyCommand } from './commands/classify';
import { parseCommand } from './commands/parse';
import { queryCommand } from './commands/query';
import { reprocessCommand } from './commands/reprocess';
import { runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { showCommand } from './commands/show';
import { takeawaysCommand } from './commands/takeaways';
import { UsageError, type Io } from './io';
import { STORE_USAGE } from './store-target';

/**
 * The `wbnews` command line: `npm run -s wbnews -- COMMAND ...`.
 * Machine-readable output is JSON lines on stdout; human output goes to stderr.
 */

type Command = (argv: string[], io: Io) => Promise<number>;

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  run: { run: runCommand, summary: 'run [--feeds FILE] [--data DIR] [--json] [--timeout-ms N] [--force] [--allow-loopback]   one full ingest cycle on local emulators' },
  parse: { run: parseCommand, summary: 'parse FILE... [--items] [--feed-id ID] [--content-type TYPE] [--url URL]   feed files through the pipeline, without storing' },
  classify: { run: classifyCommand, summary: 'classify < items.jsonl                     relevance and countries per item' },
  takeaways: { run: takeawaysCommand, summary: 'takeaways [--quotes] < articles.jsonl      key takeaways per article' },
  query: { run: queryCommand, summary: 'query [--country CC] [--since ISO] [--until ISO] [--day DAY] [--feed ID] [--limit N] [--cursor T] [STORE]' },
  show: { run: showCommand, summary: 'show ID [STORE] [--pretty]                 one stored article as JSON' },
  reprocess: { run: reprocessCommand, summary: 'reprocess [--since ISO] [--feed ID] [STORE]   relevance and takeaways again over kept raw input and stored articles' },
  serve: { run: serveCommand, summary: 'serve [--data DIR] [--s3-port N] [--dynamodb-port N]   keep the emulators running for S3/DynamoDB tools' },
};

export function usage(): string {
  return (
    `usage: wbnews COMMAND [options]\n\n${Object.values(COMMANDS).map((c) => `  ${c.summary}`).join('\n')}\n\n` +
    `  STORE: ${STORE_USAGE}\n` +
    '         the local emulators of DIR (default .wbnews/), or a deployed stack; or set ARTICLES_BUCKET, ARTICLES_TABLE (FEEDS_TABLE)\n'
  );
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stderr.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`wbnews: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`wbnews ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    // parseArgs' own complaints (unknown option, missing or ambiguous value) are usage errors too.
    if (error instanceof WbnewsError || (error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_'))) {
      io.stderr.write(`wbnews ${name}: ${error.message}\n`);
      return 2;
    }
    const { message } = describeError(error);
    io.stderr.write(`wbnews ${name}: failed: ${message}\n`);
    return 1;
  }
}
