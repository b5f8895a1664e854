import type { AuthorizeRequest } from '@mqp/contracts';
import type { AclAction } from '@mqp/model';
import type { Connection } from './connection';

/** The authorize request for one action of a connection, with what authenticate decided about it. */
export function authorizeRequest(conn: Connection, action: AclAction, topic: string): AuthorizeRequest {
  const req: AuthorizeRequest = { clientId: conn.clientId, action, topic, remoteAddress: conn.remoteAddress, superuser: conn.superuser };
  if (conn.username !== undefined) req.username = conn.username;
  if (conn.connectionAcl !== undefined) req.connectionAcl = conn.connectionAcl;
  if (conn.clientCertificate?.subjectCN !== undefined) req.certCN = conn.clientCertificate.subjectCN;
  return req;
}
