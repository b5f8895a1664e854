import type { MqpConfig } from '@mqp/config';
import type { Logger } from '@mqp/runtime';
import { createTcpListener } from './tcp.listener';
import type { TcpSource } from './tcp-source';
import { createTlsListener } from './tls.listener';
import { tlsOptionsFrom } from './tls-options';
import type { AcceptHandler, Listener } from './transport';
import { createWebSocketListener } from './ws.listener';

/**
 * Every listener `listeners.*` enables, not yet bound. TCP is always on
 * (bound here, or shared by the main process with a gateway worker: see
 * TcpSource); certificate files are read here, so a bad path fails the start
 * with the config key that named it.
 */
export function createListeners(config: MqpConfig, accept: AcceptHandler, logger: Logger, tcpSource: TcpSource = { kind: 'listen' }): Listener[] {
  const { tcp, tls, ws, wss } = config.listeners;
  // a TLS or WebSocket handshake is bounded like a socket that never sends CONNECT
  const handshakeTimeoutMs = config.gateway.connectTimeoutMs;
  // one MQTT packet per WebSocket message is what clients send; a bigger message cannot be a valid packet
  const maxPayload = config.gateway.maxPacketSize;
  const listeners: Listener[] = [createTcpListener(tcp, accept, logger, tcpSource)];
  // a gateway worker serves the shared plain-TCP listener only; TLS and WebSocket stay with the main process
  if (tcpSource.kind === 'shared') return listeners;
  if (tls.enabled) listeners.push(createTlsListener(tls, tlsOptionsFrom('tls', tls, handshakeTimeoutMs), accept, logger));
  if (ws.enabled) listeners.push(createWebSocketListener({ ...ws, maxPayload, handshakeTimeoutMs }, accept, logger));
  if (wss.enabled) {
    listeners.push(createWebSocketListener({ ...wss, maxPayload, handshakeTimeoutMs, tls: tlsOptionsFrom('wss', wss, handshakeTimeoutMs) }, accept, logger));
  }
  return listeners;
}
