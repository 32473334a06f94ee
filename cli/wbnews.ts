import { describeError } from '../functions/core/errors';
import { main } from './main';

// The local tools run on Node 20; the SDK's notice about its future Node 22 minimum is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// Entry point of `npm run -s wbnews -- COMMAND ...`; the commands live in main.ts.
main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wbnews: ${describeError(error).message}\n`);
    process.exitCode = 1;
  },
);
