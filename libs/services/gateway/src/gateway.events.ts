import type { Bus } from '@mqp/bus';
import { subjects } from '@mqp/contracts';
import type { PlatformEvent } from '@mqp/model';
import type { Logger } from '@mqp/runtime';

export interface GatewayEvents {
  emit(event: PlatformEvent): void;
}

/** Client events go on the bus as JSON under `subjects.event(name)`; emitting never throws. */
export function createGatewayEvents(bus: Bus, logger: Logger): GatewayEvents {
  return {
    emit(event) {
      try {
        bus.publish(subjects.event(event.name), Buffer.from(JSON.stringify(event)));
      } catch (err) {
        logger.warn('event not published', { event: event.name, error: err });
      }
    },
  };
}
