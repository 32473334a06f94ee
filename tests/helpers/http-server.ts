import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A programmable HTTP server on 127.0.0.1 for tests: each path answers with its own handler,
 * and every request is recorded (path, headers) so a test can assert what the client sent.
 */

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  readonly baseUrl: string;
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Set or replace the handler of a path (e.g. "/feed.xml"). */
  route(path: string, handler: Handler): void;
  url(path: string): string;
  close(): Promise<void>;
}

export async function startTestServer(routes: Record<string, Handler> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, headers: req.headers });
    const handler = table.get(path);
    if (handler) handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    requests,
    route: (path, handler) => table.set(path, handler),
    url: (path) => `${baseUrl}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Answer with a body and headers. */
export const respond = (status: number, body: string | Buffer = '', headers: Record<string, string | number> = {}): Handler => (_req, res) => {
  res.writeHead(status, headers);
  res.end(body);
};
