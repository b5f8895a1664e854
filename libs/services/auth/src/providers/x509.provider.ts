import type { AuthenticateRequest, ClientCertificate } from '@mqp/contracts';
import type { AuthConfig } from '@mqp/config';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';

type IdentityField = 'cn' | 'san';

/**
 * A client certificate that verified against the listener's CA (the gateway
 * only passes such certificates) is the client's identity, as EMQX
 * `peer_cert_as_username` / `peer_cert_as_clientid` and Mosquitto
 * `use_identity_as_username`. Without a certificate the provider ignores.
 */
export class X509Provider implements AuthProvider {
  readonly name = 'x509';

  constructor(private readonly config: AuthConfig['x509']) {}

  async authenticate(req: AuthenticateRequest): Promise<ProviderDecision> {
    const cert = req.certificate;
    if (!cert) return IGNORE;
    const decision: Extract<ProviderDecision, { decision: 'allow' }> = { decision: 'allow', superuser: false };
    const { usernameFrom, clientIdFrom } = this.config;
    if (usernameFrom !== null) {
      const username = identityOf(cert, usernameFrom);
      if (username === undefined) return { decision: 'deny', reason: 'not_authorized', detail: `certificate has no ${usernameFrom} for the username` };
      // A client claiming another name than its certificate's is refused, not silently renamed (Mosquitto does the same).
      if (req.username !== undefined && req.username !== username) {
        return { decision: 'deny', reason: 'not_authorized', detail: `username differs from the certificate ${usernameFrom}` };
      }
      decision.username = username;
    }
    if (clientIdFrom !== null) {
      const clientId = identityOf(cert, clientIdFrom);
      if (clientId === undefined) return { decision: 'deny', reason: 'not_authorized', detail: `certificate has no ${clientIdFrom} for the client id` };
      decision.clientId = clientId;
    }
    return decision;
  }
}

/** The CN, or the first DNS (else email, else any) Subject Alternative Name without its type prefix. */
export function identityOf(cert: ClientCertificate, field: IdentityField): string | undefined {
  if (field === 'cn') return nonEmpty(cert.subjectCN);
  const sans = cert.subjectAltNames ?? [];
  const value = (prefix: string): string | undefined => {
    const found = sans.find((s) => s.startsWith(prefix));
    return found === undefined ? undefined : nonEmpty(found.slice(prefix.length));
  };
  return value('DNS:') ?? value('email:') ?? value('URI:') ?? value('IP Address:');
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
