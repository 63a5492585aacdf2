// api_keys rows written straight into the test stack's database, hashed as the API does
// (HMAC under the stack's API_KEY_SECRET) or, for the transition, as rows written before
// keyed hashing were (bare sha256).
import type { Pool } from 'pg';
import { hashKey, legacyHashKey } from '../../api/apiKeyHash';
import { API_KEY_SECRET } from './stackInfo';

export function storedKeyHash(key: string): string {
  return hashKey(API_KEY_SECRET, key);
}

export async function insertApiKey(
  pool: Pool,
  k: { key: string; role: string; subject?: string; label: string; revoked?: boolean; expiresAt?: Date; legacySha256?: boolean },
): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    'INSERT INTO api_keys (key_hash, hash_scheme, role, subject, label, revoked, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [
      k.legacySha256 ? legacyHashKey(k.key) : storedKeyHash(k.key),
      k.legacySha256 ? 'sha256' : 'hmac-sha256',
      k.role,
      k.subject ?? null,
      k.label,
      k.revoked ?? false,
      k.expiresAt ?? null,
    ],
  );
  return rows[0]!.id;
}
