import { ConfigError } from '@mqp/model';
import type { MqpConfig } from '@mqp/config';
import { GRPC_SERVICES, isStandalone, type ServiceName } from './targets';

/**
 * Checks that a process running `services` can reach everything it needs,
 * listing every gap at once: gateway workers only in standalone; a split
 * process needs NATS for the bus, the address of each gRPC service it calls
 * but does not run, and a gRPC port when it serves a service to others.
 */
export function validateDeployment(config: MqpConfig, services: readonly ServiceName[]): void {
  const problems: string[] = [];
  if (config.gateway.workers > 1 && (!isStandalone(services) || config.nats.url)) {
    problems.push('gateway.workers: more than 1 is for standalone mode only (--target all, no --nats); in distributed mode run more gateway processes');
  }
  if (isStandalone(services)) {
    if (problems.length > 0) throw new ConfigError(problems);
    return;
  }
  if (!config.nats.url) problems.push('nats.url: required when not every service runs in this process (--nats URL)');
  if (services.includes('gateway')) {
    for (const s of GRPC_SERVICES) {
      if (!services.includes(s) && !config.services[s]?.address) {
        problems.push(`services.${s}.address: required to reach the ${s} service from this gateway (--${s}-address HOST:PORT)`);
      }
    }
  }
  if (GRPC_SERVICES.some((s) => services.includes(s)) && config.grpc.port === undefined) {
    problems.push('grpc.port: required to serve auth/session/router to other processes (--grpc-port N)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
