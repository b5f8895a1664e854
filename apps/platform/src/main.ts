// The one binary: `mqp start [--target LIST] …` runs any set of services.
import { runCli, useTelemetry } from '@mqp/platform';
import { startTelemetry } from '@mqp/telemetry/sdk';

useTelemetry((config, serviceName) => startTelemetry({ serviceName, otlpEndpoint: config.telemetry.otlpEndpoint }));
void runCli(process.argv.slice(2));
