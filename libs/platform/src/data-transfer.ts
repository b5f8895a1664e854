import type { Message } from '@mqp/model';
import { validateTopicFilter, validateTopicName } from '@mqp/protocol';
import { checkPasswordHash } from '@mqp/service-auth';
import type { PersistentSessionRecord, RuleDocument, StoredAclRule, StoredBan, StoredDelivery, StoredUser, Stores } from '@mqp/storage';
import { z } from 'zod';
import { validateAclRule } from './acl.command';
import { validateUsername } from './users.command';

/**
 * `mqp data export|import`: everything an install keeps, as JSON lines, to
 * move it between stores (embedded ↔ MongoDB) or installs. Written against
 * the storage ports only, so any adapter pair works.
 *
 * Format: the first line is the header `{"kind":"header","format":"mqp-data","version":1}`,
 * then one record per line, each with a `kind`:
 *   user     `{"kind":"user","user":{username,passwordHash,superuser,scram?}}` (hashes, never passwords)
 *   acl      `{"kind":"acl","rule":{permission,action,topics,username?,clientid?,ipaddr?}}`, in ACL order
 *   ban      `{"kind":"ban","ban":{kind,value,until?,reason?,source?}}`
 *   rule     `{"kind":"rule","rule":{id,…}}` (integration rules)
 *   retained `{"kind":"retained","message":Message}`
 *   session  `{"kind":"session","session":PersistentSessionRecord}` (without `connection`: it goes out offline)
 *   queued   `{"kind":"queued","clientId":…,"delivery":{message,qos,packetId?,released?}}`, in queue order
 * Binary fields (payload, correlationData) are base64.
 *
 * Import checks every line before writing anything, and is idempotent: users,
 * bans, rules, retained messages and sessions are replaced by key, the ACL is
 * replaced as a whole when the file has `acl` lines (left alone when it has
 * none), and queued messages are appended unless their message id is already
 * queued for that client (the queue store removes duplicates by id).
 *
 * Not exported: retained messages on `$` topics (the broker's own, `$SYS`:
 * a `#` match leaves them out [MQTT-4.7.2-1] and clients cannot publish
 * there), and queued messages of a client with no session record.
 */
export const DATA_FORMAT = 'mqp-data';
export const DATA_VERSION = 1;

export type DataStores = Pick<Stores, 'auth' | 'rules' | 'retained' | 'sessions' | 'queues'>;

export type DataRecord =
  | { kind: 'user'; user: StoredUser }
  | { kind: 'acl'; rule: StoredAclRule }
  | { kind: 'ban'; ban: StoredBan }
  | { kind: 'rule'; rule: RuleDocument }
  | { kind: 'retained'; message: Message }
  | { kind: 'session'; session: PersistentSessionRecord }
  | { kind: 'queued'; clientId: string; delivery: StoredDelivery };

export type DataCounts = Record<DataRecord['kind'], number>;

/** A line of an import that is not a valid record; `line` counts from 1. */
export class DataLineError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export async function exportData(stores: DataStores, write: (line: string) => void | Promise<void>): Promise<DataCounts> {
  const counts = emptyCounts();
  const emit = async (record: DataRecord): Promise<void> => {
    counts[record.kind]++;
    await write(JSON.stringify(toJson(record)));
  };
  await write(JSON.stringify({ kind: 'header', format: DATA_FORMAT, version: DATA_VERSION }));
  for (const user of sortBy(await stores.auth.listUsers(), (u) => u.username)) await emit({ kind: 'user', user });
  for (const rule of await stores.auth.getAcl()) await emit({ kind: 'acl', rule });
  for (const ban of sortBy(await stores.auth.listBans(), (b) => `${b.kind}:${b.value}`)) await emit({ kind: 'ban', ban });
  for (const rule of sortBy(await stores.rules.list(), (r) => r.id)) await emit({ kind: 'rule', rule });
  for (const message of sortBy(await stores.retained.match('#'), (m) => m.topic)) await emit({ kind: 'retained', message });
  for (const session of sortBy(await stores.sessions.list(), (s) => s.clientId)) {
    await emit({ kind: 'session', session });
    for (const { seq: _seq, ...delivery } of await stores.queues.list(session.clientId)) {
      await emit({ kind: 'queued', clientId: session.clientId, delivery });
    }
  }
  return counts;
}

/** Every record of an export, checked; throws DataLineError for the first bad line. Blank lines are skipped. */
export function parseDataLines(text: string): DataRecord[] {
  const lines = text.split('\n');
  const records: DataRecord[] = [];
  let headerSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new DataLineError(i + 1, `not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!headerSeen) {
      const header = headerSchema.safeParse(json);
      if (!header.success) throw new DataLineError(i + 1, `expected the header {"kind":"header","format":"${DATA_FORMAT}","version":${DATA_VERSION}} first`);
      headerSeen = true;
      continue;
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success) throw new DataLineError(i + 1, describeIssues(parsed.error));
    records.push(parsed.data);
  }
  if (!headerSeen) throw new DataLineError(1, 'empty input: no header');
  return records;
}

/** Checks everything first (parseDataLines), then writes; a bad line writes nothing. */
export async function importData(stores: DataStores, text: string): Promise<DataCounts> {
  const records = parseDataLines(text);
  const counts = emptyCounts();
  const acl: StoredAclRule[] = [];
  for (const record of records) {
    counts[record.kind]++;
    switch (record.kind) {
      case 'user':
        await stores.auth.putUser(record.user);
        break;
      case 'acl':
        acl.push(record.rule);
        break;
      case 'ban':
        await stores.auth.putBan(record.ban);
        break;
      case 'rule':
        await stores.rules.put(record.rule);
        break;
      case 'retained':
        await stores.retained.set(record.message);
        break;
      case 'session':
        await stores.sessions.put(record.session);
        break;
      case 'queued':
        await stores.queues.append(record.clientId, record.delivery);
        break;
    }
  }
  if (counts.acl > 0) await stores.auth.setAcl(acl);
  return counts;
}

function emptyCounts(): DataCounts {
  return { user: 0, acl: 0, ban: 0, rule: 0, retained: 0, session: 0, queued: 0 };
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---- JSON form: Buffers as base64 ----

type Json = Record<string, unknown>;

function toJson(record: DataRecord): Json {
  switch (record.kind) {
    case 'retained':
      return { kind: record.kind, message: messageToJson(record.message) };
    case 'queued':
      return { kind: record.kind, clientId: record.clientId, delivery: deliveryToJson(record.delivery) };
    case 'session': {
      // `connection` names a live connection of this install: in another it would be a ghost, so the session goes out offline.
      const { inflight, pending, will, connection: _connection, ...rest } = record.session;
      const session: Json = { ...rest };
      if (inflight !== undefined) session['inflight'] = inflight.map(deliveryToJson);
      if (pending !== undefined) session['pending'] = pending.map(deliveryToJson);
      if (will !== undefined) session['will'] = { ...will, message: messageToJson(will.message) };
      return { kind: record.kind, session };
    }
    default:
      return record;
  }
}

function deliveryToJson(delivery: StoredDelivery): Json {
  return { ...delivery, message: messageToJson(delivery.message) };
}

function messageToJson(message: Message): Json {
  const json: Json = { ...message, payload: message.payload.toString('base64') };
  if (message.properties?.correlationData !== undefined) {
    json['properties'] = { ...message.properties, correlationData: message.properties.correlationData.toString('base64') };
  }
  return json;
}

// ---- validation of what comes back ----

const base64 = z
  .string()
  .refine((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), 'not base64')
  .transform((s) => Buffer.from(s, 'base64'));
const qos = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const millis = z.number().int().min(0);
const topicName = z.string().superRefine((t, ctx) => {
  const reason = validateTopicName(t);
  if (reason) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `bad topic: ${reason}` });
});
const topicFilter = z.string().superRefine((t, ctx) => {
  const reason = validateTopicFilter(t);
  if (reason) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `bad topic filter: ${reason}` });
});

const messageSchema = z
  .object({
    id: z.string().min(1),
    topic: topicName,
    payload: base64,
    qos,
    retain: z.boolean(),
    properties: z
      .object({
        payloadFormatIndicator: z.boolean().optional(),
        messageExpiryInterval: z.number().int().min(0).optional(),
        contentType: z.string().optional(),
        responseTopic: topicName.optional(),
        correlationData: base64.optional(),
        userProperties: z.array(z.tuple([z.string(), z.string()])).optional(),
      })
      .strict()
      .optional(),
    origin: z.object({ clientId: z.string(), gatewayId: z.string() }).strict(),
    createdAt: millis,
    expiresAt: millis.optional(),
  })
  .strict();

const deliverySchema = z
  .object({
    message: messageSchema,
    qos,
    packetId: z.number().int().min(1).max(65_535).optional(),
    released: z.boolean().optional(),
  })
  .strict();

const sessionSchema = z
  .object({
    clientId: z.string().min(1),
    protocolVersion: z.union([z.literal(3), z.literal(4), z.literal(5)]),
    expiryInterval: z.number().int().min(0).max(0xffffffff),
    subscriptions: z.array(
      z
        .object({
          filter: topicFilter,
          qos,
          noLocal: z.boolean().optional(),
          retainAsPublished: z.boolean().optional(),
          subscriptionId: z.number().int().min(1).max(268_435_455).optional(),
        })
        .strict(),
    ),
    updatedAt: millis,
    expiresAt: millis.optional(),
    inflight: z.array(deliverySchema).optional(),
    awaitingRel: z.array(z.number().int().min(1).max(65_535)).optional(),
    will: z.object({ message: messageSchema, dueAt: millis }).strict().optional(),
    pending: z.array(deliverySchema).optional(),
    connection: z.object({ gatewayId: z.string(), connectionId: z.string() }).strict().optional(),
  })
  .strict();

const userSchema = z
  .object({
    username: z.string().superRefine((u, ctx) => {
      const reason = validateUsername(u);
      if (reason) ctx.addIssue({ code: z.ZodIssueCode.custom, message: reason });
    }),
    passwordHash: z.string().superRefine((h, ctx) => {
      try {
        checkPasswordHash(h);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof Error ? err.message : String(err) });
      }
    }),
    superuser: z.boolean(),
    scram: z.object({ salt: z.string().min(1), iterations: z.number().int().min(1), storedKey: z.string().min(1), serverKey: z.string().min(1) }).strict().optional(),
  })
  .strict();

const aclRuleSchema = z
  .object({
    permission: z.enum(['allow', 'deny']),
    username: z.string().optional(),
    clientid: z.string().optional(),
    ipaddr: z.string().optional(),
    action: z.enum(['publish', 'subscribe', 'all']),
    topics: z.array(z.string()),
  })
  .strict()
  .superRefine((rule, ctx) => {
    for (const problem of validateAclRule(rule)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

const banSchema = z
  .object({
    kind: z.enum(['clientid', 'username', 'ipaddr']),
    value: z.string().min(1),
    until: millis.optional(),
    reason: z.string().optional(),
    source: z.enum(['config', 'api', 'flapping']).optional(),
  })
  .strict();

const ruleDocumentSchema = z.object({ id: z.string().min(1) }).passthrough();

const recordSchema: z.ZodType<DataRecord, z.ZodTypeDef, unknown> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), user: userSchema }).strict(),
  z.object({ kind: z.literal('acl'), rule: aclRuleSchema }).strict(),
  z.object({ kind: z.literal('ban'), ban: banSchema }).strict(),
  z.object({ kind: z.literal('rule'), rule: ruleDocumentSchema }).strict(),
  z.object({ kind: z.literal('retained'), message: messageSchema }).strict(),
  z.object({ kind: z.literal('session'), session: sessionSchema }).strict(),
  z.object({ kind: z.literal('queued'), clientId: z.string().min(1), delivery: deliverySchema }).strict(),
]) as z.ZodType<DataRecord, z.ZodTypeDef, unknown>;

const headerSchema = z.object({ kind: z.literal('header'), format: z.literal(DATA_FORMAT), version: z.literal(DATA_VERSION) }).passthrough();

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid record';
  if (issue.code === z.ZodIssueCode.invalid_union_discriminator) return `unknown kind (expected ${issue.options.map(String).join(', ')})`;
  const where = issue.path.join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}
