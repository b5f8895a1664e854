import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';

/** What a CONNECT came to, as MQTT.js saw it. */
export interface ConnectOutcome {
  /** CONNACK Reason Code (v5) or Return Code (v3.1.1): 0 when accepted; undefined when no CONNACK came (TLS refused, closed). */
  code: number | undefined;
  /** The connected client when accepted (closed by `closeOutcomeClients`). */
  client?: MqttClient;
  connack?: IConnackPacket;
  error?: Error;
}

const open = new Set<MqttClient>();

/**
 * Connects to `url` (mqtt://, mqtts://, ws://) and answers the CONNACK code
 * instead of throwing, so refusals can be compared exactly. `prepare` runs
 * right after `mqtt.connect`, before any packet arrives (e.g. to set
 * `handleAuth` for enhanced authentication).
 */
export function connectOutcome(url: string, options: IClientOptions = {}, prepare?: (client: MqttClient) => void): Promise<ConnectOutcome> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...options });
  open.add(client);
  prepare?.(client);
  return new Promise<ConnectOutcome>((resolve) => {
    const refused = (error: Error): void => {
      client.end(true);
      open.delete(client);
      const code = (error as { code?: unknown }).code;
      resolve({ code: typeof code === 'number' ? code : undefined, error });
    };
    client.once('connect', (connack) => resolve({ code: connack.reasonCode ?? connack.returnCode ?? 0, client, connack }));
    client.once('error', refused);
    client.once('close', () => refused(new Error('connection closed before CONNACK')));
  });
}

/** Ends every client `connectOutcome` connected. */
export async function closeOutcomeClients(): Promise<void> {
  await Promise.all([...open].map((c) => c.endAsync(true).catch(() => undefined)));
  open.clear();
}

/** The reason code a QoS 1 publish was answered with: 0, or the PUBACK code ≥ 0x80 (v5). */
export async function pubackCode(client: MqttClient, topic: string, payload = 'x'): Promise<number> {
  try {
    const packet = await client.publishAsync(topic, payload, { qos: 1 });
    return (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** The SUBACK code of one filter: the granted QoS, or the failure code (0x80 v3.1.1, 0x87 v5). */
export async function subackCode(client: MqttClient, filter: string): Promise<number> {
  try {
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    return granted[0]?.qos ?? -1;
  } catch (err) {
    // MQTT.js rejects a refused subscription with the SUBACK itself (ErrorWithSubackPacket)
    const code = (err as { packet?: { granted?: unknown[] } }).packet?.granted?.[0];
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** Retries `attempt` (every 100 ms) until it answers `want` or `timeoutMs` passes; answers the last value. For changes the platform picks up by polling. */
export async function eventually<T>(attempt: () => Promise<T>, want: T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await attempt();
    if (got === want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}
