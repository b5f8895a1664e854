import type { Bus } from '@mqp/bus';
import {
  encodeGatewayCommand,
  subjects,
  type CloseSessionRequest,
  type OpenSessionRequest,
  type OpenSessionResult,
  type SessionApi,
  type SessionInfo,
} from '@mqp/contracts';
import { InvalidArgumentError } from '@mqp/model';
import { ReasonCode } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import type { PersistentSessionRecord, SessionStore } from '@mqp/storage';
import { KeyedSerializer } from './keyed-serializer';

export interface SessionServiceDeps {
  bus: Bus;
  store: SessionStore;
  logger: Logger;
  /** Clock; tests pass their own. */
  now?: () => number;
}

/** MQTT 5.0 3.1.2.11.2: a Session Expiry Interval of 0xFFFFFFFF means the session does not expire. */
const NEVER_EXPIRES = 0xffffffff;

interface LiveSession extends SessionInfo {
  /** Seconds; decides whether the session outlives the connection. */
  expiryInterval: number;
}

/**
 * The registry of live client ids across all gateways, takeover of a client
 * id that connects again, and the minimal persistent-session record that
 * decides Session Present. (Subscriptions, queued messages and expiry timers
 * of persistent sessions are a later issue.)
 */
export class SessionService implements SessionApi {
  // client id → the one connection that owns it.
  private readonly live = new Map<string, LiveSession>();
  private readonly serializer = new KeyedSerializer();
  private readonly bus: Bus;
  private readonly store: SessionStore;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(deps: SessionServiceDeps) {
    this.bus = deps.bus;
    this.store = deps.store;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
  }

  async open(req: OpenSessionRequest): Promise<OpenSessionResult> {
    checkOpenRequest(req);
    return this.serializer.run(req.clientId, () => this.openNow(req));
  }

  async close(req: CloseSessionRequest): Promise<void> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string') throw new InvalidArgumentError('clientId and connectionId are required');
    return this.serializer.run(req.clientId, async () => {
      const current = this.live.get(req.clientId);
      // A connection that was taken over closes late: its successor owns the id now and stays.
      if (!current || current.connectionId !== req.connectionId) return;
      this.live.delete(req.clientId);
      await this.endConnection(current);
    });
  }

  async list(): Promise<SessionInfo[]> {
    return [...this.live.values()].map(toInfo);
  }

  async resetGateway(req: { gatewayId: string }): Promise<void> {
    if (typeof req.gatewayId !== 'string' || req.gatewayId === '') throw new InvalidArgumentError('gatewayId is required');
    const dropped: Promise<void>[] = [];
    for (const entry of this.live.values()) {
      if (entry.gatewayId !== req.gatewayId) continue;
      // Through the serializer so an open racing with the reset is not half undone.
      dropped.push(
        this.serializer.run(entry.clientId, async () => {
          const current = this.live.get(entry.clientId);
          if (current?.connectionId !== entry.connectionId) return;
          this.live.delete(entry.clientId);
          await this.endConnection(current);
        }),
      );
    }
    await Promise.all(dropped);
    if (dropped.length > 0) this.logger.info('gateway sessions reset', { gatewayId: req.gatewayId, sessions: dropped.length });
  }

  private async openNow(req: OpenSessionRequest): Promise<OpenSessionResult> {
    const result: OpenSessionResult = { sessionPresent: false };
    const previous = this.live.get(req.clientId);
    // The same connection asking again (a retried call) is not a takeover.
    if (previous && previous.connectionId !== req.connectionId) {
      // [MQTT-3.1.4-2] the server disconnects the existing client with this client id
      // (MQTT 5.0 [MQTT-3.1.4-3]: with DISCONNECT reason 0x8E Session taken over).
      this.kick(previous);
      result.takenOver = { gatewayId: previous.gatewayId, connectionId: previous.connectionId };
    }

    const now = this.now();
    let stored: PersistentSessionRecord | undefined;
    if (req.cleanStart) {
      // [MQTT-3.1.2-4] Clean Start discards any existing session
      await this.store.delete(req.clientId);
    } else {
      stored = await this.store.get(req.clientId);
      if (stored && isExpired(stored, now) && !previous) {
        await this.store.delete(req.clientId);
        stored = undefined;
      }
      // [MQTT-3.2.2-3] (3.1.1: [MQTT-3.2.2-2]) Session Present is 1 when the server resumes a stored session
      result.sessionPresent = stored !== undefined;
    }

    if (req.sessionExpiryInterval > 0) {
      await this.store.put({
        clientId: req.clientId,
        protocolVersion: req.protocolVersion,
        expiryInterval: req.sessionExpiryInterval,
        subscriptions: stored?.subscriptions ?? [],
        updatedAt: now,
      });
    }

    this.live.set(req.clientId, {
      clientId: req.clientId,
      gatewayId: req.gatewayId,
      connectionId: req.connectionId,
      protocolVersion: req.protocolVersion,
      connectedAt: now,
      expiryInterval: req.sessionExpiryInterval,
    });
    return result;
  }

  private kick(previous: LiveSession): void {
    try {
      this.bus.publish(
        subjects.gatewayControl(previous.gatewayId),
        encodeGatewayCommand({ kind: 'kick', clientId: previous.clientId, connectionId: previous.connectionId, reasonCode: ReasonCode.SessionTakenOver }),
      );
    } catch (err) {
      // The takeover still happens: the old connection's late close is ignored, and its gateway
      // drops it when it next hears from us or the client.
      this.logger.error('could not send the takeover kick', { clientId: previous.clientId, gatewayId: previous.gatewayId, err });
    }
  }

  /** The connection ended: a persistent session starts its expiry now, any other ends with it. */
  private async endConnection(entry: LiveSession): Promise<void> {
    try {
      if (entry.expiryInterval > 0) {
        const stored = await this.store.get(entry.clientId);
        if (stored) await this.store.put({ ...stored, updatedAt: this.now() });
      } else {
        // MQTT 5.0 3.1.2.11.2: with Session Expiry Interval 0 the session ends when the connection closes.
        await this.store.delete(entry.clientId);
      }
    } catch (err) {
      this.logger.error('could not update the stored session on close', { clientId: entry.clientId, err });
    }
  }
}

function isExpired(record: PersistentSessionRecord, now: number): boolean {
  if (record.expiryInterval >= NEVER_EXPIRES) return false;
  return record.updatedAt + record.expiryInterval * 1000 <= now;
}

function toInfo(entry: LiveSession): SessionInfo {
  return {
    clientId: entry.clientId,
    gatewayId: entry.gatewayId,
    connectionId: entry.connectionId,
    protocolVersion: entry.protocolVersion,
    connectedAt: entry.connectedAt,
  };
}

function checkOpenRequest(req: OpenSessionRequest): void {
  for (const key of ['clientId', 'gatewayId', 'connectionId'] as const) {
    if (typeof req[key] !== 'string') throw new InvalidArgumentError(`${key} is required`);
  }
  if (req.gatewayId === '' || req.connectionId === '') throw new InvalidArgumentError('gatewayId and connectionId must not be empty');
  if (!Number.isInteger(req.sessionExpiryInterval) || req.sessionExpiryInterval < 0) {
    throw new InvalidArgumentError('sessionExpiryInterval must be a non-negative integer');
  }
}
