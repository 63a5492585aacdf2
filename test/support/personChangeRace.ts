// A change to a person that is under way (locked and written, not yet committed) while the
// API handles a request: the deterministic form of a race between an admin deactivating
// someone (or taking a role away) and another admin naming them in a shift or key. The
// change is made as PATCH /staff/:id and DELETE /staff/:id make it (SELECT ... FOR UPDATE,
// then UPDATE) in a transaction of the test, which commits once PostgreSQL reports the
// API's query waiting for it, or once the API answers without waiting.
import type { Pool } from 'pg';
import type { Reply } from './http';

export const DEACTIVATE = 'UPDATE people SET active = false, updated_at = now() WHERE id = $1';
export const removeRole = (role: string) => `UPDATE people SET roles = array_remove(roles, '${role}'), updated_at = now() WHERE id = $1`;

/** `request` runs while `change` to the person is uncommitted; whether it waited for it, and its answer. */
export async function duringPersonChange(
  pool: Pool,
  personId: string,
  change: string,
  request: () => Promise<Reply>,
): Promise<{ waited: boolean; answeredBeforeCommit: boolean; answer: Reply }> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const changer: number = (await tx.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await tx.query('SELECT id FROM people WHERE id = $1 FOR UPDATE', [personId]);
    await tx.query(change, [personId]);
    let answer: Reply | undefined;
    const pending = request().then((r) => (answer = r));
    const deadline = Date.now() + 20_000;
    let waited = false;
    while (!answer && !waited && Date.now() < deadline) {
      const blocked = await pool.query('SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [changer]);
      waited = Number(blocked.rows[0].count) > 0;
      if (!waited && !answer) await new Promise((r) => setTimeout(r, 20));
    }
    const answeredBeforeCommit = answer !== undefined;
    await tx.query('COMMIT');
    return { waited, answeredBeforeCommit, answer: await pending };
  } finally {
    await tx.query('ROLLBACK').catch(() => undefined); // after COMMIT: nothing to undo
    tx.release();
  }
}
