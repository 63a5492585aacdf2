// A database of its own on the test stack's PostgreSQL server (migrated, dropped after),
// so KPI figures are computed on exactly the rows a test wrote, and helpers that write
// the recorded tables the KPI rollup reads: cases, case_events, case_metrics,
// sla_results, complaints, callback_tasks.
import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { migrateDatabase } from '../../db/migrate';
import { stackInfo } from './stackInfo';

export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(stackInfo().databaseUrl);
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface CaseRow {
  caseNo: string;
  createdAt: string;
  region: string | null;
  engineerId: string | null;
  category: string;
  priority: string;
  channel: string;
  stage: string;
  /** Stage → when the case first entered it (dispatched, contacted, on_site). */
  milestones?: Partial<Record<'dispatched' | 'contacted' | 'on_site', string>>;
  archive?: { at: string; firstTimeFix: boolean; reworks: number; rating: number | null };
  sla?: Array<{ clock: string; met: boolean; cycle?: number }>;
}

export async function insertCase(pool: Pool, c: CaseRow): Promise<void> {
  const wf = `case-${c.caseNo}`;
  await pool.query(
    `INSERT INTO cases (case_no, workflow_id, stage, priority, channel, customer_name, customer_phone, customer_phone_key, customer_address,
       customer_tier, customer_language, region, product_category, product_model, product_serial, fault_description, attachments,
       preferred_windows, engineer_id, opened_by_role, created_at, updated_at, closed_at, last_event_seq)
     VALUES ($1, $2, $3, $4, $5, '王芳', '13800000000', 'k', '上海', 'standard', 'zh-CN', $6, $7, 'M1', $8, 'broken', '[]', '[]', $9, 'agent',
       $10, $10, $11, 1)`,
    [c.caseNo, wf, c.stage, c.priority, c.channel, c.region, c.category, `SN-${c.caseNo}`, c.engineerId, c.createdAt, c.archive?.at ?? null],
  );
  let seq = 0;
  const event = (type: string, to: string, at: string) =>
    pool.query(
      `INSERT INTO case_events (case_no, workflow_id, seq, type, to_stage, actor_role, data, occurred_at) VALUES ($1, $2, $3, $4, $5, 'system', '{}', $6)`,
      [c.caseNo, wf, ++seq, type, to, at],
    );
  await event('case.opened', 'accepted', c.createdAt);
  for (const [stage, at] of Object.entries(c.milestones ?? {})) await event(`test.${stage}`, stage, at);
  if (c.archive) {
    await event('case.confirmed', 'archived', c.archive.at);
    await pool.query(
      `INSERT INTO case_metrics (case_no, engineer_id, metrics, first_time_fix, visits, reworks, rating, archived_at) VALUES ($1, $2, '{}', $3, 1, $4, $5, $6)`,
      [c.caseNo, c.engineerId, c.archive.firstTimeFix, c.archive.reworks, c.archive.rating, c.archive.at],
    );
  }
  for (const r of c.sla ?? []) {
    await pool.query(
      `INSERT INTO sla_results (case_no, workflow_id, clock, cycle, priority, policy_version, target_ms, actual_ms, paused_ms, met, stopped_at)
       VALUES ($1, $2, $3, $4, $5, 1, 1000, $6, 0, $7, $8)`,
      [c.caseNo, wf, r.clock, r.cycle ?? 0, c.priority, r.met ? 500 : 2000, r.met, c.createdAt],
    );
  }
}

export async function insertComplaint(
  pool: Pool,
  k: { complaintNo: string; createdAt: string; caseNo: string | null; acknowledgedOnTime: boolean | null; resolvedOnTime: boolean | null },
): Promise<void> {
  const wf = `complaint-${k.complaintNo}`;
  await pool.query(
    `INSERT INTO complaints (complaint_no, workflow_id, stage, category, grade, initial_grade, channel, summary, case_no, customer_phone,
       customer_phone_key, source, owner, acknowledged_on_time, resolved_on_time, opened_by_role, created_at, updated_at, snapshot, last_event_seq)
     VALUES ($1, $2, 'open', 'service', 'B', 'B', 'phone', '投诉', $3, '13800000000', 'k', 'agent', 'sup', $4, $5, 'agent', $6, $6, '{}', 1)`,
    [k.complaintNo, wf, k.caseNo, k.acknowledgedOnTime, k.resolvedOnTime, k.createdAt],
  );
  await pool.query(
    `INSERT INTO complaint_events (complaint_no, workflow_id, seq, type, to_stage, actor_role, data, occurred_at) VALUES ($1, $2, 1, 'complaint.opened', 'open', 'agent', '{}', $3)`,
    [k.complaintNo, wf, k.createdAt],
  );
}

export async function insertEngineer(pool: Pool, id: string, name: string, region: string): Promise<void> {
  await pool.query(
    `INSERT INTO engineers (id, name, badge_no, skills, regions, working_hours, max_open_cases, rating) VALUES ($1, $2, $1, '[]', $3, '{}', 5, 4.5)`,
    [id, name, [region]],
  );
}

/**
 * The case's callback_tasks row: of the callback workflow (workflow_id set) unless
 * `legacy`, done with `outcome`, or open (outcome null) in the agents' queue.
 */
export async function insertCallback(
  pool: Pool,
  c: { caseNo: string; dueAt: string; outcome: string | null; via?: string; satisfaction?: number; legacy?: boolean; engineerId?: string },
): Promise<void> {
  const done = c.outcome !== null || c.legacy === true;
  await pool.query(
    `INSERT INTO callback_tasks (case_no, customer_name, customer_phone, due_at, status, workflow_id, outcome, satisfaction, via, done_at, result, engineer_id)
     VALUES ($1, '王芳', '13800000000', $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      c.caseNo,
      c.dueAt,
      done ? 'done' : 'open',
      c.legacy ? null : `callback-${c.caseNo}`,
      c.outcome,
      c.satisfaction ?? null,
      c.via ?? null,
      done ? c.dueAt : null,
      c.legacy ? { reached: true, satisfaction: 5 } : null,
      c.engineerId ?? null,
    ],
  );
}
