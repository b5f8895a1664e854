import { randomBytes } from 'node:crypto';
import type { AuthExchangeRequest } from '@mqp/contracts';
import type { StoredUser } from '@mqp/storage';
import { deriveScramCredentials } from './scram-credentials';
import { ScramServer, type ScramStep, type ScramUser } from './scram-server';

export interface ScramExchangeOptions {
  /** `auth.users`: those with a plain-text `password` get SCRAM credentials derived at start (a PHC hash cannot give them). */
  configUsers: ReadonlyArray<{ username: string; password?: string | undefined; superuser: boolean }>;
  /** A user of the auth store (`mqp users add` stores `scram` next to the hash); only those with `scram` can use SCRAM. */
  storedUser(username: string): StoredUser | undefined | Promise<StoredUser | undefined>;
  /**
   * Seals the exchange state and keys the fake salts of unknown users.
   * Default: 32 random bytes per process, which is right for one auth
   * instance; several instances behind one address must share one (an
   * exchange may start on one and finish on another), and a stable one keeps
   * the fake salts of unknown users stable across restarts.
   */
  secret?: Buffer;
  /** Iterations for credentials derived from config passwords (and announced for unknown users). */
  iterations?: number;
  now?: () => number;
}

/**
 * SCRAM-SHA-256 for the auth service: where its users come from (config
 * users first, then the store) and the two steps of the exchange, each tied
 * to the connection's client id so a state cannot be replayed on another
 * connection.
 */
export class ScramExchange {
  // Keyed by username, a client-controlled string: a Map.
  private readonly configUsers = new Map<string, ScramUser>();
  private readonly server: ScramServer;
  private readonly iterations: number | undefined;
  private derived = false;

  constructor(private readonly options: ScramExchangeOptions) {
    this.iterations = options.iterations;
    this.server = new ScramServer({
      secret: options.secret ?? randomBytes(32),
      lookup: (username) => this.lookup(username),
      ...(options.iterations !== undefined ? { fakeIterations: options.iterations } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Derives the config users' credentials (PBKDF2, a few ms each); the plain text is not kept here either. */
  start(): void {
    if (this.derived) return;
    this.derived = true;
    for (const user of this.options.configUsers) {
      if (user.password === undefined) continue;
      this.configUsers.set(user.username, { scram: deriveScramCredentials(user.password, this.iterations), superuser: user.superuser });
    }
  }

  async step(req: AuthExchangeRequest): Promise<ScramStep> {
    this.start();
    const step = req.state === undefined ? await this.server.start(req.data, req.clientId) : await this.server.finish(req.data, req.state, req.clientId);
    // The SCRAM username is the identity; a CONNECT User Name, when given, must name the same user.
    if (step.outcome !== 'deny' && req.username !== undefined && req.username !== step.username) {
      return { outcome: 'deny', detail: 'CONNECT user name differs from the SCRAM username', username: step.username };
    }
    return step;
  }

  private async lookup(username: string): Promise<ScramUser | undefined> {
    const configured = this.configUsers.get(username);
    if (configured) return configured;
    const stored = await this.options.storedUser(username);
    return stored?.scram ? { scram: stored.scram, superuser: stored.superuser } : undefined;
  }
}
