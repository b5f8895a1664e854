import { isUtf8 } from 'node:buffer';
import type { Message, PlatformEvent } from '@mqp/model';

/** The JSON body POSTed for one application message. */
export interface MessageWebhookBody {
  event: 'message.publish';
  id: string;
  topic: string;
  qos: number;
  retain: boolean;
  /** The payload as text when it is valid UTF-8, else base64 with `payloadEncoding: 'base64'`. */
  payload: string;
  payloadEncoding?: 'base64';
  clientId: string;
  /** Milliseconds since the epoch when the platform accepted the message. */
  timestamp: number;
  /** MQTT 5 user properties as ordered [name, value] pairs (names may repeat [MQTT-3.3.2-18]). */
  userProperties: [string, string][];
}

export function messageBody(message: Message): MessageWebhookBody {
  const body: MessageWebhookBody = {
    event: 'message.publish',
    id: message.id,
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    payload: '',
    clientId: message.origin.clientId,
    timestamp: message.createdAt,
    userProperties: (message.properties?.userProperties ?? []).map(([name, value]) => [name, value]),
  };
  if (isUtf8(message.payload)) {
    body.payload = message.payload.toString('utf8');
  } else {
    body.payload = message.payload.toString('base64');
    body.payloadEncoding = 'base64';
  }
  return body;
}

/** The JSON body POSTed for one client event: the event itself, named under `event` like messages. */
export function eventBody(event: PlatformEvent): Record<string, unknown> {
  const { name, ...fields } = event;
  return { event: name, ...fields };
}
