import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '@mqp/runtime';

/** A directory for test sockets, removed by `remove()`. Paths stay short: a Unix socket path is limited to ~107 bytes. */
export async function socketDir(): Promise<{ path(name: string): string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mqp-hub-'));
  return { path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Both ends of one Unix socket connection. */
export async function socketPair(path: string): Promise<{ near: Socket; far: Socket; close(): void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ path }, resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const near = createConnection({ path });
  await new Promise((resolve) => near.once('connect', resolve));
  const far = await accepted;
  server.close();
  return {
    near,
    far,
    close: () => {
      near.destroy();
      far.destroy();
    },
  };
}

/** A logger whose lines a test can wait for. */
export function recordingLogger(): { logger: Logger; lines: string[]; line(pattern: RegExp): Promise<string> } {
  const lines: string[] = [];
  let waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const logger = createLogger({
    level: 'debug',
    sink: (line) => {
      lines.push(line);
      waiters = waiters.filter((w) => !(w.pattern.test(line) && (w.resolve(line), true)));
    },
  });
  return {
    logger,
    lines,
    line: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}
