import type { BusMessage, LazyPayload } from '@mqp/bus';
import type { Message } from '@mqp/model';
import { decodeMessage, decodeMessageTopic, encodeMessage, envelopeArrival, measureMessage, writeMessage, type ArrivalPacket, type EnvelopeLayout } from './message-envelope';

/**
 * A message as an in-process bus payload (see lazyMessage): the message
 * itself, encoded only if a subscriber reads the bytes, and the packet it
 * arrived in when that may be forwarded as it is.
 */
export class LocalMessage implements LazyPayload<Message> {
  /** Measured by encodedLength, for encodeInto. */
  private layout: EnvelopeLayout | undefined;

  constructor(
    readonly value: Message,
    readonly arrival: ArrivalPacket | undefined,
  ) {}

  encode(message: Message): Uint8Array {
    // measured already when a bus asked its length first (NatsBus, a part that ends up alone)
    if (message !== this.value || this.layout === undefined) return encodeMessage(message, this.arrival);
    const out = Buffer.allocUnsafe(this.layout.length);
    writeMessage(out, 0, message, this.arrival, this.layout);
    return out;
  }

  encodedLength(): number {
    this.layout ??= measureMessage(this.value, this.arrival);
    return this.layout.length;
  }

  encodeInto(out: Buffer, at: number): number {
    this.layout ??= measureMessage(this.value, this.arrival);
    return writeMessage(out, at, this.value, this.arrival, this.layout);
  }
}

/**
 * A message as a bus payload, encoded only if a subscriber reads its bytes:
 * in standalone mode the in-process bus hands subscribers the message itself
 * (`messageFromBus`), and most messages are never encoded at all.
 */
export function lazyMessage(message: Message, arrival?: ArrivalPacket): LocalMessage {
  return new LocalMessage(message, arrival);
}

/**
 * The message a bus delivered: the publisher's own object when it came
 * through the in-process bus as a lazyMessage (messages are never mutated
 * once built, so one object is shared), else decoded from its bytes.
 */
export function messageFromBus(busMessage: BusMessage): Message {
  const local = busMessage.local;
  return local instanceof LocalMessage ? local.value : decodeMessage(busMessage.data);
}

/** Only the topic of the message a bus delivered (see decodeMessageTopic). */
export function topicFromBus(busMessage: BusMessage): string {
  const local = busMessage.local;
  return local instanceof LocalMessage ? local.value.topic : decodeMessageTopic(busMessage.data);
}

/**
 * The PUBLISH packet a delivered message may be forwarded as: the one it
 * arrived in (same process), or the one its envelope carries (a framed
 * envelope from another process).
 */
export function arrivalFromBus(busMessage: BusMessage): ArrivalPacket | undefined {
  const local = busMessage.local;
  return local instanceof LocalMessage ? local.arrival : envelopeArrival(busMessage.data);
}
