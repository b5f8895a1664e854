import type { TLSSocket } from 'node:tls';
import type { ClientCertificate } from '@mqp/contracts';

/**
 * The identity a client proved with its certificate, or undefined when it
 * sent none or one that did not verify against the listener's CA: an
 * unverified certificate is a claim anyone can make, so it never reaches auth.
 */
export function clientCertificateOf(socket: TLSSocket): ClientCertificate | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || typeof cert.fingerprint256 !== 'string') return undefined;
  const out: ClientCertificate = { fingerprint256: cert.fingerprint256 };
  // a subject may repeat an attribute; Node then gives an array. The first CN is the one tools show.
  const cn: unknown = cert.subject?.CN;
  const firstCn = Array.isArray(cn) ? (cn[0] as unknown) : cn;
  if (typeof firstCn === 'string') out.subjectCN = firstCn;
  if (typeof cert.subjectaltname === 'string' && cert.subjectaltname.length > 0) out.subjectAltNames = parseSubjectAltNames(cert.subjectaltname);
  return out;
}

/**
 * Splits Node's `subjectaltname` string (`DNS:a.example, IP Address:127.0.0.1`)
 * into entries kept with their type prefix. Node quotes a value holding a
 * comma or quote as a JSON string (`DNS:"a,b"`), so those are unquoted.
 */
export function parseSubjectAltNames(text: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const type = text.slice(i, colon);
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      // JSON string: find the closing quote that is not escaped
      let end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      } catch {
        value = text.slice(colon + 2, end);
      }
      next = text.indexOf(', ', end);
    } else {
      next = text.indexOf(', ', colon);
      value = text.slice(colon + 1, next < 0 ? text.length : next);
    }
    names.push(`${type}:${value}`);
    if (next < 0) break;
    i = next + 2;
  }
  return names;
}
