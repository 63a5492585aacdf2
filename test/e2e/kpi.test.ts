// KPIs on a hand-made data set whose right answers were worked out by hand (below, next
// to each figure), in a database of its own: seven cases rated 1 to 5, two complaints, SLA
// results on every clock, satisfaction callbacks of every kind (A satisfied, B unreachable,
// E still open, G refused, H partly by the SMS survey; C's row is from before the callback
// workflow and does not count).
// Times are Asia/Shanghai (+08:00), the KPI day's time zone; case C opens at 07:00 on
// 3 March there, still 2 March in UTC, so it must count on the 3rd.
import { Pool } from 'pg';
import { createDatabase, type Database } from '../../db/client';
import { kpiTable } from '../../db/queries/kpi';
import { closeCallback } from '../../activities/callbacks';
import { ensureKpiFresh, KpiRefreshTimeoutError } from '../../db/queries/kpi';
import { refreshKpiRollup } from '../../db/queries/kpiRollup';
import { createScratchDatabase, insertCallback, insertCase, insertComplaint, insertEngineer } from '../support/kpiData';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { call } from '../support/http';
import { stackInfo } from '../support/stackInfo';

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: Pool;
let db: Database;
let api: InProcessApi;
const range = { from: '2026-03-01', to: '2026-04-01' };

beforeAll(async () => {
  scratch = await createScratchDatabase('kpi_test');
  pool = new Pool({ connectionString: scratch.url, max: 2 });
  db = createDatabase(scratch.url, { max: 2 });
  await insertEngineer(pool, 'E1', '张伟', 'R1');
  await insertEngineer(pool, 'E2', 'Li, "Lei"', 'R1');
  await insertEngineer(pool, 'E3', '陈静', 'R3');
  const base = { category: 'AC', priority: 'P2', channel: 'phone' };
  // A: accepted +30 min, contact +60, on site +240, archived +24 h; fixed first time, rated 5.
  await insertCase(pool, {
    ...base,
    caseNo: 'A',
    createdAt: '2026-03-02T09:00:00+08:00',
    region: 'R1',
    engineerId: 'E1',
    stage: 'archived',
    milestones: { dispatched: '2026-03-02T09:30:00+08:00', contacted: '2026-03-02T10:00:00+08:00', on_site: '2026-03-02T13:00:00+08:00' },
    archive: { at: '2026-03-03T09:00:00+08:00', firstTimeFix: true, reworks: 0, rating: 5 },
    sla: [
      { clock: 'dispatch', met: true },
      { clock: 'engineerAcceptance', met: true },
      { clock: 'customerContact', met: true },
      { clock: 'firstResponse', met: true },
      { clock: 'onSiteArrival', met: true },
    ],
  });
  // B: +10, +40, +120, archived +48 h after one rework, rated 3; complaint K1 is about it.
  // Its customer-contact clock ran twice (the rework's visit is cycle 1): both count.
  await insertCase(pool, {
    ...base,
    caseNo: 'B',
    priority: 'P1',
    channel: 'web',
    createdAt: '2026-03-02T14:00:00+08:00',
    region: 'R1',
    engineerId: 'E2',
    stage: 'archived',
    milestones: { dispatched: '2026-03-02T14:10:00+08:00', contacted: '2026-03-02T14:40:00+08:00', on_site: '2026-03-02T16:00:00+08:00' },
    archive: { at: '2026-03-04T14:00:00+08:00', firstTimeFix: false, reworks: 1, rating: 3 },
    sla: [
      { clock: 'dispatch', met: false },
      { clock: 'engineerAcceptance', met: true },
      { clock: 'customerContact', met: false },
      { clock: 'customerContact', met: true, cycle: 1 },
      { clock: 'firstResponse', met: false },
      { clock: 'onSiteArrival', met: true },
      { clock: 'resolution', met: false },
    ],
  });
  // C: still open, accepted +20 min.
  await insertCase(pool, {
    ...base,
    caseNo: 'C',
    category: 'WP',
    createdAt: '2026-03-03T07:00:00+08:00',
    region: 'R2',
    engineerId: 'E1',
    stage: 'dispatched',
    milestones: { dispatched: '2026-03-03T07:20:00+08:00' },
    sla: [{ clock: 'dispatch', met: true }],
  });
  // D: cancelled before anyone took it.
  await insertCase(pool, {
    ...base,
    caseNo: 'D',
    category: 'WP',
    priority: 'P3',
    channel: 'app',
    createdAt: '2026-03-10T08:00:00+08:00',
    region: 'R2',
    engineerId: null,
    stage: 'cancelled',
  });
  // E: +5, +35, +180, archived +6 h, fixed first time, rated 4.
  await insertCase(pool, {
    ...base,
    caseNo: 'E',
    createdAt: '2026-03-10T11:00:00+08:00',
    region: 'R1',
    engineerId: 'E2',
    stage: 'archived',
    milestones: { dispatched: '2026-03-10T11:05:00+08:00', contacted: '2026-03-10T11:35:00+08:00', on_site: '2026-03-10T14:00:00+08:00' },
    archive: { at: '2026-03-10T17:00:00+08:00', firstTimeFix: true, reworks: 0, rating: 4 },
    sla: [
      { clock: 'dispatch', met: true },
      { clock: 'firstResponse', met: true },
    ],
  });
  // G and H: the week of 16 March, region R3, engineer E3, category WH, P3, by WeChat.
  const week3 = { region: 'R3', engineerId: 'E3', category: 'WH', priority: 'P3', channel: 'wechat', stage: 'archived' };
  // G: +15, +45, +300, archived +24 h, not fixed first time (no rework), rated 1.
  await insertCase(pool, {
    ...week3,
    caseNo: 'G',
    createdAt: '2026-03-17T10:00:00+08:00',
    milestones: { dispatched: '2026-03-17T10:15:00+08:00', contacted: '2026-03-17T10:45:00+08:00', on_site: '2026-03-17T15:00:00+08:00' },
    archive: { at: '2026-03-18T10:00:00+08:00', firstTimeFix: false, reworks: 0, rating: 1 },
    sla: [
      { clock: 'dispatch', met: true },
      { clock: 'engineerAcceptance', met: false },
      { clock: 'customerContact', met: true },
      { clock: 'firstResponse', met: false },
      { clock: 'onSiteArrival', met: false },
      { clock: 'resolution', met: true },
    ],
  });
  // H: +25, +55, +240, archived +8 h, fixed first time, rated 2.
  await insertCase(pool, {
    ...week3,
    caseNo: 'H',
    createdAt: '2026-03-17T14:00:00+08:00',
    milestones: { dispatched: '2026-03-17T14:25:00+08:00', contacted: '2026-03-17T14:55:00+08:00', on_site: '2026-03-17T18:00:00+08:00' },
    archive: { at: '2026-03-17T22:00:00+08:00', firstTimeFix: true, reworks: 0, rating: 2 },
    sla: [
      { clock: 'dispatch', met: false },
      { clock: 'engineerAcceptance', met: true },
      { clock: 'customerContact', met: true },
      { clock: 'firstResponse', met: true },
      { clock: 'onSiteArrival', met: true },
      { clock: 'resolution', met: true },
    ],
  });
  await insertComplaint(pool, { complaintNo: 'K1', createdAt: '2026-03-03T12:00:00+08:00', caseNo: 'B', acknowledgedOnTime: true, resolvedOnTime: false });
  await insertComplaint(pool, { complaintNo: 'K2', createdAt: '2026-03-10T09:00:00+08:00', caseNo: null, acknowledgedOnTime: false, resolvedOnTime: null });
  // Callbacks fall due a day after archive; they count on their case's intake day.
  await insertCallback(pool, { caseNo: 'A', engineerId: 'E1', dueAt: '2026-03-04T09:00:00+08:00', outcome: 'satisfied', via: 'phone', satisfaction: 5 });
  await insertCallback(pool, { caseNo: 'B', engineerId: 'E2', dueAt: '2026-03-05T14:00:00+08:00', outcome: 'unreachable', via: 'lapsed' });
  await insertCallback(pool, { caseNo: 'C', engineerId: 'E1', dueAt: '2026-03-05T07:00:00+08:00', outcome: null, legacy: true });
  await insertCallback(pool, { caseNo: 'E', engineerId: 'E2', dueAt: '2026-03-11T17:00:00+08:00', outcome: null });
  // G's customer declined to answer; H was unreachable by phone and answered the SMS survey 3 (partly).
  await insertCallback(pool, { caseNo: 'G', engineerId: 'E3', dueAt: '2026-03-19T10:00:00+08:00', outcome: 'refused', via: 'phone' });
  await insertCallback(pool, { caseNo: 'H', engineerId: 'E3', dueAt: '2026-03-18T22:00:00+08:00', outcome: 'partly', via: 'sms_survey', satisfaction: 3 });
  await refreshKpiRollup(db, { full: true });
  api = await startApi({
    temporalAddress: stackInfo().temporalAddress,
    databaseUrl: scratch.url,
    taskQueue: 'kpi-test',
    deadlines: { kpiRefreshMs: 500 },
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await db?.$client.end();
  await pool?.end();
  await scratch?.drop();
});

describe('KPI figures on the hand-made data set', () => {
  test('ungrouped: every figure', async () => {
    const { rows } = await kpiTable(db, { ...range, grain: 'none', by: 'all' });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.values).toEqual({
      cases: 7,
      archived: 5, // A, B, E, G, H
      cancelled: 1, // D
      response_accept_min: 17.5, // (30 + 10 + 20 + 5 + 15 + 25) / 6
      response_contact_min: 47, // (60 + 40 + 35 + 45 + 55) / 5
      response_on_site_min: 216, // (240 + 120 + 180 + 300 + 240) / 5
      resolution_h: 22, // (24 + 48 + 6 + 24 + 8) / 5
      first_time_fix_rate: 60, // A, E, H of 5
      rework_rate: 20, // B of 5
      csat_rated: 5,
      csat_mean: 3, // (5 + 3 + 4 + 1 + 2) / 5
      csat_1: 1, // G
      csat_2: 1, // H
      csat_3: 1, // B
      csat_4: 1, // E
      csat_5: 1, // A
      csat_satisfied_share: 40, // 4 and 5 of 5 ratings
      complaints: 2,
      complaint_rate: 28.57, // 2 per 7 cases (per 100, to 2 places)
      complaint_ack_on_time: 50, // K1 yes, K2 no
      complaint_resolve_on_time: 0, // K1 resolved late; K2 not resolved
      sla_firstResponse_met: 60, // A, E, H of A, B, E, G, H
      sla_dispatch_met: 66.7, // A, C, E, G of A, B, C, E, G, H
      sla_engineerAcceptance_met: 75, // A, B, H of A, B, G, H
      sla_customerContact_met: 80, // A, B's cycle 1, G, H of those and B's cycle 0
      sla_onSiteArrival_met: 75, // A, B, H of A, B, G, H
      sla_resolution_met: 66.7, // G, H of B, G, H
      callbacks: 5, // A, B, E, G, H (C's legacy row is not the callback workflow's)
      callback_completion_rate: 60, // A, G (refused), H (SMS survey) reached, of 5 due (B unreachable, E open)
      // A of the 3 reached: a refusal stays in the denominator (without G it would be 50).
      callback_satisfied_share: 33.3,
      callback_unreachable_share: 20, // B of 5
    });
  });

  test('callback figures by every dimension and grain', async () => {
    const kpis = ['callbacks', 'callback_completion_rate', 'callback_satisfied_share', 'callback_unreachable_share'];
    const table = async (grain: 'none' | 'day' | 'week' | 'month', by: 'all' | 'region' | 'engineer' | 'category' | 'priority' | 'channel') =>
      (await kpiTable(db, { ...range, grain, by, kpis })).rows.map((r) => [r.period, r.key, ...kpis.map((k) => r.values[k])]);
    expect(await table('none', 'engineer')).toEqual([
      [null, '', 0, null, null, null], // D, K2
      [null, 'E1', 1, 100, 100, 0], // A (C has no workflow callback)
      [null, 'E2', 2, 0, null, 50], // B unreachable, E open
      [null, 'E3', 2, 100, 0, 0], // G refused, H partly: both reached, neither satisfied
    ]);
    expect(await table('week', 'region')).toEqual([
      ['2026-03-02', 'R1', 2, 50, 100, 50], // A, B
      ['2026-03-02', 'R2', 0, null, null, null], // C
      ['2026-03-09', '', 0, null, null, null], // K2
      ['2026-03-09', 'R1', 1, 0, null, 0], // E open
      ['2026-03-09', 'R2', 0, null, null, null], // D
      ['2026-03-16', 'R3', 2, 100, 0, 0], // G, H
    ]);
    expect(await table('day', 'all')).toEqual([
      ['2026-03-02', '', 2, 50, 100, 50],
      ['2026-03-03', '', 0, null, null, null],
      ['2026-03-10', '', 1, 0, null, 0],
      ['2026-03-17', '', 2, 100, 0, 0],
    ]);
    expect(await table('month', 'category')).toEqual([
      ['2026-03-01', '', 0, null, null, null],
      ['2026-03-01', 'AC', 3, 33.3, 100, 33.3], // A, B, E
      ['2026-03-01', 'WH', 2, 100, 0, 0], // G, H
      ['2026-03-01', 'WP', 0, null, null, null], // C, D
    ]);
    expect(await table('month', 'priority')).toEqual([
      ['2026-03-01', '', 0, null, null, null],
      ['2026-03-01', 'P1', 1, 0, null, 100], // B
      ['2026-03-01', 'P2', 2, 50, 100, 0], // A, E
      ['2026-03-01', 'P3', 2, 100, 0, 0], // D (no callback), G, H
    ]);
    expect(await table('none', 'channel')).toEqual([
      [null, '', 0, null, null, null],
      [null, 'app', 0, null, null, null], // D
      [null, 'phone', 2, 50, 100, 0], // A, E
      [null, 'web', 1, 0, null, 100], // B
      [null, 'wechat', 2, 100, 0, 0], // G, H
    ]);
  });

  test('the view callback_stats_by_engineer (for SQL users, all time) agrees with the callback KPIs by engineer', async () => {
    const { rows } = await pool.query(
      `SELECT engineer_id, callbacks::int, reached::int, satisfied::int, refused::int, by_survey::int, satisfied_share, completion_rate
       FROM callback_stats_by_engineer ORDER BY engineer_id`,
    );
    // As the KPI table above, as fractions: E1 1 due, 100% completed, 100% satisfied; E2 2, 0%, none
    // reached; E3 2, 100%, 0% (G's refusal counts as reached, not satisfied). C's legacy row is left out.
    expect(rows).toEqual([
      { engineer_id: 'E1', callbacks: 1, reached: 1, satisfied: 1, refused: 0, by_survey: 0, satisfied_share: 1, completion_rate: 1 },
      { engineer_id: 'E2', callbacks: 2, reached: 0, satisfied: 0, refused: 0, by_survey: 0, satisfied_share: null, completion_rate: 0 },
      { engineer_id: 'E3', callbacks: 2, reached: 2, satisfied: 0, refused: 1, by_survey: 1, satisfied_share: 0, completion_rate: 1 },
    ]);
  });

  test('by region per ISO week', async () => {
    const { rows } = await kpiTable(db, {
      ...range,
      grain: 'week',
      by: 'region',
      kpis: [
        'cases',
        'archived',
        'response_accept_min',
        'resolution_h',
        'first_time_fix_rate',
        'csat_satisfied_share',
        'complaints',
        'complaint_rate',
        'complaint_ack_on_time',
        'sla_firstResponse_met',
      ],
    });
    expect(rows.map((r) => [r.period, r.key, r.values])).toEqual([
      // Week of 2 March: A, B (R1), C (R2); K1 about B (R1).
      [
        '2026-03-02',
        'R1',
        {
          cases: 2,
          archived: 2,
          response_accept_min: 20,
          resolution_h: 36,
          first_time_fix_rate: 50,
          csat_satisfied_share: 50,
          complaints: 1,
          complaint_rate: 50,
          complaint_ack_on_time: 100,
          sla_firstResponse_met: 50,
        },
      ],
      [
        '2026-03-02',
        'R2',
        {
          cases: 1,
          archived: 0,
          response_accept_min: 20,
          resolution_h: null,
          first_time_fix_rate: null,
          csat_satisfied_share: null,
          complaints: 0,
          complaint_rate: 0,
          complaint_ack_on_time: null,
          sla_firstResponse_met: null,
        },
      ],
      // Week of 9 March: K2 has no case, so no region; E (R1); D (R2).
      [
        '2026-03-09',
        '',
        {
          cases: 0,
          archived: 0,
          response_accept_min: null,
          resolution_h: null,
          first_time_fix_rate: null,
          csat_satisfied_share: null,
          complaints: 1,
          complaint_rate: null,
          complaint_ack_on_time: 0,
          sla_firstResponse_met: null,
        },
      ],
      [
        '2026-03-09',
        'R1',
        {
          cases: 1,
          archived: 1,
          response_accept_min: 5,
          resolution_h: 6,
          first_time_fix_rate: 100,
          csat_satisfied_share: 100,
          complaints: 0,
          complaint_rate: 0,
          complaint_ack_on_time: null,
          sla_firstResponse_met: 100,
        },
      ],
      [
        '2026-03-09',
        'R2',
        {
          cases: 1,
          archived: 0,
          response_accept_min: null,
          resolution_h: null,
          first_time_fix_rate: null,
          csat_satisfied_share: null,
          complaints: 0,
          complaint_rate: 0,
          complaint_ack_on_time: null,
          sla_firstResponse_met: null,
        },
      ],
      // Week of 16 March: G, H (R3).
      [
        '2026-03-16',
        'R3',
        {
          cases: 2,
          archived: 2,
          response_accept_min: 20,
          resolution_h: 16,
          first_time_fix_rate: 50,
          csat_satisfied_share: 0,
          complaints: 0,
          complaint_rate: 0,
          complaint_ack_on_time: null,
          sla_firstResponse_met: 50,
        },
      ],
    ]);
  });

  test('by engineer (named), ungrouped in time', async () => {
    const { rows } = await kpiTable(db, {
      ...range,
      grain: 'none',
      by: 'engineer',
      kpis: ['cases', 'response_accept_min', 'response_contact_min', 'rework_rate', 'csat_mean', 'complaint_rate'],
    });
    expect(rows.map((r) => [r.key, r.label, r.values])).toEqual([
      ['', '', { cases: 1, response_accept_min: null, response_contact_min: null, rework_rate: null, csat_mean: null, complaint_rate: 100 }], // D, K2
      ['E1', '张伟', { cases: 2, response_accept_min: 25, response_contact_min: 60, rework_rate: 0, csat_mean: 5, complaint_rate: 0 }], // A, C
      ['E2', 'Li, "Lei"', { cases: 2, response_accept_min: 7.5, response_contact_min: 37.5, rework_rate: 50, csat_mean: 3.5, complaint_rate: 50 }], // B, E; K1
      ['E3', '陈静', { cases: 2, response_accept_min: 20, response_contact_min: 50, rework_rate: 0, csat_mean: 1.5, complaint_rate: 0 }], // G, H
    ]);
  });

  test('per day in the service time zone, and per month', async () => {
    const days = await kpiTable(db, { ...range, grain: 'day', by: 'all', kpis: ['cases', 'complaints'] });
    expect(days.rows.map((r) => [r.period, r.values.cases, r.values.complaints])).toEqual([
      ['2026-03-02', 2, 0],
      ['2026-03-03', 1, 1], // C at 07:00 +08:00 (23:00 UTC the day before); K1
      ['2026-03-10', 2, 1],
      ['2026-03-17', 2, 0],
    ]);
    const months = await kpiTable(db, { ...range, grain: 'month', by: 'priority', kpis: ['cases'] });
    expect(months.rows.map((r) => [r.period, r.key, r.values.cases])).toEqual([
      ['2026-03-01', '', 0], // K2 (no case, no priority)
      ['2026-03-01', 'P1', 1],
      ['2026-03-01', 'P2', 3],
      ['2026-03-01', 'P3', 3],
    ]);
  });

  test('paging: limit and hasMore', async () => {
    const first = await kpiTable(db, { ...range, grain: 'day', by: 'all', kpis: ['cases'], limit: 2 });
    expect(first.rows.map((r) => r.period)).toEqual(['2026-03-02', '2026-03-03']);
    expect(first.hasMore).toBe(true);
    const rest = await kpiTable(db, { ...range, grain: 'day', by: 'all', kpis: ['cases'], limit: 2, offset: 2 });
    expect(rest.rows.map((r) => r.period)).toEqual(['2026-03-10', '2026-03-17']);
    expect(rest.hasMore).toBe(false);
  });
});

describe('the rollup refreshes incrementally', () => {
  test('a new case recomputes its day only', async () => {
    await insertCase(pool, {
      caseNo: 'F',
      category: 'AC',
      priority: 'P4',
      channel: 'email',
      createdAt: '2026-03-11T10:00:00+08:00',
      region: 'R1',
      engineerId: null,
      stage: 'accepted',
    });
    const result = await refreshKpiRollup(db);
    expect(result).toMatchObject({ mode: 'incremental', days: 1 });
    const { rows } = await kpiTable(db, { ...range, grain: 'none', by: 'all', kpis: ['cases', 'archived'] });
    expect(rows[0]!.values).toEqual({ cases: 8, archived: 5 });
    // Nothing recorded since: nothing is stale.
    expect(await refreshKpiRollup(db)).toMatchObject({ mode: 'incremental', days: 0, rows: 0 });
  });

  test("a callback's outcome recomputes its case's intake day", async () => {
    // The callback workflow's own writer closes E's callback: partly satisfied, by phone.
    await closeCallback(db, { caseNo: 'E', status: 'done', at: '2026-03-11T18:00:00+08:00', outcome: 'partly', satisfaction: 3, via: 'phone' });
    expect(await refreshKpiRollup(db)).toMatchObject({ mode: 'incremental', days: 1 }); // 10 March, E's intake day
    const kpis = ['callbacks', 'callback_completion_rate', 'callback_satisfied_share', 'callback_unreachable_share'];
    const { rows } = await kpiTable(db, { ...range, grain: 'none', by: 'all', kpis });
    // A, E, G, H reached of 5; A satisfied of those 4; B unreachable of 5.
    expect(rows[0]!.values).toEqual({ callbacks: 5, callback_completion_rate: 80, callback_satisfied_share: 25, callback_unreachable_share: 20 });
    expect(await refreshKpiRollup(db)).toMatchObject({ mode: 'incremental', days: 0, rows: 0 });
  });

  test('a refresh that cannot finish in time is cancelled and reported, the rollup left as it was', async () => {
    // Another refresh holds the lock (as `npm run kpi:refresh -- --full` would).
    const holder = await pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(4242017)');
      await expect(ensureKpiFresh(db, 0, 300)).rejects.toBeInstanceOf(KpiRefreshTimeoutError);
      await pool.query("UPDATE kpi_refresh_state SET refreshed_at = now() - interval '1 hour'");
      const r = await call('GET', `/kpi?from=${range.from}&to=${range.to}&grain=none&kpis=cases`, { base: api.base, as: 'supervisor' });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('kpi_rollup_stale');
      expect(r.body.error.message).toContain('npm run kpi:refresh');
      // Never built (as after migration 0020 or a restore): the full rebuild is asked for.
      await pool.query('DELETE FROM kpi_refresh_state');
      const never = await call('GET', `/kpi?from=${range.from}&to=${range.to}&grain=none&kpis=cases`, { base: api.base, as: 'supervisor' });
      expect(never.status).toBe(503);
      expect(never.body.error.code).toBe('kpi_rollup_not_built');
      expect(never.body.error.message).toContain('npm run kpi:refresh -- --full');
    } finally {
      await holder.query('SELECT pg_advisory_unlock(4242017)');
      holder.release();
    }
    // Once the lock is free the same request rebuilds the (small) rollup and answers.
    const r = await call('GET', `/kpi?from=${range.from}&to=${range.to}&grain=none&kpis=cases`, { base: api.base, as: 'supervisor' });
    expect(r.status).toBe(200);
    expect(r.body.rows[0].values).toEqual({ cases: 8 });
  });
});

describe('GET /kpi', () => {
  test('JSON for a supervisor, with the definitions; refused to an agent', async () => {
    const r = await call('GET', `/kpi?from=${range.from}&to=${range.to}&grain=none&by=channel&kpis=cases,csat_satisfied_share`, {
      base: api.base,
      as: 'supervisor',
    });
    expect(r.status).toBe(200);
    expect(r.body.definitions.map((d: { id: string; target?: number }) => [d.id, d.target])).toEqual([
      ['cases', undefined],
      ['csat_satisfied_share', 90],
    ]);
    expect(r.body.rows.map((x: { key: string; values: object }) => [x.key, x.values])).toEqual([
      ['', { cases: 0, csat_satisfied_share: null }],
      ['app', { cases: 1, csat_satisfied_share: null }],
      ['email', { cases: 1, csat_satisfied_share: null }],
      ['phone', { cases: 3, csat_satisfied_share: 100 }], // A 5, E 4
      ['web', { cases: 1, csat_satisfied_share: 0 }], // B 3
      ['wechat', { cases: 2, csat_satisfied_share: 0 }], // G 1, H 2
    ]);
    expect(r.body.nextOffset).toBeNull();
    expect((await call('GET', '/kpi', { base: api.base, as: 'agent' })).status).toBe(403);
    expect((await call('GET', '/kpi?kpis=nope', { base: api.base, as: 'ops' })).status).toBe(400);
    expect((await call('GET', '/kpi?from=2026-03-02&to=2026-03-01', { base: api.base, as: 'ops' })).status).toBe(400);
  });

  test('CSV by ?format=csv and by Accept: BOM, header with units, quoting, Chinese', async () => {
    const url = `${api.base}/kpi?from=${range.from}&to=${range.to}&grain=none&by=engineer&kpis=cases,csat_mean`;
    const auth = { authorization: 'Bearer test-supervisor-key' };
    for (const [u, headers] of [
      [`${url}&format=csv`, auth],
      [url, { ...auth, accept: 'text/csv' }],
    ] as const) {
      const res = await fetch(u, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="kpi-engineer-none-2026-03-01-2026-04-01.csv"');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
        '\uFEFFperiod,engineer,label,cases (count),csat_mean (1–5)\r\n' +
          ',,,2,\r\n' /* D, and F from the refresh test */ +
          ',E1,张伟,2,5\r\n' +
          ',E2,"Li, ""Lei""",2,3.5\r\n' +
          ',E3,陈静,2,1.5\r\n',
      );
    }
  });

  test('a CSV export over several parts (a month of days per query) has the rows of the JSON table, in its order', async () => {
    for (const grain of ['day', 'week', 'month'] as const) {
      const q = `from=2025-12-15&to=2026-06-20&grain=${grain}&by=engineer&kpis=cases,csat_mean`;
      const json = await call('GET', `/kpi?${q}&limit=10000`, { base: api.base, as: 'supervisor' });
      expect(json.status).toBe(200);
      const expected = json.body.rows.map((r: { period: string; key: string; label: string; values: Record<string, number | null> }) =>
        [
          r.period,
          r.key,
          r.label.includes(',') || r.label.includes('"') ? `"${r.label.replace(/"/g, '""')}"` : r.label,
          r.values.cases,
          r.values.csat_mean ?? '',
        ].join(','),
      );
      expect(expected.length).toBeGreaterThan(0);
      const res = await fetch(`${api.base}/kpi?${q}&format=csv`, { headers: { authorization: 'Bearer test-supervisor-key' } });
      expect(res.status).toBe(200);
      const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
      expect([grain, lines.slice(1, -1)]).toEqual([grain, expected]);
    }
  });
});
