import type { AuthConfig } from '@mqp/config';
import type { AuthenticateRequest } from '@mqp/contracts';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';

export type HttpAuthConfig = NonNullable<AuthConfig['http']>;

/** The answer is a few fields; a larger body is not read (a misbehaving endpoint must not fill our memory). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * HTTP callout (EMQX `emqx_authn_http`): POSTs
 * `{clientid, username, password, peerhost, protocol}` as JSON and reads
 * `{result: "allow" | "deny" | "ignore", is_superuser?}`.
 *
 * Fail closed: a timeout, a network error, a 5xx or an answer that cannot be
 * read refuses the client as `unavailable` ("server unavailable"), and a 4xx
 * as `not_authorized`; never an allow, and never an ignore, which could let a
 * later provider (anonymous) accept a client this endpoint would refuse.
 */
export class HttpProvider implements AuthProvider {
  readonly name = 'http';

  constructor(private readonly config: HttpAuthConfig) {}

  async authenticate(req: AuthenticateRequest): Promise<ProviderDecision> {
    const body = JSON.stringify({
      clientid: req.clientId,
      username: req.username ?? null,
      password: req.password?.toString('utf8') ?? null,
      peerhost: req.remoteAddress,
      protocol: req.protocolVersion === 5 ? 'MQTT/5.0' : req.protocolVersion === 4 ? 'MQTT/3.1.1' : 'MQTT/3.1',
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: { ...this.config.headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        redirect: 'error',
      });
      text = await readLimited(response);
    } catch (err) {
      return { decision: 'deny', reason: 'unavailable', detail: `http callout failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (response.status >= 400 && response.status < 500) {
      return { decision: 'deny', reason: 'not_authorized', detail: `http callout answered ${response.status}` };
    }
    if (response.status < 200 || response.status >= 300) {
      return { decision: 'deny', reason: 'unavailable', detail: `http callout answered ${response.status}` };
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return { decision: 'deny', reason: 'unavailable', detail: 'http callout answered invalid JSON' };
    }
    const result = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>)['result'] : undefined;
    if (result === 'ignore') return IGNORE;
    if (result === 'deny') return { decision: 'deny', reason: 'not_authorized', detail: 'http callout denied' };
    if (result === 'allow') return { decision: 'allow', superuser: (answer as Record<string, unknown>)['is_superuser'] === true };
    return { decision: 'deny', reason: 'unavailable', detail: 'http callout answered without a result' };
  }
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
