import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

/**
 * Starts the OpenTelemetry SDK for an app. Only apps import this entry point
 * (`@mqp/telemetry/sdk`); libraries use the API alone, so they stay silent
 * and cheap until an app opts in (opentelemetry-js `api` README).
 *
 * With no endpoint nothing is started: spans are then no-ops, and no
 * exporter retries against a collector that is not there.
 */
export async function startTelemetry(options: { serviceName: string; otlpEndpoint?: string }): Promise<() => Promise<void>> {
  const endpoint = options.otlpEndpoint ?? process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (!endpoint) return async () => {};
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: endpoint }),
    instrumentations: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
