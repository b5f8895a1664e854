// `npm run start:split -- [--mqtt-port P] [--config FILE]`: a local split
// deployment for trying mqp out — nats-server on a free port, every service its
// own process, two gateways on MQTT ports P and P+1 (default 1883, 1884).
// Ctrl-C stops it all.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { startSplit } from '@mqp/testing';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let mqttPort = 1883;
  let config: Record<string, unknown> | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--mqtt-port') mqttPort = Number(args[++i]);
    else if (args[i] === '--config') config = parseYaml(readFileSync(args[++i]!, 'utf8')) as Record<string, unknown>;
    else throw new Error(`unknown argument ${args[i]}; usage: start:split -- [--mqtt-port P] [--config FILE]`);
  }
  if (!Number.isInteger(mqttPort) || mqttPort <= 0 || mqttPort > 65534) throw new Error('--mqtt-port needs a port number');

  const deployment = await startSplit({ mqttPort, config, inheritOutput: true });
  process.stderr.write(
    `\nmqp split deployment ready: NATS ${deployment.nats?.url}, gateways on MQTT ports ${deployment.mqttPorts.join(' and ')}\n` +
      `processes: ${[...deployment.processes.keys()].join(', ')}. Ctrl-C stops it all.\n\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    deployment.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`start:split: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
