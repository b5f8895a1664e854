import { authSchema } from '@mqp/config';
import type { AuthChangedEvent, AuthenticateRequest, AuthorizeRequest } from '@mqp/contracts';
import { silentLogger } from '@mqp/runtime';
import { AuthService } from './auth.service';

type AuthInput = Parameters<typeof authSchema.parse>[0];

function service(auth: AuthInput, changes: AuthChangedEvent[] = []): AuthService {
  return new AuthService(authSchema.parse(auth), silentLogger, { changed: (e) => changes.push(e) });
}

const certificate = { subjectCN: 'device-1', subjectAltNames: ['DNS:device-1.example'], fingerprint256: 'AB:CD' };
const withCert = (extra: Partial<AuthenticateRequest> = {}): AuthenticateRequest => ({ clientId: 'c1', remoteAddress: '10.0.0.1', protocolVersion: 5, certificate, ...extra });
const sub = (topic: string, who: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({ clientId: 'c1', action: 'subscribe', topic, ...who });

describe('AuthService X.509 certificate identity', () => {
  it('allows a client with a verified certificate and gives it the CN as username and the SAN as client id', async () => {
    const auth = service({ x509: { enabled: true, usernameFrom: 'cn', clientIdFrom: 'san' } });
    expect(await auth.authenticate(withCert())).toEqual({ decision: 'allow', superuser: false, username: 'device-1', clientId: 'device-1.example' });
  });

  it('refuses a client whose CONNECT username differs from the certificate CN', async () => {
    const auth = service({ x509: { enabled: true, usernameFrom: 'cn' } });
    expect(await auth.authenticate(withCert({ username: 'admin' }))).toEqual({ decision: 'deny', reason: 'not_authorized' });
    expect(await auth.authenticate(withCert({ username: 'device-1' }))).toMatchObject({ decision: 'allow', username: 'device-1' });
  });

  it('ignores a client without a certificate (the rest of the chain decides)', async () => {
    const auth = service({ x509: { enabled: true, usernameFrom: 'cn' }, users: [{ username: 'alice', password: 'pw' }] });
    expect(await auth.authenticate({ clientId: 'c1', remoteAddress: '10.0.0.1', protocolVersion: 5 })).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('applies bans to the identity the certificate gave', async () => {
    const auth = service({ x509: { enabled: true, usernameFrom: 'cn' }, banned: [{ username: 'device-1' }] });
    expect(await auth.authenticate(withCert())).toEqual({ decision: 'deny', reason: 'banned' });
  });

  it('substitutes ${cert_cn} in ACL rules, and a rule with it does not match without a certificate or with a CN holding + # /', async () => {
    const auth = service({ acl: [{ permission: 'allow', topics: ['devices/${cert_cn}/#'] }] });
    expect(await auth.authorize(sub('devices/device-1/temp', { certCN: 'device-1' }))).toEqual({ allow: true });
    expect(await auth.authorize(sub('devices/device-2/temp', { certCN: 'device-1' }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('devices/device-1/temp'))).toEqual({ allow: false });
    // [CVE-2017-7650] a CN of `#` must not turn the rule into `devices/#/#`
    expect(await auth.authorize(sub('devices/x/temp', { certCN: '#' }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('devices/a/b/temp', { certCN: 'a/b' }))).toEqual({ allow: false });
  });
});

describe('AuthService rule changes', () => {
  it('replaceAcl changes what authorize answers and announces the change', async () => {
    const changes: AuthChangedEvent[] = [];
    const auth = service({ acl: [{ permission: 'allow', topics: ['x/#'] }] }, changes);
    expect(await auth.authorize(sub('x/1'))).toEqual({ allow: true });
    await auth.replaceAcl({ rules: [{ permission: 'allow', action: 'all', topics: ['y/#'] }] });
    expect(await auth.authorize(sub('x/1'))).toEqual({ allow: false });
    expect(await auth.authorize(sub('y/1'))).toEqual({ allow: true });
    expect(changes).toEqual([{ kind: 'acl' }]);
  });

  it('replaceAcl refuses a set with a malformed rule and keeps the rules in force', async () => {
    const changes: AuthChangedEvent[] = [];
    const auth = service({ acl: [{ permission: 'allow', topics: ['x/#'] }] }, changes);
    await expect(auth.replaceAcl({ rules: [{ permission: 'allow', action: 'all', topics: ['y/#'], ipaddr: 'not-an-address/99' }] })).rejects.toThrow(/acl rule refused/);
    expect(await auth.authorize(sub('x/1'))).toEqual({ allow: true });
    expect(changes).toEqual([]);
  });

  it('announces a ban with what it names, so gateways disconnect the live client', async () => {
    const changes: AuthChangedEvent[] = [];
    const auth = service({}, changes);
    await auth.ban({ kind: 'clientid', value: 'c9' });
    expect(changes).toEqual([{ kind: 'ban', ban: { kind: 'clientid', value: 'c9' } }]);
  });
});
