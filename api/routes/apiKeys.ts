// Admin API of the api_keys table: list (never a secret), issue (the key is shown once),
// relabel or link to a person (the secret stays), revoke, and rotate (a new key shown once; the old one keeps working for a grace period,
// then expires). A key may belong to a person of the staff directory (personId): the
// timeline and the audit trail name them, and /me/notifications is theirs. Every change
// is an audit_events row (GET /audit-events).
import { z } from 'zod';
import { ROLES, type Role } from '../../domain';
import { ErrorSchema } from '../../domain/schemas';
import { PersonIdSchema } from '../../domain/staffSchemas';
import { MAX_PG_INT, strictInt } from '../../domain/strictInt';
import type { Database } from '../../db/client';
import {
  findApiKey,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  updateApiKey,
  type ApiKeyRow,
  type KeyPersonRefusal,
} from '../../db/queries/apiKeys';
import { BadCursorError } from '../../db/queries/notifications';
import { hashKey, newApiKey } from '../apiKeyHash';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

const ADMIN: readonly Role[] = ['admin'];
const DAY_MS = 24 * 3600_000;
export const DEFAULT_GRACE_SECONDS = 3600;

const ApiKeyViewSchema = z
  .object({
    id: z.int(),
    label: z.string(),
    role: z.enum(ROLES),
    subject: z.string().nullable(),
    personId: z.string().nullable().meta({ description: 'The person the key belongs to (staff directory); null: a role-only key' }),
    createdAt: z.string(),
    expiresAt: z.string().nullable().meta({ description: 'Null: does not expire' }),
    expired: z.boolean(),
    lastUsedAt: z.string().nullable().meta({ description: 'Recorded at most once a minute' }),
    revoked: z.boolean(),
    revokedAt: z.string().nullable(),
    replacedBy: z.int().nullable().meta({ description: 'The key that replaced this one by rotation' }),
    hashScheme: z.enum(['hmac-sha256', 'sha256']).meta({ description: 'sha256: written before keyed hashing; re-hashed at its first use' }),
  })
  .meta({ id: 'ApiKey' });

const expiresInDays = strictInt(1, 3650).optional().meta({ description: 'Lifetime in days; omitted: does not expire' });

const label = z.string().trim().min(1).max(100);

const IssueBody = z
  .strictObject({
    role: z.enum(ROLES),
    subject: z.string().trim().min(1).max(64).optional().meta({ description: "The engineer's id for an engineer key (required there); a person otherwise" }),
    personId: PersonIdSchema.optional().meta({
      description: "The person the key belongs to: active, holding the key's role (an engineer key: the engineer's own person). Kept by rotation",
    }),
    label: label.meta({ example: 'crm-integration' }),
    expiresInDays,
  })
  .refine((b) => b.role !== 'engineer' || b.subject, { path: ['subject'], message: 'an engineer key needs the engineer id as subject' })
  .meta({ id: 'IssueApiKey' });

const RotateBody = z
  .strictObject({
    graceSeconds: strictInt(0, 7 * 24 * 3600)
      .default(DEFAULT_GRACE_SECONDS)
      .meta({ description: 'How long the old key keeps working (default 3600; 0 ends it now; never beyond its own expiry)' }),
    expiresInDays: strictInt(1, 3650).optional().meta({ description: "The new key's lifetime; omitted: the old key's lifetime if it had one, else none" }),
  })
  .meta({ id: 'RotateApiKey' });

const PatchBody = z
  .strictObject({
    label: label.optional(),
    personId: PersonIdSchema.nullable()
      .optional()
      .meta({ description: "Link the key to this person (active, holding the key's role; an engineer key: the engineer's own person); null unlinks it" }),
  })
  // Not on top of an unknown field's error: one message for one mistake.
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: label and/or personId', when: (p) => !p.issues.length })
  .meta({ id: 'ApiKeyPatch' });

const KeyParams = z.strictObject({ id: strictInt(1, MAX_PG_INT) });
const ListQuery = z
  .strictObject({
    includeRevoked: z.enum(['true', 'false']).default('false'),
    limit: strictInt(1, 500).default(100),
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
  })
  .meta({ id: 'ApiKeysQuery' });

const Envelope = z.object({ apiKey: ApiKeyViewSchema }).meta({ id: 'ApiKeyEnvelope' });
const Issued = z.object({ apiKey: ApiKeyViewSchema, key: z.string().meta({ description: 'The key itself: shown only in this response' }) });

function view(row: ApiKeyRow, now = new Date()): z.output<typeof ApiKeyViewSchema> {
  return {
    id: row.id,
    label: row.label,
    role: row.role as Role,
    subject: row.subject,
    personId: row.personId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    expired: row.expiresAt !== null && row.expiresAt <= now,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revoked,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    replacedBy: row.replacedBy,
    hashScheme: row.hashScheme === 'sha256' ? 'sha256' : 'hmac-sha256',
  };
}

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing, unknown or expired API key', schema: ErrorSchema },
  403: { description: 'Role not allowed (admin only)', schema: ErrorSchema },
};
const notFound = { 404: { description: 'Unknown key', schema: ErrorSchema } };

/** 422 with the field: the person may not own a key of `role` (an engineer key: acting as `subject`). */
function personRefused(
  reason: KeyPersonRefusal,
  key: { role: string; subject: string | null; personId: string },
  field: { personId: string; role: string },
): HttpError {
  const { role, subject, personId } = key;
  const refusals: Record<KeyPersonRefusal, [path: string, message: string]> = {
    person_not_found: [field.personId, `no person ${personId} in the staff directory`],
    person_inactive: [field.personId, `person ${personId} is deactivated`],
    role_not_held: [field.role, `person ${personId} does not hold the role ${role}`],
    person_mismatch: [field.personId, `engineer ${subject} is another person, not ${personId}`],
  };
  const [path, message] = refusals[reason];
  return new HttpError(422, reason, message, { fields: [{ path, message }] });
}

export function apiKeyRoutes(deps: { db: Database; keySecret: string }): RouteSpec[] {
  const { db, keySecret } = deps;
  const notFoundError = (id: number) => new HttpError(404, 'api_key_not_found', `no API key ${id}`);
  return [
    defineRoute<unknown, z.output<typeof ListQuery>, unknown>({
      method: 'get',
      path: '/api-keys',
      tag: 'API keys',
      summary: 'List API keys of the api_keys table (never the keys or their hashes; newest first)',
      roles: ADMIN,
      query: ListQuery,
      responses: {
        200: {
          description: 'A page of keys',
          schema: z.object({ items: z.array(ApiKeyViewSchema), nextCursor: z.string().nullable() }).meta({ id: 'ApiKeyPage' }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        try {
          const page = await listApiKeys(db, { includeRevoked: query.includeRevoked === 'true', limit: query.limit, cursor: query.cursor });
          res.json({ items: page.items.map((r) => view(r)), nextCursor: page.nextCursor });
        } catch (err) {
          if (err instanceof BadCursorError)
            throw new HttpError(400, 'validation_failed', 'invalid query', { fields: [{ path: 'query.cursor', message: err.message }] });
          throw err;
        }
      },
    }),
    defineRoute<unknown, unknown, z.output<typeof IssueBody>>({
      method: 'post',
      path: '/api-keys',
      tag: 'API keys',
      summary: 'Issue an API key (returned once; only its HMAC is stored)',
      roles: ADMIN,
      body: IssueBody,
      responses: {
        201: { description: 'Issued; keep the key', schema: Issued.meta({ id: 'ApiKeyIssued' }) },
        ...errors,
        422: { description: 'personId names no active person holding the role (field-level messages)', schema: ErrorSchema },
      },
      async handler({ res, actor, body }) {
        const key = newApiKey(body.role);
        const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * DAY_MS) : undefined;
        const { role, subject, personId, label } = body;
        const outcome = await issueApiKey(db, { keyHash: hashKey(keySecret, key), role, subject, personId, label, expiresAt }, actor);
        if (!outcome.ok)
          throw personRefused(outcome.reason, { role, subject: subject ?? null, personId: personId! }, { personId: 'body.personId', role: 'body.role' });
        res.status(201).json({ apiKey: view(outcome.row), key });
      },
    }),
    defineRoute<{ id: number }, unknown, z.output<typeof PatchBody>>({
      method: 'patch',
      path: '/api-keys/:id',
      tag: 'API keys',
      summary: 'Relabel a key, link it to a person or unlink it (personId null); the key itself stays the same',
      roles: ADMIN,
      params: KeyParams,
      body: PatchBody,
      responses: {
        200: { description: 'The key as GET /api-keys lists it (sending the same change again changes nothing)', schema: Envelope },
        ...errors,
        ...notFound,
        409: { description: 'The key is revoked (key_revoked)', schema: ErrorSchema },
        422: { description: "personId names no active person holding the key's role (field-level messages)", schema: ErrorSchema },
      },
      async handler({ res, actor, params, body }) {
        const outcome = await updateApiKey(db, params.id, body, actor);
        if (outcome.ok) {
          res.json({ apiKey: view(outcome.row) });
          return;
        }
        if (outcome.reason === 'not_found') throw notFoundError(params.id);
        if (outcome.reason === 'revoked') throw new HttpError(409, 'key_revoked', `API key ${params.id} is revoked: issue a new key with POST /api-keys`);
        // The key's role is no field of this body: every refusal points at personId.
        const { role, subject } = outcome.key;
        throw personRefused(outcome.reason, { role, subject, personId: body.personId! }, { personId: 'body.personId', role: 'body.personId' });
      },
    }),
    defineRoute<{ id: number }, unknown, unknown>({
      method: 'delete',
      path: '/api-keys/:id',
      tag: 'API keys',
      summary: 'Revoke an API key at once (the row stays, revoked; revoking twice changes nothing)',
      roles: ADMIN,
      params: KeyParams,
      responses: { 200: { description: 'Revoked', schema: Envelope }, ...errors, ...notFound },
      async handler({ res, actor, params }) {
        const row = await revokeApiKey(db, params.id, actor);
        if (!row) throw notFoundError(params.id);
        res.json({ apiKey: view(row) });
      },
    }),
    defineRoute<{ id: number }, unknown, z.output<typeof RotateBody>>({
      method: 'post',
      path: '/api-keys/:id/rotate',
      tag: 'API keys',
      summary: 'Rotate an API key: a new key (returned once) with the same role, subject, person and label; the old one works for graceSeconds more',
      roles: ADMIN,
      params: KeyParams,
      body: RotateBody,
      responses: {
        201: {
          description: 'Rotated; keep the new key, move clients to it within the grace period',
          schema: Issued.extend({ previous: ApiKeyViewSchema }).meta({ id: 'ApiKeyRotated' }),
        },
        ...errors,
        ...notFound,
        409: { description: 'The key is revoked, expired or already rotated (rotate its replacement instead)', schema: ErrorSchema },
      },
      async handler({ res, actor, params, body }) {
        // A key's role never changes: read it for the new key's prefix; the rotation re-checks the row under a lock.
        const current = await findApiKey(db, params.id);
        if (!current) throw notFoundError(params.id);
        const key = newApiKey(current.role as Role);
        const outcome = await rotateApiKey(db, {
          id: params.id,
          keyHash: hashKey(keySecret, key),
          graceSeconds: body.graceSeconds,
          lifetimeMs: body.expiresInDays === undefined ? undefined : body.expiresInDays * DAY_MS,
          actor,
        });
        if (!outcome.ok) {
          if (outcome.reason === 'not_found') throw notFoundError(params.id);
          const why = { revoked: 'is revoked', expired: 'has expired', already_rotated: `was already rotated (to key ${outcome.row?.replacedBy})` }[
            outcome.reason
          ];
          throw new HttpError(409, `key_${outcome.reason}`, `API key ${params.id} ${why}`);
        }
        res.status(201).json({ apiKey: view(outcome.next), key, previous: view(outcome.previous) });
      },
    }),
  ];
}
