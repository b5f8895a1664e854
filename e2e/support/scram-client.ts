import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IAuthPacket } from 'mqtt-packet';
import type { MqttClient } from 'mqtt';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/**
 * The client side of SCRAM-SHA-256 (RFC 5802 §3, §5; RFC 7677), written
 * independently of the server in libs/services/auth so the e2e suite checks
 * the server against the RFC, not against itself. No channel binding (`n,,`).
 *
 *   const scram = new ScramClient('sally', 'pw');
 *   CONNECT  Authentication Data = scram.clientFirst()
 *   AUTH 0x18 from the server    → answer scram.clientFinal(serverFirst)
 *   CONNACK Authentication Data  → scram.verifyServerFinal(serverFinal)
 */
export class ScramClient {
  private readonly bare: string;
  private authMessage: string | undefined;
  private serverKey: Buffer | undefined;

  constructor(
    username: string,
    private readonly password: string,
    private readonly nonce: string = randomBytes(18).toString('base64'),
  ) {
    // RFC 5802 §5.1: `=` and `,` in the username are escaped as =3D and =2C
    this.bare = `n=${username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
  }

  /** client-first-message: gs2-header `n,,` and client-first-message-bare. */
  clientFirst(): Buffer {
    return Buffer.from(`n,,${this.bare}`);
  }

  /** client-final-message for the server-first-message `r=…,s=…,i=…`; throws if the server's nonce does not extend ours. */
  clientFinal(serverFirst: Buffer | string): Buffer {
    const first = serverFirst.toString();
    const attrs = new Map(first.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!nonce?.startsWith(this.nonce) || nonce.length === this.nonce.length) throw new Error(`server nonce does not extend the client's: ${first}`);
    if (salt === undefined || !Number.isInteger(iterations) || iterations < 1) throw new Error(`bad server-first-message: ${first}`);
    const salted = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    // c=biws is base64("n,,"), the gs2-header repeated
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    this.authMessage = `${this.bare},${first},${withoutProof}`;
    const signature = hmac(storedKey, this.authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    this.serverKey = hmac(salted, 'Server Key');
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Whether the server-final-message `v=…` proves the server knows the user's ServerKey (RFC 5802 §3). */
  verifyServerFinal(serverFinal: Buffer | string | undefined): boolean {
    if (serverFinal === undefined || this.authMessage === undefined || this.serverKey === undefined) return false;
    const text = serverFinal.toString();
    if (!text.startsWith('v=')) return false;
    const expected = hmac(this.serverKey, this.authMessage);
    const got = Buffer.from(text.slice(2), 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  }
}

/**
 * Hooks a ScramClient into MQTT.js: call right after `mqtt.connect` with
 * `properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.clientFirst() }`.
 * MQTT.js hands the server's AUTH to `handleAuth` and sends the AUTH packet given back.
 */
export function answerScramChallenge(client: MqttClient, scram: ScramClient): void {
  client.handleAuth = (packet: IAuthPacket, callback: (error?: Error, packet?: IAuthPacket) => void) => {
    try {
      const data = scram.clientFinal(packet.properties?.authenticationData ?? Buffer.alloc(0));
      callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: data } });
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  };
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
