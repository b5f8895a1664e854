// Aedes (npm) on a plain TCP listener, in-memory persistence, for the
// benchmark: `node --import tsx tools/bench/peers/aedes-server.ts [port]`.
// Prints "aedes listening PORT" once it accepts connections.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const broker = await Aedes.createBroker();
  // TCP_NODELAY as mqp and the Mosquitto config use: otherwise small writes wait on delayed ACKs.
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`aedes listening ${typeof address === 'object' && address ? address.port : port}\n`);
  });
  const stop = (): void => {
    server.close();
    broker.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`aedes failed: ${String(err)}\n`);
  process.exit(1);
});
