import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './free-port';
import { startNatsServer, type NatsServerHandle } from './nats-server';

describe('startNatsServer', () => {
  const started: NatsServerHandle[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('runs a server on a free loopback port that speaks NATS', async () => {
    const server = await startNatsServer();
    started.push(server);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(await firstLine(server.port)).toMatch(/^INFO \{/);
  });

  it('restart() brings the server back on the same port', async () => {
    const server = await startNatsServer();
    started.push(server);
    await server.restart();
    expect(await firstLine(server.port)).toMatch(/^INFO \{/);
  });

  it('kill() stops it until start() is called again', async () => {
    const server = await startNatsServer();
    started.push(server);
    await server.kill();
    await expect(firstLine(server.port)).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await firstLine(server.port)).toMatch(/^INFO \{/);
  });

  it('with jetstream, enables it in a storage directory that stop() removes', async () => {
    const server = await startNatsServer({ jetstream: true });
    const info = JSON.parse((await firstLine(server.port)).slice('INFO '.length)) as { jetstream?: boolean };
    expect(info.jetstream).toBe(true);
    const dir = (server as unknown as { storeDir: string }).storeDir;
    expect(existsSync(dir)).toBe(true);
    await server.stop();
    expect(existsSync(dir)).toBe(false);
  });

  it('fails with the server stderr when the port is taken', async () => {
    const port = await freePort();
    const first = await startNatsServer({ port });
    started.push(first);
    await expect(startNatsServer({ port })).rejects.toThrow(/exited during start.*address already in use/s);
  });
});

/** The first protocol line the server sends on a new connection. */
function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(buffered.slice(0, end));
      }
    });
    socket.once('error', reject);
  });
}
