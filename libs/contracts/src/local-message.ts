import type { BusMessage, LazyPayload } from '@mqp/bus';
import type { Message } from '@mqp/model';
import { decodeMessage, decodeMessageTopic, encodeMessage, envelopeArrival, measureMessage, writeMessage, type ArrivalPacket, type EnvelopeLayout } from './message-envelope';

/**
 * A message as an in-process bus payload (see lazyMessage): the message
 * itself, encoded only if a subscriber reads the bytes, and the packet it
 * arrived in when that may be forwarded as it is.
 */
export class LocalMessage implements LazyPayload<Message> {
  private layout: EnvelopeLayout | undefined;

  constructor(
    readonly value: Message,
    readonly arrival: ArrivalPacket | undefined,
  ) {}

  encode(message: Message): Uint8Array {
    return message === this.value ? encodeMessage(message, this.arrival, this.measured()) : encodeMessage(message, this.arrival);
  }

  encodedLength(): number {
    return this.measured().length;
  }

  encodeInto(out: Buffer, at: number): number {
    return writeMessage(out, at, this.value, this.arrival, this.measured());
  }

  /** Measured once, whichever of the three a bus calls first (NatsBus asks the length, then writes). */
  private measured(): EnvelopeLayout {
    return (this.layout ??= measureMessage(this.value, this.arrival));
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
