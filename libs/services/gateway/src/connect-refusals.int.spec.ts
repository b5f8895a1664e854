import { frame, props, str, u16, u32 } from '@mqp/testing';
import type { IConnackPacket } from 'mqtt-packet';
import { type RawClient, useGatewayWithBystander } from './gateway.test-harness';

/**
 * CONNECT packets mqtt-packet parses and the specs refuse, byte for byte
 * against a real gateway: Will QoS 3, a v3.1.1 password without a user name,
 * and a protocol name with another protocol's level. What the client sees is
 * the bytes before the close: a v5 CONNACK with its reason code, the v3.1.1
 * CONNACK 0x01 for an unsupported protocol, or nothing (v3.1.1: a malformed
 * CONNECT is closed without a CONNACK [MQTT-3.1.4-1]).
 */

/** A CONNECT built from its Connect Flags: the will, user name and password fields follow them; v5 gets empty Properties. */
function connectBytes(name: string, level: number, flags: number, properties: Buffer = props()): Buffer {
  const v5 = level === 5;
  const parts = [str(name), Buffer.from([level, flags]), u16(30)];
  if (v5) parts.push(properties);
  parts.push(str('refused'));
  if ((flags & 0x04) !== 0) parts.push(...(v5 ? [props()] : []), str('w/t'), str('bye'));
  if ((flags & 0x80) !== 0) parts.push(str('u'));
  if ((flags & 0x40) !== 0) parts.push(str('p'));
  return frame(0x10, Buffer.concat(parts));
}

/** Connect Flags: Clean (0x02); Will (0x04) with Will QoS 3 (0x18); Password (0x40) without User Name (0x80). */
const WILL_QOS_3 = 0x1e;
const PASSWORD_ONLY = 0x42;
/** A refused CONNECT is closed at once (the CONNACK is flushed first); far below the 10 s CONNECT timeout that would close it anyway. */
const STILL_OPEN_MS = 2_000;

describe('gateway refuses CONNECT packets mqtt-packet accepts', () => {
  const gw = useGatewayWithBystander();

  /**
   * Writes `bytes` on a fresh socket: every byte the server sends until it closes, as hex, or what it sent and
   * "still open" if it has not closed within STILL_OPEN_MS (a CONNECT it accepted), so that a failure says what it got.
   */
  async function reply(bytes: Buffer): Promise<string> {
    const r: RawClient = await gw.open();
    const got: Buffer[] = [];
    r.socket.on('data', (chunk: Buffer) => got.push(chunk));
    r.write(bytes);
    let timer: NodeJS.Timeout | undefined;
    const open = new Promise<string>((resolve) => (timer = setTimeout(resolve, STILL_OPEN_MS, ' still open')));
    const state = await Promise.race([r.closed.then(() => ''), open]);
    clearTimeout(timer);
    return Buffer.concat(got).toString('hex') + state;
  }

  it.each([
    // v3.1.1 has no CONNACK code for a malformed CONNECT: close, nothing sent [MQTT-3.1.4-1]
    ['v3.1.1 Will QoS 3 is closed without a CONNACK [MQTT-3.1.2-14]', connectBytes('MQTT', 4, WILL_QOS_3), ''],
    ['v3.1 Will QoS 3 is closed without a CONNACK', connectBytes('MQIsdp', 3, WILL_QOS_3), ''],
    // MQTT 5.0 §3.1.2.6 "A value of 3 (0x03) is a Malformed Packet": CONNACK 0x81, empty Properties, then close [MQTT-3.2.2-7]
    ['v5 Will QoS 3 gets CONNACK 0x81 [MQTT-3.1.2-12]', connectBytes('MQTT', 5, WILL_QOS_3), '2003008100'],
    ['v3.1.1 Password Flag without the User Name Flag is closed without a CONNACK [MQTT-3.1.2-22]', connectBytes('MQTT', 4, PASSWORD_ONLY), ''],
    ['v3.1 Password Flag without the User Name Flag is closed without a CONNACK', connectBytes('MQIsdp', 3, PASSWORD_ONLY), ''],
    // an unsupported protocol level gets the v3.1.1 CONNACK 0x01 (unacceptable protocol version), then the close [MQTT-3.1.2-2]
    ['protocol name MQTT with level 3 gets CONNACK 0x01 [MQTT-3.1.2-2]', connectBytes('MQTT', 3, 0x02), '20020001'],
    ['protocol name MQIsdp with level 4 gets CONNACK 0x01 [MQTT-3.1.2-1]', connectBytes('MQIsdp', 4, 0x02), '20020001'],
    ['protocol name MQIsdp with level 5 gets CONNACK 0x01 [MQTT-3.1.2-1]', connectBytes('MQIsdp', 5, 0x02), '20020001'],
  ])('%s', async (_name, bytes, expected) => {
    expect(await reply(bytes)).toBe(expected);
    expect(gw.tg.metrics.value('mqp_packets_malformed_total')).toBe(1);
  });

  it.each([
    ['with empty Properties (the plain CONNECT decoder)', props()],
    ['with a Session Expiry Interval (the general parser)', props(Buffer.concat([Buffer.from([0x11]), u32(60)]))],
  ])('accepts a v5 Password Flag without the User Name Flag %s (MQTT 5.0 §3.1.2.9)', async (_name, properties) => {
    const seen: { username?: string; password?: unknown }[] = [];
    gw.tg.auth.authenticateImpl = async (req) => {
      seen.push({ username: req.username, password: req.password });
      return { decision: 'allow', superuser: false };
    };
    const r = await gw.open(5);
    r.write(connectBytes('MQTT', 5, PASSWORD_ONLY, properties));
    const ack = (await r.next()) as IConnackPacket;
    expect([ack.cmd, ack.reasonCode]).toEqual(['connack', 0]);
    expect(seen).toEqual([{ username: undefined, password: Buffer.from('p') }]);
  });
});
