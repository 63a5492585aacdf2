// The admin's changes to the staff directory and duty roster, each committed with its
// audit_events row, and the rule that nothing routes to nobody: a global fallback ('*')
// is replaced, never removed, and its person cannot be deactivated or lose the role
// while they hold it. The checks run under row locks in the writing transaction, so two
// concurrent changes cannot both pass them.
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../domain';
import { ANY_REGION, globalFallbacksLost } from '../../domain/duty';
import type { FallbackInput, PersonInput, PersonPatch, ShiftInput } from '../../domain/staffSchemas';
import type { Database } from '../client';
import { dutyFallbacks, dutyShifts, people } from '../schema';
import { recordAudit } from './audit';
import type { FallbackRow, PersonRow, ShiftRow } from './people';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** What an audit row says about a person: never their phone or e-mail, only that they changed. */
function personData(p: Partial<PersonInput>): Record<string, unknown> {
  const { phone, email, ...rest } = p;
  const contact = [...(phone !== undefined ? ['phone'] : []), ...(email !== undefined ? ['email'] : [])];
  return { ...rest, ...(contact.length ? { contactChanged: contact } : {}) };
}

/** Inserts a person; false if the id exists. */
export async function createPersonAudited(db: Database, p: PersonInput, actor: Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(people)
      .values({ ...p, phone: p.phone ?? null, email: p.email ?? null })
      .onConflictDoNothing()
      .returning({ id: people.id });
    if (!inserted.length) return false;
    await recordAudit(tx, { actor, action: 'person.created', targetKind: 'person', targetId: p.id, data: personData(p) });
    return true;
  });
}

export type PersonChange = { ok: true; person: PersonRow } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'global_fallback'; roles: string[] };

/** Roles the person is the global fallback of, locked until the transaction ends. */
async function globalFallbackRoles(tx: Tx, personId: string): Promise<string[]> {
  const rows = await tx
    .select({ role: dutyFallbacks.role })
    .from(dutyFallbacks)
    .where(and(eq(dutyFallbacks.region, ANY_REGION), eq(dutyFallbacks.personId, personId)))
    .for('update');
  return rows.map((r) => r.role).sort();
}

/**
 * Changes a person (DELETE /staff/:id is `{ active: false }`). Refused when it would
 * deactivate the global fallback of a role, or take that role away from them. A change
 * that changes nothing writes no audit row.
 */
export async function updatePersonAudited(db: Database, id: string, patch: PersonPatch, actor: Actor): Promise<PersonChange> {
  return db.transaction(async (tx): Promise<PersonChange> => {
    const [before] = await tx.select().from(people).where(eq(people.id, id)).for('update');
    if (!before) return { ok: false, reason: 'not_found' };
    const lost = globalFallbacksLost(await globalFallbackRoles(tx, id), {
      active: patch.active ?? before.active,
      roles: patch.roles ?? before.roles,
    });
    if (lost.length) return { ok: false, reason: 'global_fallback', roles: lost };
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof PersonRow] ?? undefined)),
    ) as Partial<PersonInput>;
    if (!Object.keys(changed).length) return { ok: true, person: before };
    const [after] = await tx
      .update(people)
      .set({ ...changed, updatedAt: new Date() })
      .where(eq(people.id, id))
      .returning();
    const action = changed.active === false ? 'person.deactivated' : 'person.updated';
    await recordAudit(tx, { actor, action, targetKind: 'person', targetId: id, data: personData(changed) });
    return { ok: true, person: after! };
  });
}

export type ShiftChange = { ok: true; shift: ShiftRow } | { ok: false; reason: EligibilityRefusal };
type EligibilityRefusal = 'person_not_found' | 'person_inactive' | 'role_not_held';

/**
 * Why a person may not be named by a shift or fallback for `role`, or undefined if they may.
 * Reads them under a share lock, held to the end of the transaction: a concurrent
 * deactivation or loss of the role (PATCH, DELETE /staff/:id lock the row for update)
 * waits for the write, or the write sees its outcome.
 */
async function ineligibleUnderLock(tx: Tx, personId: string, role: string): Promise<EligibilityRefusal | undefined> {
  const [person] = await tx.select().from(people).where(eq(people.id, personId)).for('share');
  if (!person) return 'person_not_found';
  if (!person.active) return 'person_inactive';
  if (!person.roles.includes(role)) return 'role_not_held';
  return undefined;
}

/** Adds a weekly shift for an active person who holds its role (checked under a share lock). */
export async function createShiftAudited(db: Database, s: ShiftInput, actor: Actor): Promise<ShiftChange> {
  return db.transaction(async (tx): Promise<ShiftChange> => {
    const refused = await ineligibleUnderLock(tx, s.personId, s.role);
    if (refused) return { ok: false, reason: refused };
    const [row] = await tx.insert(dutyShifts).values(s).returning();
    await recordAudit(tx, { actor, action: 'duty_shift.created', targetKind: 'duty_shift', targetId: String(row!.id), data: { ...s } });
    return { ok: true, shift: row! };
  });
}

export async function deleteShiftAudited(db: Database, id: number, actor: Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(dutyShifts).where(eq(dutyShifts.id, id)).returning();
    if (!row) return false;
    const { personId, role, region, days, start, end } = row;
    await recordAudit(tx, {
      actor,
      action: 'duty_shift.deleted',
      targetKind: 'duty_shift',
      targetId: String(id),
      data: { personId, role, region, days, start, end },
    });
    return true;
  });
}

export type FallbackChange = { ok: true; fallback: FallbackRow } | { ok: false; reason: EligibilityRefusal };

/**
 * Sets (or replaces) the fallback of a region and role. The person is read under a share
 * lock, so they cannot be deactivated between the check and the write.
 */
export async function setFallbackAudited(db: Database, f: FallbackInput, actor: Actor): Promise<FallbackChange> {
  return db.transaction(async (tx): Promise<FallbackChange> => {
    const refused = await ineligibleUnderLock(tx, f.personId, f.role);
    if (refused) return { ok: false, reason: refused };
    const [previous] = await tx
      .select({ personId: dutyFallbacks.personId })
      .from(dutyFallbacks)
      .where(and(eq(dutyFallbacks.region, f.region), eq(dutyFallbacks.role, f.role)))
      .for('update');
    const [row] = await tx
      .insert(dutyFallbacks)
      .values(f)
      .onConflictDoUpdate({ target: [dutyFallbacks.region, dutyFallbacks.role], set: { personId: f.personId, updatedAt: new Date() } })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'duty_fallback.set',
      targetKind: 'duty_fallback',
      targetId: `${f.region}/${f.role}`,
      data: { ...f, previousPersonId: previous?.personId ?? null },
    });
    return { ok: true, fallback: row! };
  });
}

/** Removes a region's fallback; a global fallback is never removed (replace it instead). */
export async function removeFallbackAudited(
  db: Database,
  region: string,
  role: string,
  actor: Actor,
): Promise<'removed' | 'not_found' | 'last_global_fallback'> {
  return db.transaction(async (tx) => {
    const where = and(eq(dutyFallbacks.region, region), eq(dutyFallbacks.role, role));
    const [row] = await tx.select().from(dutyFallbacks).where(where).for('update');
    if (!row) return 'not_found';
    if (region === ANY_REGION) return 'last_global_fallback';
    await tx.delete(dutyFallbacks).where(where);
    await recordAudit(tx, {
      actor,
      action: 'duty_fallback.removed',
      targetKind: 'duty_fallback',
      targetId: `${region}/${role}`,
      data: { region, role, personId: row.personId },
    });
    return 'removed';
  });
}
