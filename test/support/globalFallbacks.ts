// The API never removes a global fallback (nothing routes to nobody: DELETE answers 409
// last_global_fallback). A suite that set one for its own test takes it away again here,
// directly in the database, so the other suites see the stack as it was.
import { Pool } from 'pg';
import { stackInfo } from './stackInfo';

export async function removeGlobalFallbacksOf(personId: string): Promise<void> {
  const pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 1 });
  try {
    await pool.query(`DELETE FROM duty_fallbacks WHERE region = '*' AND person_id = $1`, [personId]);
  } finally {
    await pool.end();
  }
}
