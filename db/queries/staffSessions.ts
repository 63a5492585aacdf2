// Dashboard sessions (staff_sessions): only the SHA-256 of the cookie's token is stored.
// A session is valid while unexpired and, when it was opened with a stored key, while that
// key is neither revoked nor expired.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../client';

export interface StaffSession {
  role: string;
  subject: string | null;
  expiresAt: Date;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createStaffSession(
  db: Database,
  s: { role: string; subject?: string; apiKeyId?: number; ttlMs: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + s.ttlMs);
  await db.$client.query('INSERT INTO staff_sessions (token_hash, role, subject, api_key_id, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    tokenHash(token),
    s.role,
    s.subject ?? null,
    s.apiKeyId ?? null,
    expiresAt,
  ]);
  // Expired rows go as new ones come, so the table stays the size of the live sessions.
  await db.$client.query("DELETE FROM staff_sessions WHERE expires_at < now() - interval '1 day'");
  return { token, expiresAt };
}

export async function findStaffSession(db: Database, token: string): Promise<StaffSession | undefined> {
  const r = await db.$client.query<{ role: string; subject: string | null; expires_at: Date }>(
    `SELECT s.role, s.subject, s.expires_at FROM staff_sessions s LEFT JOIN api_keys k ON k.id = s.api_key_id
     WHERE s.token_hash = $1 AND s.expires_at > now()
       AND (s.api_key_id IS NULL OR (k.id IS NOT NULL AND NOT k.revoked AND (k.expires_at IS NULL OR k.expires_at > now())))`,
    [tokenHash(token)],
  );
  const row = r.rows[0];
  return row ? { role: row.role, subject: row.subject, expiresAt: row.expires_at } : undefined;
}

export async function deleteStaffSession(db: Database, token: string): Promise<void> {
  await db.$client.query('DELETE FROM staff_sessions WHERE token_hash = $1', [tokenHash(token)]);
}
