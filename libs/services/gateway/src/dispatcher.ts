import { ReasonCode } from '@mqp/protocol';
import type { Packet } from 'mqtt-packet';
import type { Connection } from './connection';
import type { GatewayContext } from './gateway-context';
import { abortExchange, handleAuth } from './handlers/auth.handler';
import { handleConnect } from './handlers/connect.handler';
import { handleDisconnect } from './handlers/disconnect.handler';
import { handlePingreq } from './handlers/pingreq.handler';
import { handlePuback } from './handlers/puback.handler';
import { handlePublish, publishNow } from './handlers/publish.handler';
import { handlePubcomp, handlePubrec, handlePubrel } from './handlers/qos2.handler';
import { handleSubscribe } from './handlers/subscribe.handler';
import { handleUnsubscribe } from './handlers/unsubscribe.handler';

/**
 * The one place a client packet is routed to its handler. Exhaustive over
 * mqtt-packet's packet types: a new type fails to compile here until it is
 * decided. Nothing but CONNECT is accepted before the CONNECT has been
 * answered, and packets only a server sends close the connection.
 * Returns the handler's promise, or nothing when the packet was handled at
 * once (a QoS 0 or 1 PUBLISH on the fast path, a PUBACK): the connection then
 * goes on with its next packet without waiting a turn.
 */
export function dispatch(ctx: GatewayContext, conn: Connection, packet: Packet): Promise<void> | void {
  if (conn.isClosed) return;
  if (packet.cmd === 'connect') {
    // [MQTT-3.1.0-2] a second CONNECT is a protocol error: close
    if (conn.state !== 'awaiting-connect') return conn.disconnect(ReasonCode.ProtocolError, 'second_connect');
    return handleConnect(ctx, conn, packet);
  }
  // [MQTT-3.1.0-1] the first packet must be CONNECT; anything else closes the connection (no CONNACK, no DISCONNECT)
  if (conn.state === 'awaiting-connect') return conn.destroy('packet_before_connect');
  // [MQTT-3.1.2-30] while enhanced authentication runs, before the CONNACK, only AUTH and DISCONNECT may come
  if (conn.state === 'connecting' && packet.cmd !== 'auth' && packet.cmd !== 'disconnect') return abortExchange(conn, ReasonCode.ProtocolError, `${packet.cmd}_during_auth`);
  // Packets a client pipelines behind its CONNECT are handled after the CONNACK (packets of one connection
  // are handled one at a time), so the server never processes them before the client is authenticated.
  switch (packet.cmd) {
    case 'publish':
      return publishNow(ctx, conn, packet) ? undefined : handlePublish(ctx, conn, packet);
    case 'puback':
      return handlePuback(ctx, conn, packet);
    case 'subscribe':
      return handleSubscribe(ctx, conn, packet);
    case 'unsubscribe':
      return handleUnsubscribe(ctx, conn, packet);
    case 'pingreq':
      return handlePingreq(conn);
    case 'disconnect':
      return handleDisconnect(conn, packet, ctx.maxSessionExpiry);
    case 'pubrec':
      return handlePubrec(ctx, conn, packet);
    case 'pubrel':
      return handlePubrel(conn, packet);
    case 'pubcomp':
      return handlePubcomp(ctx, conn, packet);
    case 'auth':
      // enhanced authentication (MQTT 5.0 §4.12); without an Authentication Method in CONNECT a protocol error [MQTT-4.12.0-7]
      return handleAuth(ctx, conn, packet);
    case 'connack':
    case 'suback':
    case 'unsuback':
    case 'pingresp':
      // server-to-client packets from a client [CVE-2021-28166]: protocol error, close (v5: DISCONNECT 0x82 first)
      return conn.disconnect(ReasonCode.ProtocolError, `server_packet_${packet.cmd}`);
    default:
      return assertNever(packet);
  }
}

function assertNever(packet: never): never {
  throw new Error(`unhandled packet type ${(packet as Packet).cmd}`);
}
