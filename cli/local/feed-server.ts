import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/**
 * A loopback HTTP server for feed files, behaving like the two kinds of real feed servers:
 * static files get ETag and Last-Modified and answer conditional requests with 304; "dynamic"
 * files are regenerated on every request with a fresh build time (lastBuildDate / updated) and no
 * validators, as many CMS feeds are.
 */

export interface FeedServer {
  readonly baseUrl: string;
  readonly requests: { path: string; status: number }[];
  close(): Promise<void>;
}

export interface FeedServerOptions {
  readonly root: string;
  /** File names served with a fresh build time and no validators. */
  readonly dynamic?: readonly string[];
}

function contentTypeOf(body: string): string {
  if (/<rss[\s>]/.test(body)) return 'application/rss+xml';
  if (/<feed[\s>]/.test(body)) return 'application/atom+xml';
  return 'application/xml';
}

export async function startFeedServer(options: FeedServerOptions): Promise<FeedServer> {
  const dynamic = new Set(options.dynamic ?? []);
  const requests: { path: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = normalize(join(options.root, path));
    const answer = (status: number, headers: Record<string, string> = {}, body?: Buffer | string): void => {
      requests.push({ path: `/${path}`, status });
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!file.startsWith(normalize(options.root)) || !path) return answer(404);
    let bytes: Buffer;
    let mtime: Date;
    try {
      bytes = readFileSync(file);
      mtime = statSync(file).mtime;
    } catch {
      return answer(404, { 'content-type': 'text/plain' }, 'not found');
    }
    const type = contentTypeOf(bytes.toString('latin1', 0, 2048));
    if (dynamic.has(path)) {
      const now = new Date();
      const text = bytes
        .toString('utf8')
        .replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, `<lastBuildDate>${now.toUTCString()}</lastBuildDate>`)
        .replace(/(<feed\b[\s\S]*?)<updated>[^<]*<\/updated>/, `$1<updated>${now.toISOString()}</updated>`);
      return answer(200, { 'content-type': type, 'cache-control': 'no-cache' }, text);
    }
    const etag = `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
    const lastModified = mtime.toUTCString();
    if (req.headers['if-none-match'] === etag) return answer(304, { etag, 'last-modified': lastModified });
    return answer(200, { 'content-type': type, etag, 'last-modified': lastModified }, bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
