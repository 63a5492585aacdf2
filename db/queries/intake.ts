// The intake ledger behind POST /cases: idempotency keys, case numbers, duplicates.
import { eq, sql } from 'drizzle-orm';
import { CLOSED_STAGES, formatCaseNo, type Actor } from '../../domain';
import type { Database } from '../client';
import { caseNoSequence, intakeRequests } from '../schema';

export type IntakeRequest = typeof intakeRequests.$inferSelect;

export async function findIntakeRequest(db: Database, key: string): Promise<IntakeRequest | undefined> {
  const [row] = await db.select().from(intakeRequests).where(eq(intakeRequests.idempotencyKey, key)).limit(1);
  return row;
}

/** A reservation whose workflow never started stops blocking duplicates after this. */
const STALE_RESERVATION = "interval '10 minutes'";

export type ReserveResult =
  { kind: 'reserved'; request: IntakeRequest } | { kind: 'replay'; request: IntakeRequest } | { kind: 'duplicate'; existingCaseNo: string };

/**
 * Reserves a case number for an Idempotency-Key, or finds what the key already has.
 * The duplicate check and the reservation run under one advisory lock per
 * customer + product, so two concurrent intakes cannot both pass it.
 */
export async function reserveIntake(
  db: Database,
  args: { key: string; requestHash: string; phoneKey: string; serial: string; allowDuplicate: boolean; actor: Actor; now: Date },
): Promise<ReserveResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${args.phoneKey + '|' + args.serial}))`);
    const [existing] = await tx.select().from(intakeRequests).where(eq(intakeRequests.idempotencyKey, args.key)).limit(1);
    if (existing) return { kind: 'replay', request: existing };

    if (!args.allowDuplicate) {
      const dup = await tx.execute<{ case_no: string }>(sql`
        SELECT ir.case_no FROM intake_requests ir
        LEFT JOIN cases c ON c.case_no = ir.case_no
        WHERE ir.customer_phone_key = ${args.phoneKey} AND ir.product_serial = ${args.serial}
          AND (c.stage NOT IN (${sql.join(
            CLOSED_STAGES.map((stage) => sql`${stage}`),
            sql`, `,
          )})
               OR (c.stage IS NULL AND ir.created_at > now() - ${sql.raw(STALE_RESERVATION)}))
        ORDER BY ir.created_at DESC LIMIT 1`);
      const found = dup.rows[0];
      if (found) return { kind: 'duplicate', existingCaseNo: found.case_no };
    }

    const [seq] = await tx.execute<{ n: string }>(sql`SELECT nextval(${caseNoSequence.seqName}) AS n`).then((r) => r.rows);
    const caseNo = formatCaseNo(args.now, Number(seq?.n));
    const [request] = await tx
      .insert(intakeRequests)
      .values({
        idempotencyKey: args.key,
        requestHash: args.requestHash,
        caseNo,
        customerPhoneKey: args.phoneKey,
        productSerial: args.serial,
        actorRole: args.actor.role,
        actorSubject: args.actor.subject ?? null,
        startClaimedAt: args.now,
      })
      .returning();
    return { kind: 'reserved', request: request! };
  });
}
