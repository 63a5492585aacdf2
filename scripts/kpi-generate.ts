// `npm run kpi:generate`: loads a year of realistic archived cases into the real tables
// (cases, case_events, case_metrics, sla_results, complaints, complaint_events,
// callback_tasks, engineers) of the database at DATABASE_URL, generated inside PostgreSQL with
// generate_series (no rows cross the wire), for `npm run bench:kpi`. Generated rows are
// named GEN-…; KPI_DROP=1 deletes them again (the append-only triggers are set aside for
// that one transaction). Meant for a bench database, never production.
//   DATABASE_URL=… KPI_ARCHIVED=1000000 KPI_DAYS=365 npm run kpi:generate
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required (a bench database: this writes a million cases)');
  process.exit(2);
}
// The claim is a million ARCHIVED cases: exactly KPI_ARCHIVED of them are archived, and
// the rest of KPI_CASES (by default 5% more, as intake sees: ~4 in 5 cancelled, the others
// still open at `scheduled`) are not.
const ARCHIVED = Number(process.env.KPI_ARCHIVED ?? 1_000_000);
const N = Number(process.env.KPI_CASES ?? Math.ceil(ARCHIVED / 0.95));
if (!Number.isInteger(ARCHIVED) || !Number.isInteger(N) || ARCHIVED < 0 || N < ARCHIVED) {
  console.error(`KPI_CASES (${N}) must be a whole number at least KPI_ARCHIVED (${ARCHIVED})`);
  process.exit(2);
}
const DAYS = Number(process.env.KPI_DAYS ?? 365);
const REGIONS = ['SH-PD', 'SH-XH', 'SH-MH', 'BJ-CY', 'BJ-HD', 'GZ-TH', 'SZ-NS', 'HZ-XH', 'CD-WH', 'WH-HS', 'NJ-GL', 'XA-YT'];
const PER_REGION = 20;
const CATEGORIES = ['air_conditioner', 'water_purifier', 'refrigerator', 'washing_machine', 'water_heater', 'range_hood', 'television', 'dishwasher'];
const arr = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;

// One row per case with every random draw it needs; durations grow with priority (P1
// fastest) and a rework adds a return visit. Shares follow the seeds' figures: most cases
// fixed first time, ~87% rated ≥ 4, complaints ~1.5 per 100 cases.
const STEPS: Array<[string, string]> = [
  ['seed', 'SELECT setseed(0.15)'],
  [
    'engineers',
    `INSERT INTO engineers (id, name, badge_no, skills, regions, working_hours, max_open_cases, rating)
     SELECT 'GEN-E' || lpad(g::text, 3, '0'), '工程师' || lpad(g::text, 3, '0'), 'B' || g, '[]', ARRAY[(${arr(REGIONS)})[1 + (g - 1) / ${PER_REGION}]], '{}', 6, 4.5
     FROM generate_series(1, ${REGIONS.length * PER_REGION}) g ON CONFLICT (id) DO NOTHING`,
  ],
  [
    'draws',
    // random() straight in the select list: once per row (an uncorrelated LATERAL would run once).
    `CREATE TEMP TABLE gen AS
     SELECT i, 'GEN-' || lpad(i::text, 8, '0') AS case_no,
       ((current_date - 1 - floor(random() * ${DAYS})::int)::timestamp + interval '7 hours' + random() * interval '14 hours') AT TIME ZONE 'Asia/Shanghai' AS created_at,
       floor(random() * ${REGIONS.length})::int AS region_i, floor(random() * ${PER_REGION})::int AS eng_i,
       (${arr(CATEGORIES)})[1 + floor(random() * ${CATEGORIES.length})::int] AS category,
       random() AS u_pri, random() AS u_ch, random() AS u_fate, random() AS u_rework, random() AS u_ftf, random() AS u_rating,
       random() AS u_complaint, random() AS u_ack, random() AS u_res,
       random() * 50 + 5 AS accept_min, random() * 110 + 10 AS contact_min, random() * 46 + 2 AS on_site_h,
       random() * 7 + 1 AS fix_h, random() * 72 + 24 AS rework_h
     FROM generate_series(1, ${N}) i`,
  ],
  [
    'shape',
    `CREATE TEMP TABLE g AS SELECT gen.*,
       (${arr(REGIONS)})[1 + region_i] AS region,
       'GEN-E' || lpad((region_i * ${PER_REGION} + eng_i + 1)::text, 3, '0') AS engineer_id,
       CASE WHEN u_pri < 0.05 THEN 'P1' WHEN u_pri < 0.30 THEN 'P2' WHEN u_pri < 0.80 THEN 'P3' ELSE 'P4' END AS priority,
       CASE WHEN u_ch < 0.45 THEN 'phone' WHEN u_ch < 0.65 THEN 'app' WHEN u_ch < 0.85 THEN 'wechat' WHEN u_ch < 0.95 THEN 'web' WHEN u_ch < 0.98 THEN 'email' ELSE 'walk_in' END AS channel,
       u_rework < 0.08 AS reworked,
       CASE WHEN i <= ${ARCHIVED} THEN 'archived' WHEN u_fate < 0.8 THEN 'cancelled' ELSE 'scheduled' END AS stage
     FROM gen`,
  ],
  [
    'times',
    `CREATE TEMP TABLE c AS SELECT g.*,
       CASE WHEN stage <> 'cancelled' THEN created_at + accept_min * f * interval '1 minute' END AS accepted_at,
       CASE WHEN stage <> 'cancelled' THEN created_at + (accept_min + contact_min) * f * interval '1 minute' END AS contacted_at,
       CASE WHEN stage = 'archived' THEN created_at + (accept_min + contact_min) * f * interval '1 minute' + on_site_h * f * interval '1 hour' END AS on_site_at,
       CASE WHEN stage = 'archived' THEN created_at + (accept_min + contact_min) * f * interval '1 minute' + (on_site_h * f + fix_h + CASE WHEN reworked THEN rework_h ELSE 0 END) * interval '1 hour' END AS archived_at,
       CASE WHEN stage <> 'archived' OR u_rating < 0.12 THEN NULL
            WHEN u_rating < (CASE WHEN reworked THEN 0.22 ELSE 0.14 END) THEN 1
            WHEN u_rating < (CASE WHEN reworked THEN 0.32 ELSE 0.16 END) THEN 2
            WHEN u_rating < (CASE WHEN reworked THEN 0.45 ELSE 0.24 END) THEN 3
            WHEN u_rating < 0.50 THEN 4 ELSE 5 END AS rating
     FROM g, LATERAL (SELECT CASE priority WHEN 'P1' THEN 0.4 WHEN 'P2' THEN 0.7 WHEN 'P3' THEN 1.0 ELSE 1.5 END AS f) k`,
  ],
  [
    'cases',
    `INSERT INTO cases (case_no, workflow_id, stage, priority, channel, customer_name, customer_phone, customer_phone_key, customer_address,
       customer_tier, customer_language, region, product_category, product_model, product_serial, fault_description, attachments,
       preferred_windows, engineer_id, engineer_name, visits, rating, opened_by_role, created_at, updated_at, closed_at, last_event_seq)
     SELECT case_no, 'case-' || case_no, stage, priority, channel, '客户' || i, '138' || lpad((i % 100000000)::text, 8, '0'), md5(i::text),
       '上海市浦东新区' || (i % 999) || '号', 'standard', 'zh-CN', region, category, 'M-' || (i % 40), 'SN' || i, '不制冷', '[]', '[]',
       CASE WHEN stage <> 'cancelled' THEN engineer_id END, CASE WHEN stage <> 'cancelled' THEN '工程师' || right(engineer_id, 3) END,
       CASE WHEN stage = 'archived' THEN 1 + reworked::int ELSE 0 END, rating, 'agent', created_at,
       coalesce(archived_at, contacted_at, created_at), CASE WHEN stage = 'archived' THEN archived_at WHEN stage = 'cancelled' THEN created_at + interval '1 hour' END, 5
     FROM c`,
  ],
  [
    'case_events',
    `INSERT INTO case_events (case_no, workflow_id, seq, type, from_stage, to_stage, actor_role, data, occurred_at, recorded_at)
     SELECT c.case_no, 'case-' || c.case_no, e.seq, e.type, e.from_stage, e.to_stage, 'system', '{}', e.at, least(e.at, now())
     FROM c, LATERAL (VALUES
       (1, 'case.opened', NULL, 'accepted', c.created_at),
       (2, 'offer.accepted', 'offered', 'dispatched', c.accepted_at),
       (3, 'contact.recorded', 'dispatched', 'contacted', c.contacted_at),
       (4, 'visit.checked_in', 'scheduled', 'on_site', c.on_site_at),
       (5, 'case.confirmed', 'awaiting_confirmation', 'archived', c.archived_at),
       (6, 'case.cancelled', 'accepted', 'cancelled', CASE WHEN c.stage = 'cancelled' THEN c.created_at + interval '1 hour' END)
     ) AS e(seq, type, from_stage, to_stage, at)
     WHERE e.at IS NOT NULL`,
  ],
  [
    'case_metrics',
    `INSERT INTO case_metrics (case_no, engineer_id, metrics, first_time_fix, visits, reworks, rating, archived_at)
     SELECT case_no, engineer_id, '{}', NOT reworked AND u_ftf < 0.93, 1 + reworked::int, reworked::int, rating, archived_at FROM c WHERE stage = 'archived'`,
  ],
  [
    'sla_results',
    // Targets per priority (minutes): first response and on-site arrival as the seeds'
    // response standards; met when the generated time is within them.
    `INSERT INTO sla_results (case_no, workflow_id, clock, cycle, priority, policy_version, target_ms, actual_ms, paused_ms, met, stopped_at)
     SELECT c.case_no, 'case-' || c.case_no, r.clock, 0, c.priority, 1, r.target * 60000, r.actual_ms, 0, r.actual_ms <= r.target * 60000, r.at
     FROM c, LATERAL (SELECT CASE c.priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 4 ELSE 8 END AS m) p,
     LATERAL (VALUES
       ('dispatch', 15 * p.m, c.accepted_at),
       ('firstResponse', 30 * p.m, c.contacted_at),
       ('onSiteArrival', 720 * p.m, c.on_site_at),
       ('resolution', 2880 * p.m, c.archived_at)
     ) AS r0(clock, target, at),
     LATERAL (SELECT r0.clock, r0.target, r0.at, extract(epoch from (r0.at - c.created_at)) * 1000 AS actual_ms) r
     WHERE c.stage = 'archived'`,
  ],
  [
    'complaints',
    `INSERT INTO complaints (complaint_no, workflow_id, stage, category, grade, initial_grade, channel, summary, case_no, customer_phone,
       customer_phone_key, source, owner, acknowledged_on_time, resolved_on_time, opened_by_role, created_at, updated_at, closed_at, snapshot, last_event_seq)
     SELECT 'GEN-K' || lpad(i::text, 8, '0'), 'complaint-GEN-K' || i, 'closed', 'service_attitude', 'B', 'B', channel, '服务不满意', case_no,
       '138' || lpad((i % 100000000)::text, 8, '0'), md5(i::text), CASE WHEN rating <= 2 THEN 'auto' ELSE 'agent' END, 'GEN-SUP',
       u_ack < 0.92, u_res < 0.85, 'agent', created_at + interval '2 days', created_at + interval '4 days', created_at + interval '4 days', '{}', 1
     FROM c WHERE stage = 'archived' AND (u_complaint < 0.01 OR (rating <= 2 AND u_complaint < 0.30))`,
  ],
  [
    'complaint_events',
    `INSERT INTO complaint_events (complaint_no, workflow_id, seq, type, to_stage, actor_role, data, occurred_at, recorded_at)
     SELECT complaint_no, workflow_id, 1, 'complaint.opened', 'open', 'agent', '{}', created_at, least(created_at, now()) FROM complaints WHERE complaint_no LIKE 'GEN-K%'`,
  ],
  [
    'callback_tasks',
    // One satisfaction callback per archived case (the callback workflow's row), due a day
    // after archive; those not yet two days past archive are still open. Reached ~92%
    // (most by phone, some by the SMS survey), unreachable ~6%, refused ~2%; the answer
    // follows the case's rating (none: 4).
    `INSERT INTO callback_tasks (case_no, customer_name, customer_phone, engineer_id, rating, due_at, status, workflow_id, attempt, priority,
       reworks, product_category, region, case_kind, outcome, satisfaction, via, done_at, created_at)
     SELECT case_no, '客户' || i, '138' || lpad((i % 100000000)::text, 8, '0'), engineer_id, rating, archived_at + interval '1 day',
       CASE WHEN open THEN 'open' ELSE 'done' END, 'callback-' || case_no, CASE WHEN u_cb < 0.12 THEN 3 WHEN u_cb < 0.25 THEN 2 ELSE 1 END,
       CASE WHEN rating <= 2 OR reworked THEN 1 ELSE 2 END, reworked::int, category, region, 'repair',
       CASE WHEN open THEN NULL WHEN u_cb < 0.06 THEN 'unreachable' WHEN u_cb < 0.08 THEN 'refused'
            WHEN sat >= 4 THEN 'satisfied' WHEN sat = 3 THEN 'partly' ELSE 'unsatisfied' END,
       CASE WHEN NOT open AND u_cb >= 0.08 THEN sat END,
       CASE WHEN open THEN NULL WHEN u_cb < 0.06 THEN 'lapsed' WHEN u_cb >= 0.08 AND u_cb < 0.12 THEN 'sms_survey' ELSE 'phone' END,
       CASE WHEN NOT open THEN archived_at + interval '1 day' + u_cb * interval '2 days' END, archived_at + interval '1 day'
     FROM (SELECT c.*, random() AS u_cb, coalesce(rating, 4) AS sat, archived_at + interval '2 days' > now() AS open FROM c WHERE stage = 'archived') x`,
  ],
  [
    'analyze',
    'ANALYZE callback_tasks; ANALYZE cases; ANALYZE case_events; ANALYZE case_metrics; ANALYZE sla_results; ANALYZE complaints; ANALYZE complaint_events',
  ],
];

const DROP: Array<[string, string]> = [
  ['triggers off', 'ALTER TABLE case_events DISABLE TRIGGER USER; ALTER TABLE complaint_events DISABLE TRIGGER USER'],
  ['complaint_events', "DELETE FROM complaint_events WHERE complaint_no LIKE 'GEN-K%'"],
  ['complaints', "DELETE FROM complaints WHERE complaint_no LIKE 'GEN-K%'"],
  ['callback_tasks', "DELETE FROM callback_tasks WHERE case_no LIKE 'GEN-%'"],
  ['sla_results', "DELETE FROM sla_results WHERE case_no LIKE 'GEN-%'"],
  ['case_metrics', "DELETE FROM case_metrics WHERE case_no LIKE 'GEN-%'"],
  ['case_events', "DELETE FROM case_events WHERE case_no LIKE 'GEN-%'"],
  ['cases', "DELETE FROM cases WHERE case_no LIKE 'GEN-%'"],
  ['engineers', "DELETE FROM engineers WHERE id LIKE 'GEN-E%'"],
  ['triggers on', 'ALTER TABLE case_events ENABLE TRIGGER USER; ALTER TABLE complaint_events ENABLE TRIGGER USER'],
];

async function main(): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const drop = process.env.KPI_DROP === '1';
  await client.query("SET synchronous_commit = off; SET statement_timeout = 0; SET work_mem = '64MB'");
  await client.query('BEGIN');
  const started = performance.now();
  for (const [name, text] of drop ? DROP : STEPS) {
    const t = performance.now();
    const r = await client.query(text);
    const rows = Array.isArray(r) ? '' : r.rowCount != null ? `${r.rowCount} rows` : '';
    console.log(`${name.padEnd(18)} ${((performance.now() - t) / 1000).toFixed(1).padStart(7)} s  ${rows}`);
  }
  await client.query('COMMIT');
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (drop) {
    console.log(`dropped in ${took}`);
  } else {
    const r = await client.query<{ stage: string; n: string }>(
      "SELECT stage, count(*) AS n FROM cases WHERE case_no LIKE 'GEN-%' GROUP BY stage ORDER BY stage",
    );
    const by = Object.fromEntries(r.rows.map((x) => [x.stage, Number(x.n)]));
    const total = Object.values(by).reduce((a, b) => a + b, 0);
    const rest = Object.entries(by).filter(([stage]) => stage !== 'archived');
    console.log(`generated ${total} cases over ${DAYS} days in ${took}: ${by.archived ?? 0} archived, ${rest.map(([k, v]) => `${v} ${k}`).join(', ')}`);
  }
  await client.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
