// The gateway service alone: `mqp start --target gateway` as its own binary.
import { runCli, useTelemetry } from '@mqp/platform';
import { startTelemetry } from '@mqp/telemetry/sdk';

useTelemetry((config, serviceName) => startTelemetry({ serviceName, otlpEndpoint: config.telemetry.otlpEndpoint }));
void runCli(process.argv.slice(2), 'gateway');
