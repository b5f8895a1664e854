import { z } from 'zod';

/**
 * The one typed configuration tree. Each section owns its schema and
 * defaults; keys used by outside tests (ARCHITECTURE.md "Operator interface")
 * are `listeners.tcp.port`, `http.port`, `storage.dir`, `auth.allowAnonymous`,
 * `auth.users`, `auth.acl`. Unknown keys are errors, so a typo fails at boot.
 */
const port = z.number().int().min(0).max(65535);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

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
  })
  .strict()
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
    /** Topic filters; `${clientid}` and `${username}` are replaced per client; `eq <filter>` matches the literal filter. */
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
    users: z
      .array(z.object({ username: z.string().min(1), password: z.string().min(1), superuser: z.boolean().default(false) }).strict())
      .default([]),
    acl: z.array(aclRuleSchema).default([]),
    /** What an ACL check that matches no rule decides, when rules exist. With no rules at all, everything is allowed. */
    aclNoMatch: z.enum(['allow', 'deny']).default('deny'),
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
