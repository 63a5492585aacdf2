// The checks after each scenario: every case archived exactly once, each timeline event
// once, the PostgreSQL projection equal to the live workflow state, and each notification
// delivered exactly once. Polls (bounded) where the system converges in the background.
import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { getCaseState } from '../../../workflows/definitions';
import { testClient } from '../../support/payloadKeys';

/** The SMS every case on this path sends: the booking (engineer, ETA) and "please confirm". */
const PATH_SMS = ['engineer.assigned', 'case.awaiting_confirmation'];

export interface Findings {
  /** Cases that never reached `archived` (or intakes that made no case). */
  lost: string[];
  /** Cases made twice, timeline events written twice, messages delivered twice. */
  duplicated: string[];
  /** Projection rows that differ from the workflow state. */
  mismatched: string[];
  /** Notifications never delivered. */
  undelivered: string[];
  /** Messages of the batch by channel, and how many needed more than one attempt (the fault bit). */
  messages: Record<string, number>;
  retriedMessages: number;
}

/** Polls until `done` or the shared deadline; then returns the last answer. */
async function eventually<T>(deadline: number, probe: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  for (;;) {
    let got: T | undefined;
    try {
      got = await probe();
      if (done(got)) return got;
    } catch {
      /* a dependency still recovering: poll again */
    }
    if (Date.now() > deadline) {
      if (got !== undefined) return got;
      return probe();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function verifyBatch(opts: {
  pool: Pool;
  temporalAddress: string;
  run: string;
  expected: number;
  /** The outbox.jsonl files of the gateways that received this batch's messages. */
  outboxFiles: string[];
  timeoutMs: number;
}): Promise<Findings> {
  const f: Findings = { lost: [], duplicated: [], mismatched: [], undelivered: [], messages: {}, retriedMessages: 0 };
  const { pool, run } = opts;
  // One budget for all the waiting below, so a dead dependency cannot multiply it.
  const deadline = Date.now() + opts.timeoutMs;

  // Cases: one row per intake (serial CHAOS-<run>-<i>), each archived.
  const rows = await eventually(
    deadline,
    async () =>
      (await pool.query(`SELECT case_no, workflow_id, product_serial, stage, last_event_seq FROM cases WHERE product_serial LIKE $1`, [`CHAOS-${run}-%`])).rows,
    (r) => r.length >= opts.expected && r.every((c) => c.stage === 'archived'),
  );
  const bySerial = new Map<string, number>();
  for (const r of rows) bySerial.set(r.product_serial, (bySerial.get(r.product_serial) ?? 0) + 1);
  for (let i = 0; i < opts.expected; i++) if (!bySerial.has(`CHAOS-${run}-${i}`)) f.lost.push(`intake ${i}: no case`);
  for (const [serial, n] of bySerial) if (n > 1) f.duplicated.push(`${serial}: ${n} cases`);
  for (const r of rows) if (r.stage !== 'archived') f.lost.push(`${r.case_no} stuck in ${r.stage}`);
  const caseNos = rows.map((r) => r.case_no as string);

  // Timeline: seq 1..n without gaps, and no event twice: this path makes each move once;
  // SLA events repeat only per clock and level.
  // An event whose write was cut off (the worker killed mid-activity) lands when its
  // activity is retried, after later ones: poll until the timelines are whole.
  const timelines = async () => {
    const [events, last] = await Promise.all([
      pool.query(
        `SELECT case_no, seq, type || coalesce(' ' || (data->>'clock'), '') || coalesce(' level ' || (data->>'level'), '') AS type
         FROM case_events WHERE case_no = ANY($1) ORDER BY case_no, seq`,
        [caseNos],
      ),
      pool.query(`SELECT case_no, last_event_seq FROM cases WHERE case_no = ANY($1)`, [caseNos]),
    ]);
    const perCase = new Map<string, Array<{ seq: number; type: string }>>();
    for (const e of events.rows) (perCase.get(e.case_no) ?? perCase.set(e.case_no, []).get(e.case_no)!).push(e);
    for (const r of rows) r.last_event_seq = last.rows.find((x) => x.case_no === r.case_no)?.last_event_seq;
    return perCase;
  };
  const whole = (p: Map<string, Array<{ seq: number }>>) => rows.every((r) => (p.get(r.case_no) ?? []).length === r.last_event_seq);
  const perCase = await eventually(deadline, timelines, whole);
  for (const r of rows) {
    const list = perCase.get(r.case_no) ?? [];
    const types = new Map<string, number>();
    for (const e of list) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    for (const [type, n] of types) if (n > 1) f.duplicated.push(`${r.case_no}: ${type} ×${n}`);
    if (list.some((e, i) => e.seq !== i + 1) || list.length !== r.last_event_seq)
      f.mismatched.push(`${r.case_no}: timeline seqs ${list.map((e) => e.seq).join(',')} vs last_event_seq ${r.last_event_seq}`);
  }

  // Projection vs the live workflow (queried through Temporal).
  const connection = await Connection.connect({ address: opts.temporalAddress });
  try {
    const client = testClient(connection);
    const compare = async () =>
      Promise.all(
        rows.map(async (r) => {
          const [state, row] = await Promise.all([
            client.workflow
              .getHandle(r.workflow_id)
              .query(getCaseState)
              .then(
                (st) => `${st.stage}@${st.eventSeq}`,
                (err: Error) => `query failed: ${err.message}`,
              ),
            pool.query(`SELECT stage, last_event_seq FROM cases WHERE case_no = $1`, [r.case_no]),
          ]);
          return { caseNo: r.case_no as string, state, row: `${row.rows[0].stage}@${row.rows[0].last_event_seq}` };
        }),
      );
    const pairs = await eventually(deadline, compare, (all) => all.every((x) => x.state === x.row)).catch((err: Error) => [
      { caseNo: '*', state: `check failed: ${err.message}`, row: '' },
    ]);
    for (const x of pairs) if (x.state !== x.row) f.mismatched.push(`${x.caseNo}: workflow ${x.state}, row ${x.row}`);
  } finally {
    await connection.close();
  }

  // Notifications: all sent; each key delivered once (a resend the provider recognised
  // by its Idempotency-Key / Message-ID is not a second message).
  const sent = await eventually(
    deadline,
    async () => (await pool.query(`SELECT key, case_no, event, channel, status, attempts FROM notifications WHERE case_no = ANY($1)`, [caseNos])).rows,
    (n) => n.every((x) => x.status === 'sent') && PATH_SMS.every((event) => caseNos.every((c) => n.some((x) => x.case_no === c && x.event === event))),
  );
  // The outbox queues in the background: a message the path must have made and never did is lost.
  for (const event of PATH_SMS)
    for (const c of caseNos) if (!sent.some((x) => x.case_no === c && x.event === event)) f.undelivered.push(`${c}: no ${event} message`);
  for (const n of sent) {
    if (n.status !== 'sent') f.undelivered.push(`${n.key}: ${n.status}`);
    f.messages[n.channel] = (f.messages[n.channel] ?? 0) + 1;
    if (n.attempts > 1) f.retriedMessages++;
  }
  const delivered = new Map<string, number>();
  for (const file of opts.outboxFiles) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const m = JSON.parse(line) as { kind: string; idempotencyKey?: string | null; key?: string | null; duplicate: boolean };
      const key = m.kind === 'sms' ? m.idempotencyKey : m.kind === 'email' ? m.key : null;
      if (key && !m.duplicate) delivered.set(key, (delivered.get(key) ?? 0) + 1);
    }
  }
  for (const n of sent) {
    if (n.channel !== 'sms' && n.channel !== 'email') continue;
    const times = delivered.get(n.key) ?? 0;
    if (times === 0 && n.status === 'sent') f.undelivered.push(`${n.key}: marked sent, never received`);
    if (times > 1) f.duplicated.push(`${n.key}: delivered ×${times}`);
  }
  return f;
}
