import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredScram } from '@mqp/storage';
import { hmac, SCRAM_DEFAULT_ITERATIONS, sha256 } from './scram-credentials';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/** What the server knows of a user who may authenticate with SCRAM. */
export interface ScramUser {
  scram: StoredScram;
  superuser: boolean;
}

export interface ScramServerOptions {
  /**
   * Keys the exchange state handed to the caller (AES-256-GCM) and the fake
   * salts of unknown users. Every instance that may see the second step of an
   * exchange must share it; 32 random bytes.
   */
  secret: Buffer;
  lookup(username: string): Promise<ScramUser | undefined>;
  /** How long the state of a first step stays valid; the gateway's CONNECT timeout (10 s) bounds a real exchange well within it. */
  stateTtlMs?: number;
  /** Iterations announced for unknown users; set it to what real users have, or the count gives them away. */
  fakeIterations?: number;
  now?: () => number;
  /** The server part of the nonce (tests fix it to replay RFC 7677's example). */
  nonce?: () => string;
}

export type ScramStep =
  /** Send `data` (server-first) to the client; give `state` back with its answer. `username` is the one the client named. */
  | { outcome: 'continue'; data: Buffer; state: Buffer; username: string }
  /** Proof verified; `data` is server-final (`v=`), for the client to check the server. */
  | { outcome: 'allow'; data: Buffer; username: string; superuser: boolean }
  /** `detail` is for the log only; the client learns nothing more than "refused". */
  | { outcome: 'deny'; detail: string; username?: string };

/** Bounds on what a client sends: SCRAM messages are a few hundred bytes; the cap keeps parsing cheap. */
const MAX_MESSAGE_BYTES = 4096;
const STATE_VERSION = 1;

interface ExchangeState {
  /** Version, so a later format is refused rather than misread. */
  v: number;
  user: string;
  /** gs2-header, which the client final must repeat base64-encoded as `c=`. */
  gs2: string;
  /** client-first-message-bare and server-first-message: the start of AuthMessage. */
  bare: string;
  first: string;
  nonce: string;
  /** Unix ms after which the state is refused. */
  exp: number;
  /** StoredKey / ServerKey base64; absent for an unknown user (the exchange goes on, and fails at the proof). */
  storedKey?: string;
  serverKey?: string;
  superuser?: boolean;
}

/**
 * The server side of SCRAM-SHA-256 (RFC 5802 §5, RFC 7677), with no memory
 * between the two steps: what the second step needs travels in `state`,
 * encrypted and authenticated with the server secret (AES-256-GCM, with the
 * caller's `bind` — the connection's client id — as associated data), so any
 * instance of the auth service can finish an exchange another one started.
 *
 * Unknown users are not revealed before the last step: they get a salt
 * derived from the username and the secret (stable, like a real one) and the
 * usual iteration count, and fail at the proof like a wrong password.
 *
 * Channel binding (`p=`) is not offered: such a client is refused; `n` and
 * `y` are accepted (`y`: the client could bind but thinks the server cannot,
 * which is true here, so no downgrade happened, RFC 5802 §6).
 * Usernames must be ASCII (printable, no control characters): SASLprep of
 * usernames is not implemented, and refusing is clearer than comparing
 * differently normalised names.
 */
export class ScramServer {
  private readonly stateKey: Buffer;
  private readonly saltKey: Buffer;
  private readonly stateTtlMs: number;
  private readonly fakeIterations: number;
  private readonly now: () => number;
  private readonly nonce: () => string;

  constructor(private readonly options: ScramServerOptions) {
    if (options.secret.length < 16) throw new RangeError('the SCRAM server secret must have at least 16 bytes');
    // Separate keys per use, so the state cipher and the fake salts never share one.
    this.stateKey = hmac(options.secret, 'mqp scram state');
    this.saltKey = hmac(options.secret, 'mqp scram fake salt');
    this.stateTtlMs = options.stateTtlMs ?? 60_000;
    this.fakeIterations = options.fakeIterations ?? SCRAM_DEFAULT_ITERATIONS;
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce ?? (() => randomBytes(18).toString('base64'));
  }

  /** client-first-message → server-first-message. */
  async start(clientFirst: Buffer | undefined, bind = ''): Promise<ScramStep> {
    const parsed = parseClientFirst(clientFirst);
    if (typeof parsed === 'string') return { outcome: 'deny', detail: parsed };
    const { gs2, bare, username, clientNonce } = parsed;
    const user = await this.options.lookup(username);
    const nonce = clientNonce + this.nonce();
    const salt = user ? user.scram.salt : this.fakeSalt(username);
    const iterations = user ? user.scram.iterations : this.fakeIterations;
    const first = `r=${nonce},s=${salt},i=${iterations}`;
    const state: ExchangeState = { v: STATE_VERSION, user: username, gs2, bare, first, nonce, exp: this.now() + this.stateTtlMs };
    if (user) {
      state.storedKey = user.scram.storedKey;
      state.serverKey = user.scram.serverKey;
      state.superuser = user.superuser;
    }
    return { outcome: 'continue', data: Buffer.from(first, 'utf8'), state: this.seal(state, bind), username };
  }

  /** client-final-message → server-final-message, or a refusal. */
  async finish(clientFinal: Buffer | undefined, sealed: Buffer, bind = ''): Promise<ScramStep> {
    const state = this.open(sealed, bind);
    if (!state) return { outcome: 'deny', detail: 'exchange state invalid or expired' };
    const username = state.user;
    const parsed = parseClientFinal(clientFinal);
    if (typeof parsed === 'string') return { outcome: 'deny', detail: parsed, username };
    if (parsed.channelBinding !== Buffer.from(state.gs2, 'utf8').toString('base64')) return { outcome: 'deny', detail: 'channel binding does not repeat the gs2 header', username };
    if (parsed.nonce !== state.nonce) return { outcome: 'deny', detail: 'nonce mismatch', username };
    const authMessage = `${state.bare},${state.first},${parsed.withoutProof}`;
    // An unknown user is checked against a random key: the same work, and never a match.
    const storedKey = state.storedKey !== undefined ? Buffer.from(state.storedKey, 'base64') : randomBytes(32);
    const clientSignature = hmac(storedKey, authMessage);
    const proof = parsed.proof.length === clientSignature.length ? parsed.proof : Buffer.alloc(clientSignature.length);
    const clientKey = xor(proof, clientSignature);
    // [RFC 5802 §5.1] the proof holds when H(ClientKey) is StoredKey; compared in constant time
    const ok = storedKey.length === 32 && timingSafeEqual(sha256(clientKey), storedKey) && parsed.proof.length === clientSignature.length;
    if (!ok || state.serverKey === undefined) return { outcome: 'deny', detail: state.storedKey === undefined ? 'unknown user' : 'wrong proof', username };
    const serverSignature = hmac(Buffer.from(state.serverKey, 'base64'), authMessage);
    return { outcome: 'allow', data: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'), username, superuser: state.superuser === true };
  }

  private fakeSalt(username: string): string {
    return hmac(this.saltKey, username).subarray(0, 16).toString('base64');
  }

  private seal(state: ExchangeState, bind: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.stateKey, iv);
    cipher.setAAD(Buffer.from(bind, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([STATE_VERSION]), iv, cipher.getAuthTag(), body]);
  }

  /** Undefined for anything not sealed by this secret for this `bind`, of another version, or expired. */
  private open(sealed: Buffer, bind: string): ExchangeState | undefined {
    if (sealed.length < 1 + 12 + 16 + 2 || sealed[0] !== STATE_VERSION) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.stateKey, sealed.subarray(1, 13));
      decipher.setAAD(Buffer.from(bind, 'utf8'));
      decipher.setAuthTag(sealed.subarray(13, 29));
      const json = Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
      const state = JSON.parse(json) as ExchangeState;
      if (state.v !== STATE_VERSION || typeof state.exp !== 'number' || state.exp < this.now()) return undefined;
      return state;
    } catch {
      return undefined;
    }
  }
}

interface ClientFirst {
  gs2: string;
  bare: string;
  username: string;
  clientNonce: string;
}

/** RFC 5802 §7 client-first-message; a string is why it is refused. */
export function parseClientFirst(data: Buffer | undefined): ClientFirst | string {
  const text = decodeMessage(data);
  if (text === undefined) return 'client-first missing, too long or not UTF-8';
  // gs2-header = gs2-cbind-flag "," [ authzid ] ","
  const first = text.indexOf(',');
  const second = first < 0 ? -1 : text.indexOf(',', first + 1);
  if (second < 0) return 'malformed gs2 header';
  const flag = text.slice(0, first);
  const authzid = text.slice(first + 1, second);
  if (flag.startsWith('p=')) return 'channel binding requested but not supported';
  if (flag !== 'n' && flag !== 'y') return 'malformed gs2 header';
  const gs2 = text.slice(0, second + 1);
  const bare = text.slice(second + 1);
  const attrs = splitAttributes(bare);
  if (!attrs) return 'malformed attributes';
  // [RFC 5802 §5.1] m= is a mandatory extension this server does not know: fail
  if (attrs[0]?.[0] === 'm') return 'mandatory extension not supported';
  const [n, r] = attrs;
  if (n?.[0] !== 'n' || r?.[0] !== 'r') return 'expected n= then r=';
  const username = decodeSaslName(n[1]);
  if (username === undefined) return 'malformed username';
  if (!/^[\x20-\x7e]+$/.test(username)) return 'username must be printable ASCII (SASLprep of usernames is not implemented)';
  if (authzid !== '') {
    // An authorization identity other than the user's own would be acting as someone else: not offered.
    if (!authzid.startsWith('a=') || decodeSaslName(authzid.slice(2)) !== username) return 'authorization identity differs from the username';
  }
  if (!isNonce(r[1])) return 'malformed nonce';
  return { gs2, bare, username, clientNonce: r[1] };
}

interface ClientFinal {
  channelBinding: string;
  nonce: string;
  withoutProof: string;
  proof: Buffer;
}

/** RFC 5802 §7 client-final-message: `c=…,r=…[,ext…],p=…`. */
export function parseClientFinal(data: Buffer | undefined): ClientFinal | string {
  const text = decodeMessage(data);
  if (text === undefined) return 'client-final missing, too long or not UTF-8';
  const attrs = splitAttributes(text);
  if (!attrs || attrs.length < 3) return 'malformed attributes';
  const [c, r] = attrs;
  const p = attrs[attrs.length - 1];
  if (c?.[0] !== 'c' || r?.[0] !== 'r' || p?.[0] !== 'p') return 'expected c=, r= … p=';
  if (!isBase64(c[1]) || !isBase64(p[1])) return 'malformed base64';
  const proofAt = text.lastIndexOf(',p=');
  return { channelBinding: c[1], nonce: r[1], withoutProof: text.slice(0, proofAt), proof: Buffer.from(p[1], 'base64') };
}

function decodeMessage(data: Buffer | undefined): string | undefined {
  if (data === undefined || data.length === 0 || data.length > MAX_MESSAGE_BYTES) return undefined;
  const text = data.toString('utf8');
  // invalid UTF-8 decodes to U+FFFD; NUL is never valid in a SCRAM message
  if (text.includes('\ufffd') || text.includes('\u0000')) return undefined;
  return text;
}

/** `a=x,b=y` → [['a','x'], ['b','y']]; undefined unless every part is one letter, `=`, and a value. */
function splitAttributes(text: string): Array<[string, string]> | undefined {
  const out: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    if (!/^[A-Za-z]=/.test(part)) return undefined;
    out.push([part[0] as string, part.slice(2)]);
  }
  return out;
}

/** saslname: `=2C` is `,` and `=3D` is `=`; any other `=` is malformed (RFC 5802 §5.1). */
function decodeSaslName(value: string): string | undefined {
  if (value === '' || /=(?!2C|3D)/.test(value)) return undefined;
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** printable = %x21-2B / %x2D-7E: printable ASCII except `,`. */
function isNonce(value: string): boolean {
  return /^[\x21-\x2b\x2d-\x7e]+$/.test(value);
}

function isBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}
