import { z } from 'zod';

/**
 * The one typed configuration tree. Each section owns its schema and
 * defaults; keys used by outside tests (ARCHITECTURE.md "Operator interface")
 * are `listeners.tcp.port`, `http.port`, `storage.dir`, `auth.allowAnonymous`,
 * `auth.users`, `auth.acl`. Unknown keys are errors, so a typo fails at boot.
 */
const port = z.number().int().min(0).max(65535);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

/** Certificate fields shared by the TLS and WSS listeners (paths to PEM files). */
const tlsFields = {
  /** Server certificate chain; required when the listener is enabled. */
  certFile: z.string().min(1).optional(),
  /** Private key of certFile; required when the listener is enabled. */
  keyFile: z.string().min(1).optional(),
  /** CA bundle client certificates must chain to; required when client certificates are requested. */
  caFile: z.string().min(1).optional(),
  /** Ask for a client certificate; only one that verifies against caFile becomes the client's identity. */
  requestClientCert: z.boolean().default(false),
  /** Refuse the handshake of a client without a certificate that verifies against caFile. */
  requireClientCert: z.boolean().default(false),
  /** HOSTILE-INPUTS.md limits: TLS ≥ 1.2 (Mosquitto 2 refuses older versions too). */
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  /** PEM certificate revocation list(s) of the CA: a revoked client certificate fails the handshake (Mosquitto `crlfile`). */
  crlFile: z.string().min(1).optional(),
};

export const listenersSchema = z
  .object({
    tcp: z
      .object({
        /** MQTT over TCP; 0 picks a free port (tests). */
        port: port.default(1883),
        host: z.string().default('0.0.0.0'),
      })
      .strict()
      .default({}),
    /** MQTT over TLS (EMQX/Mosquitto port 8883); off until certificate files are given. */
    tls: z
      .object({ enabled: z.boolean().default(false), port: port.default(8883), host: z.string().default('0.0.0.0'), ...tlsFields })
      .strict()
      .default({}),
    /**
     * MQTT over WebSocket at `path` (EMQX 8083 `/mqtt`). On by default as in
     * EMQX, so `npm start` binds 8083 too; 0 picks a free port.
     */
    ws: z
      .object({ enabled: z.boolean().default(true), port: port.default(8083), host: z.string().default('0.0.0.0'), path: z.string().startsWith('/').default('/mqtt') })
      .strict()
      .default({}),
    /** MQTT over WebSocket over TLS (EMQX 8084); off until certificate files are given. */
    wss: z
      .object({
        enabled: z.boolean().default(false),
        port: port.default(8084),
        host: z.string().default('0.0.0.0'),
        path: z.string().startsWith('/').default('/mqtt'),
        ...tlsFields,
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((listeners, ctx) => {
    for (const name of ['tls', 'wss'] as const) {
      const l = listeners[name];
      if (!l.enabled) continue;
      for (const key of ['certFile', 'keyFile'] as const) {
        if (l[key] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name, key], message: `required when listeners.${name}.enabled is true` });
      }
      if ((l.requestClientCert || l.requireClientCert) && l.caFile === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name, 'caFile'], message: `required when listeners.${name} asks for client certificates` });
      }
    }
  })
  .default({});

export const httpSchema = z
  .object({
    /** REST API, `/metrics`, `/ready`; 0 picks a free port. */
    port: port.default(18083),
    host: z.string().default('0.0.0.0'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .default({});

export const storageSchema = z
  .object({
    /** Where the embedded store keeps its files. */
    dir: z.string().default('./data'),
    mongodb: z.object({ uri: z.string().url() }).strict().optional(),
  })
  .strict()
  .default({});

const aclRuleSchema = z
  .object({
    permission: z.enum(['allow', 'deny']),
    username: z.string().optional(),
    clientid: z.string().optional(),
    /** Rules for clients connecting from this address (exact, or CIDR). */
    ipaddr: z.string().optional(),
    action: z.enum(['publish', 'subscribe', 'all']).default('all'),
    /** Topic filters; `${clientid}`, `${username}` and `${cert_cn}` (the verified client certificate's CN) are replaced per client; `eq <filter>` matches the literal filter. */
    topics: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type AclRuleConfig = z.infer<typeof aclRuleSchema>;

export const authSchema = z
  .object({
    /**
     * Accept clients without credentials. Unset: accepted only from loopback
     * when no users are configured, otherwise refused.
     */
    allowAnonymous: z.boolean().optional(),
    /**
     * Built-in users. Each has `password` (plain text, hashed at start and
     * not kept) or `passwordHash`, a PHC string made by
     * `npx tsx tools/hash-password.ts`: argon2id or PBKDF2-SHA512.
     */
    users: z
      .array(
        z
          .object({
            username: z.string().min(1),
            password: z.string().min(1).optional(),
            passwordHash: z.string().regex(/^\$(argon2id|pbkdf2-sha512)\$/, 'expected a PHC string: $argon2id$… or $pbkdf2-sha512$…').optional(),
            superuser: z.boolean().default(false),
          })
          .strict()
          .refine((u) => (u.password === undefined) !== (u.passwordHash === undefined), {
            message: 'set exactly one of password and passwordHash',
            path: ['password'],
          }),
      )
      .default([]),
    acl: z.array(aclRuleSchema).default([]),
    /** What an ACL check that matches no rule decides, when rules exist. With no rules at all, everything is allowed. */
    aclNoMatch: z.enum(['allow', 'deny']).default('deny'),
    /** Order of the authentication providers; the first that does not ignore decides. Unconfigured providers ignore. */
    chain: z
      .array(z.enum(['banned', 'x509', 'jwt', 'users', 'http', 'anonymous']))
      .refine((c) => new Set(c).size === c.length, 'a provider may appear once')
      .default(['banned', 'x509', 'jwt', 'users', 'http', 'anonymous']),
    /**
     * A client certificate that verified against a TLS/WSS listener's CA is
     * the client's identity: the client is allowed, with the certificate's
     * CN (or first DNS SAN) as username and/or client id when configured
     * (EMQX `peer_cert_as_username` / `peer_cert_as_clientid`). A client that
     * sends a different username is refused. Without a certificate: ignored.
     */
    x509: z
      .object({
        enabled: z.boolean().default(false),
        usernameFrom: z.enum(['cn', 'san']).nullable().default(null),
        clientIdFrom: z.enum(['cn', 'san']).nullable().default(null),
      })
      .strict()
      .default({}),
    /** JWT in the CONNECT password (or username): HS256 with `secret`, RS256/ES256 with `publicKey` (PEM) or `jwksUrl`. */
    jwt: z
      .object({
        enabled: z.boolean().default(false),
        from: z.enum(['password', 'username']).default('password'),
        algorithms: z.array(z.enum(['HS256', 'RS256', 'ES256'])).min(1).default(['HS256', 'RS256', 'ES256']),
        secret: z.string().min(1).optional(),
        publicKey: z.string().includes('-----BEGIN PUBLIC KEY-----', { message: 'expected a PEM public key' }).optional(),
        jwksUrl: z.string().url().optional(),
        /** How long fetched JWKS keys are used before they are fetched again. */
        jwksCacheMs: z.number().int().positive().default(300_000),
        /** A token with an unknown `kid` fetches the set again, at most this often (so made-up kids cannot flood the issuer). */
        jwksMinRefetchMs: z.number().int().min(0).default(30_000),
        issuer: z.string().optional(),
        audience: z.string().optional(),
        /** Allowed clock skew for `exp` / `nbf`. */
        clockToleranceS: z.number().int().min(0).default(5),
        /** Claim holding the connection's ACL rules: `[{permission, action, topics}]`. */
        aclClaim: z.string().min(1).default('acl'),
        /** A token whose claim of this name is `true` makes the connection a superuser: every ACL check allows, `$SYS` included. */
        superuserClaim: z.string().min(1).default('superuser'),
        /** When set, this claim must equal the CONNECT username (EMQX `verify_claims: {username: "${username}"}`). */
        usernameClaim: z.string().min(1).optional(),
      })
      .strict()
      .refine((j) => !j.enabled || j.secret !== undefined || j.publicKey !== undefined || j.jwksUrl !== undefined, 'jwt.enabled needs secret, publicKey or jwksUrl')
      .default({}),
    /** HTTP callout: POST `{clientid, username, password, peerhost, protocol}`, answer `{result: allow|deny|ignore, is_superuser?}`. */
    http: z
      .object({
        url: z.string().url(),
        timeoutMs: z.number().int().positive().default(5_000),
        headers: z.record(z.string()).default({}),
      })
      .strict()
      .optional(),
    /**
     * MQTT 5 enhanced authentication with SCRAM-SHA-256. The auth service
     * keeps nothing between the AUTH steps: it seals the exchange state with
     * this secret and the gateway carries it. Set the same secret on every
     * auth instance (base64, at least 32 bytes) so an exchange may finish on
     * another instance and an unknown user's made-up salt stays the same
     * across restarts; unset, each process draws its own.
     */
    scram: z
      .object({
        secret: z
          .string()
          .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length >= 32, 'expected base64 of at least 32 bytes')
          .optional(),
      })
      .strict()
      .default({}),
    /** Banned clients; each entry names exactly one of clientid, username, ipaddr (exact or CIDR). */
    banned: z
      .array(
        z
          .object({
            clientid: z.string().min(1).optional(),
            username: z.string().min(1).optional(),
            ipaddr: z.string().min(1).optional(),
            /** ISO 8601 time the ban ends; absent: never. */
            until: z.string().datetime({ offset: true }).optional(),
            reason: z.string().optional(),
          })
          .strict()
          .refine((b) => [b.clientid, b.username, b.ipaddr].filter((v) => v !== undefined).length === 1, 'set exactly one of clientid, username, ipaddr'),
      )
      .default([]),
    /** A client id that connects `maxConnects` times within `windowMs` is banned for `banMs` (EMQX flapping_detect: 15, 1 min, 5 min). */
    flapping: z
      .object({
        enabled: z.boolean().default(true),
        maxConnects: z.number().int().min(2).default(15),
        windowMs: z.number().int().positive().default(60_000),
        banMs: z.number().int().positive().default(300_000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

export const gatewaySchema = z
  .object({
    /** Names this gateway on the bus and in the registries; defaults to `<hostname>-<pid>`. */
    id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').optional(),
    /** Close a connection that has not sent CONNECT by then (HiveMQ uses 10 s). */
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /** Largest packet accepted, refused from the fixed header before buffering (EMQX: 1 MB). */
    maxPacketSize: z.number().int().min(64).max(268_435_455).default(1_048_576),
    /** Deadline for each call to auth, session and router. */
    serviceTimeoutMs: z.number().int().positive().default(5_000),
    /** MQTT 5 Topic Alias Maximum advertised in CONNACK: inbound aliases per connection; 0 refuses aliases (HOSTILE-INPUTS.md: 10, as Mosquitto). */
    topicAliasMaximum: z.number().int().min(0).max(65_535).default(10),
    /** Longest keepalive (s) a client may use; a v5 client asking for more (or 0) gets Server Keep Alive [MQTT-3.2.2-21]. 0 = accept the client's. */
    maxKeepAlive: z.number().int().min(0).max(65_535).default(0),
    /** How often `$SYS/brokers/<gatewayId>/...` statistics are published (Mosquitto `sys_interval` 10 s); 0 turns them off. */
    sysIntervalMs: z.number().int().min(0).default(10_000),
    /**
     * CONNECTs per second each listener accepts (token bucket, burst of one
     * second); beyond, CONNACK 0x9F Connection rate exceeded. 0 = no limit,
     * the default as in EMQX 5 (`max_conn_rate = infinity`) and Mosquitto: a
     * fleet reconnecting after an outage must not be turned away by default.
     */
    maxConnectRate: z.number().min(0).default(0),
    /** PUBLISH packets per second one client may send (burst of one second); beyond, v5 DISCONNECT 0x96 Message rate too high (v3: close). 0 = no limit. */
    maxMessageRate: z.number().min(0).default(0),
    /**
     * What an ACL deny does besides its answer (EMQX `authorization.deny_action`):
     * `ignore` answers PUBACK/PUBREC 0x87 (v3.1.1: drops the message) and
     * SUBACK 0x87/0x80; `disconnect` closes the connection instead (v5 DISCONNECT 0x87 Not authorized).
     */
    denyAction: z.enum(['ignore', 'disconnect']).default('ignore'),
    /**
     * Distributed mode: how often each gateway announces itself on the bus
     * (`mqp.gateway.heartbeat`). The session service treats a gateway silent
     * for 3 intervals as dead: its clients' wills go out and their persistent
     * sessions go offline. Shorter finds a dead gateway sooner, at one small
     * bus message per gateway per interval.
     */
    heartbeatIntervalMs: z.number().int().min(50).max(60_000).default(1_000),
    /**
     * Standalone only: processes serving the plain-TCP listener. 1 = this
     * process alone; N forks N-1 gateway workers that accept from the same
     * listening socket, so the MQTT work spreads over N cores while the
     * other services stay in this process (docs/adr/0006). Set it to the
     * number of cores the broker may use.
     */
    workers: z.number().int().min(1).max(64).default(1),
  })
  .strict()
  .default({});

/**
 * Whether some gateway runs in a process of its own, so it can die while the
 * session service lives on: over NATS (distributed), or as a gateway worker
 * of a standalone process. Then gateways announce themselves on the bus and
 * the session service watches them.
 */
export function separateGatewayProcesses(config: { nats: { url?: string | undefined }; gateway: { workers: number } }): boolean {
  return config.nats.url !== undefined || config.gateway.workers > 1;
}

export const sessionSchema = z
  .object({
    /**
     * Server cap on the Session Expiry Interval, seconds (EMQX: 2 h). A client
     * asking for more (incl. 0xFFFFFFFF, never) gets this, told in the v5
     * CONNACK; a v3.1.1 CleanSession 0 session gets it too.
     */
    maxExpiryInterval: z.number().int().min(0).max(0xffffffff).default(7200),
    /** QoS 1/2 messages held for one disconnected persistent session; the oldest is dropped beyond (EMQX/Mosquitto 1000). */
    maxQueuedMessages: z.number().int().positive().default(1000),
    /** Payload bytes held for one disconnected persistent session; the oldest is dropped beyond. */
    maxQueuedBytes: z.number().int().positive().default(10 * 1024 * 1024),
  })
  .strict()
  .default({});

const serviceAddress = z.object({ address: hostPort }).strict();

export const servicesSchema = z
  .object({
    /** Where to reach the services this process does not run itself (distributed mode). */
    auth: serviceAddress.optional(),
    session: serviceAddress.optional(),
    router: serviceAddress.optional(),
  })
  .strict()
  .default({});

export const grpcSchema = z
  .object({
    /** Where this process serves its auth/session/router services to others; required when it runs any of them in distributed mode. */
    port: port.optional(),
    host: z.string().default('0.0.0.0'),
  })
  .strict()
  .default({});

export const natsSchema = z
  .object({
    /** NATS server URL(s), comma separated; unset = in-process bus (standalone). */
    url: z.string().optional(),
  })
  .strict()
  .default({});

const webhookSchema = z
  .object({
    name: z.string().min(1),
    url: z.string().url(),
    /** Messages whose topic matches any of these filters are POSTed. */
    topics: z.array(z.string().min(1)).default([]),
    /** Client events (e.g. `client.connected`) that are POSTed. */
    events: z.array(z.string().min(1)).default([]),
    timeoutMs: z.number().int().positive().default(5_000),
    headers: z.record(z.string()).default({}),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhookSchema>;

export const integrationSchema = z
  .object({ webhooks: z.array(webhookSchema).default([]) })
  .strict()
  .default({});

export const telemetrySchema = z
  .object({
    /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; unset = no export. */
    otlpEndpoint: z.string().url().optional(),
    serviceName: z.string().default('mqp'),
  })
  .strict()
  .default({});

export const logSchema = z
  .object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') })
  .strict()
  .default({});

export const configSchema = z
  .object({
    listeners: listenersSchema,
    http: httpSchema,
    storage: storageSchema,
    auth: authSchema,
    gateway: gatewaySchema,
    session: sessionSchema,
    services: servicesSchema,
    grpc: grpcSchema,
    nats: natsSchema,
    integration: integrationSchema,
    telemetry: telemetrySchema,
    log: logSchema,
  })
  .strict();

export type MqpConfig = z.infer<typeof configSchema>;
export type AuthConfig = MqpConfig['auth'];
export type GatewayConfig = MqpConfig['gateway'];
export type SessionConfig = MqpConfig['session'];
