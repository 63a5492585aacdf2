// SLA on the real stack (Temporal dev server, worker, PostgreSQL) with a policy of
// seconds: the case breaches by itself, ops find it with `temporal workflow list
// --query` and GET /ops/stuck, and the escalations are on record.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../domain/sla';
import { findTemporalCli } from '../../launcher/temporalBinaries';
import { intakeInput } from '../support/fixtures';
import { call, eventually, openCase } from '../support/http';
import { replayCase } from '../support/replay';
import { withTemporalUi, uiListShows } from '../support/temporalUi';
import { ARTIFACTS, stackInfo } from '../support/stackInfo';
import { gatewayOutbox } from '../support/gatewayOutbox';
import { testClient } from '../support/payloadKeys';

/** P1 dispatch in 3 seconds: warning 2.25 s, levels at 3, 4.5 and 6 s. */
const fast: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  priorities: {
    ...DEFAULT_SLA_POLICY.priorities,
    P1: { calendar: '24x7', targetsMinutes: { ...DEFAULT_SLA_POLICY.priorities.P1.targetsMinutes, dispatch: 0.05 } },
  },
};

async function describeRunId(workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address: stackInfo().temporalAddress });
  try {
    return (await testClient(connection).workflow.getHandle(workflowId).describe()).runId;
  } finally {
    await connection.close();
  }
}

describe('SLA policy API', () => {
  test('only admins publish; a bad table is a 400 with the fields named', async () => {
    const current = await call('GET', '/sla/policy', { as: 'ops' });
    expect(current.status).toBe(200);
    expect(current.body.policy.priorities.P2.targetsMinutes.dispatch).toBeGreaterThan(0);
    expect((await call('PUT', '/sla/policy', { as: 'supervisor', body: { policy: fast } })).status).toBe(403);
    const bad = await call('PUT', '/sla/policy', {
      as: 'admin',
      body: {
        policy: {
          ...fast,
          warningAt: 1.5,
          priorities: { ...fast.priorities, P3: { calendar: 'business', targetsMinutes: { ...fast.priorities.P3.targetsMinutes, dispatch: -5 } } },
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['body.policy.warningAt', 'body.policy.priorities.P3.targetsMinutes.dispatch']),
    );
  });
});

describe('a breached SLA on the real stack', () => {
  // No engineer serves this region: the case waits in the manual queue.
  const region = `QA-SLA-${Date.now().toString(36).toUpperCase()}`;
  const supervisorId = `${region}-SUP`;
  const managerId = `${region}-MGR`;
  const mailOf = (id: string) => `${id.toLowerCase()}@staff.example.com`;
  let caseNo: string;
  let version: number;

  beforeAll(async () => {
    const put = await call('PUT', '/sla/policy', { as: 'admin', body: { policy: fast, note: 'e2e: 3 s P1 dispatch' } });
    expect(put.status).toBe(201);
    version = put.body.version;
    // The region's supervisor and manager, on duty around the clock (the escalations find them).
    for (const [id, role] of [
      [supervisorId, 'supervisor'],
      [managerId, 'manager'],
    ] as const) {
      const made = await call('POST', '/staff', {
        as: 'admin',
        body: { id, name: id, roles: [role], regions: [region], email: mailOf(id), preferredChannel: 'email' },
      });
      expect(made.status).toBe(201);
      const shift = await call('POST', '/duty/shifts', {
        as: 'admin',
        body: { personId: id, role, region, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
      });
      expect(shift.status).toBe(201);
    }
    try {
      const base = intakeInput({ priority: 'P1' });
      const { body } = await openCase({ ...base, customer: { ...base.customer, region } });
      caseNo = body.case.caseNo;
    } finally {
      // Only this case runs on the fast table: it keeps the version it opened with.
      await call('PUT', '/sla/policy', { as: 'admin', body: { policy: DEFAULT_SLA_POLICY, note: 'e2e: restore defaults' } });
    }
  });
  afterAll(async () => {
    if (!caseNo) return;
    await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test over' } });
    // A history with timers, escalations and updates replays deterministically.
    await replayCase(caseNo);
  });

  test('escalates by itself, level by level, and records it', async () => {
    const detail = await eventually('level 3 and its ops action', async () => {
      const r = await call('GET', `/cases/${caseNo}`, { as: 'supervisor' });
      const done = r.body.live?.sla?.level === 3 && r.body.timeline.some((e: { type: string }) => e.type === 'sla.ops_action_required');
      return done ? r.body : undefined;
    });
    expect(detail.live.sla.policyVersion).toBe(version);
    const escalations = await call('GET', `/cases/${caseNo}/escalations`, { as: 'ops' });
    const dispatch = escalations.body.items.filter((e: { clock: string }) => e.clock === 'dispatch');
    expect(dispatch.map((e: { kind: string; level: number }) => `${e.kind}:${e.level}`)).toEqual(['warning:0', 'escalation:1', 'escalation:2', 'escalation:3']);
    // Each fired on its own timer, at its due time (not on a later scan).
    for (const e of dispatch) expect(Date.parse(e.firedAt) - Date.parse(e.dueAt)).toBeLessThan(2000);
    // The supervisor and the manager were e-mailed (local SMTP capture), each once.
    // What the mail server got (GET /dev/outbox masks the addresses).
    const mails = await eventually('escalation e-mails', async () => {
      const mine = (await gatewayOutbox()).emails.filter((m) => m.subject.includes(caseNo));
      return mine.length >= 3 ? mine : undefined;
    });
    const to = (addr: string) => mails.filter((m: { to: string }) => m.to === addr).map((m: { subject: string }) => m.subject);
    expect(to(mailOf(supervisorId))).toEqual(
      expect.arrayContaining([
        `SLA 预警：工单 ${caseNo}（人工派单）`.replace('人工派单', 'Manual dispatch queue (人工派单)'),
        `SLA 升级（第 1 级）：工单 ${caseNo}`,
      ]),
    );
    expect(to(mailOf(managerId))).toEqual([`SLA 升级（第 2 级）：工单 ${caseNo}`]);
    expect(mails.every((m: { duplicate: boolean }) => !m.duplicate)).toBe(true);
    const types = detail.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['sla.warning', 'sla.escalated', 'sla.ops_action_required']));
  });

  test('ops find it with the real `temporal workflow list --query`', async () => {
    const cli = findTemporalCli();
    expect(cli).toBeDefined();
    const info = stackInfo();
    const list = await eventually('visible in the query', async () => {
      const out = execFileSync(
        cli!.path,
        ['workflow', 'list', '--address', info.temporalAddress, '--query', `SlaBreached = true AND CaseNo = '${caseNo}'`, '--output', 'json'],
        { encoding: 'utf8' },
      );
      return out.includes(`case-${caseNo}`) ? out : undefined;
    });
    expect(list).toContain('"SlaBreached"');
    const levels = execFileSync(
      cli!.path,
      ['workflow', 'list', '--address', info.temporalAddress, '--query', `EscalationLevel >= 3 AND CaseStage = 'manual_dispatch' AND CaseNo = '${caseNo}'`],
      { encoding: 'utf8' },
    );
    expect(levels).toContain(`case-${caseNo}`);
  });

  test('a headless Chromium sees it in the Temporal Web UI with that query (screenshot kept)', async () => {
    await withTemporalUi(async (page, uiUrl) => {
      await uiListShows(page, uiUrl, `SlaBreached = true AND CaseNo = '${caseNo}'`, `case-${caseNo}`, 'temporal-ui-sla-breached.png');
      // The workflow's own page (summary, current details, history), kept for people to look at.
      const runId = await describeRunId(`case-${caseNo}`);
      await page.goto(`${uiUrl}/namespaces/default/workflows/case-${caseNo}/${runId}/history`, { waitUntil: 'domcontentloaded' });
      await page.getByText(`case-${caseNo}`).first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-case-details.png'), fullPage: true });
    });
  });

  test('GET /ops/stuck lists it with the reason', async () => {
    const stuck = await call('GET', '/ops/stuck?limit=500', { as: 'ops' });
    expect(stuck.status).toBe(200);
    const mine = stuck.body.items.find((i: { caseNo: string }) => i.caseNo === caseNo);
    expect(mine).toBeDefined();
    expect(mine.reasons[0]).toMatchObject({ kind: 'sla_breached' });
    expect(mine.reasons[0].detail).toMatch(/escalation level 3 on dispatch/);
    expect((await call('GET', '/ops/stuck', { as: 'agent' })).status).toBe(403);
    const report = await call('GET', '/sla/report?days=1', { as: 'ops' });
    expect(report.body.escalations).toEqual(expect.arrayContaining([expect.objectContaining({ clock: 'dispatch', kind: 'escalation', level: 3 })]));
  });
});
