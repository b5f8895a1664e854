import type { Bus, BusSubscription } from '@mqp/bus';
import { decodeCaptureRequest, encodeCaptureReply, subjects } from '@mqp/contracts';
import type { Logger } from '@mqp/runtime';

/**
 * Stores one message for one session this instance captures; returns the
 * store write it joined, or undefined when there is nothing to store (the
 * session is not captured here, or the message is not for it).
 */
export type CaptureFor = (clientId: string, message: Uint8Array) => Promise<void> | undefined;

/**
 * Answers the gateways' capture requests to this instance (contracts
 * `CaptureRequest`): each message is stored for the sessions it names, and
 * only then the reply goes out, which releases the publishers'
 * acknowledgements. A failed store write sends no reply: the gateway asks
 * again, and the queue removes the duplicates by message id.
 */
export function serveCaptureRequests(bus: Bus, instance: string, logger: Logger, captureFor: CaptureFor): BusSubscription {
  return bus.subscribe(subjects.captureRequests(instance), async (m) => {
    let request;
    try {
      request = decodeCaptureRequest(m.data);
    } catch (err) {
      logger.warn('malformed capture request ignored', { error: err });
      return;
    }
    const writes: Promise<void>[] = [];
    // in request order, which is each publisher's order: the queue appends in the order captures arrive
    for (const item of request.items) {
      for (const clientId of item.clientIds) {
        const write = captureFor(clientId, item.message);
        if (write) writes.push(write);
      }
    }
    try {
      await Promise.all(writes);
      bus.publish(request.replyTo, encodeCaptureReply({ batch: request.batch }));
    } catch (err) {
      logger.warn('capture request not confirmed (the gateway asks again)', { error: err });
    }
  });
}
