/**
 * Child process of embedded-durability.int.spec.ts: writes retained messages
 * and queue entries one at a time, awaiting each, and prints `written K`
 * after the K-th pair is acknowledged, until it is killed.
 * Usage: node --import tsx durability-writer.ts <dir> <count>
 */
import { openEmbeddedStore } from './embedded.store';

async function main(): Promise<void> {
  const [dir, countArg] = process.argv.slice(2);
  if (!dir || !countArg) throw new Error('usage: durability-writer <dir> <count>');
  const stores = await openEmbeddedStore(dir);
  for (let i = 0; i < Number(countArg); i++) {
    await stores.retained.set({
      id: `r${i}`,
      topic: `t/${i}`,
      payload: Buffer.from(`retained ${i}`),
      qos: 1,
      retain: true,
      origin: { clientId: 'writer', gatewayId: 'gw' },
      createdAt: Date.now(),
    });
    await stores.queues.append('c1', {
      qos: 1,
      message: { id: `m${i}`, topic: 'q', payload: Buffer.from(`queued ${i}`), qos: 1, retain: false, origin: { clientId: 'writer', gatewayId: 'gw' }, createdAt: Date.now() },
    });
    process.stdout.write(`written ${i + 1}\n`);
  }
  await stores.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
