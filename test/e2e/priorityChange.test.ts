// Priority change through HTTP on the real stack: roles, validation with field paths,
// the closed-case 409, the no-change 409, and Idempotency-Key replays.
import { intakeInput } from '../support/fixtures';
import { call, openCase, waitForStage } from '../support/http';
import { KEYS } from '../support/stackInfo';

const priority = (caseNo: string, body: unknown, opts: { key?: string; idem?: string } = {}) =>
  call('POST', `/cases/${caseNo}/priority`, {
    ...(opts.key ? { key: opts.key } : { as: 'agent' as const }),
    body,
    ...(opts.idem ? { headers: { 'idempotency-key': opts.idem } } : {}),
  });

async function manualCase(p: 'P1' | 'P2' | 'P3' | 'P4' = 'P3'): Promise<string> {
  const opened = await openCase(intakeInput({ priority: p }));
  expect(opened.status).toBe(201);
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  return caseNo;
}

test('an agent raises P3 to P1 (200, audited); a replay with the same key returns the first outcome', async () => {
  const caseNo = await manualCase('P3');
  const idem = `prio-${caseNo}-1`;
  const first = await priority(caseNo, { priority: 'P1', reason: '客户家中有婴儿，空调故障' }, { idem });
  expect(first.status).toBe(200);
  expect(first.body.case).toMatchObject({ caseNo, priority: 'P1' });

  const replay = await priority(caseNo, { priority: 'P1', reason: '客户家中有婴儿，空调故障' }, { idem });
  expect(replay.status).toBe(200);
  expect(replay.body.case).toMatchObject({ caseNo, priority: 'P1' });

  const detail = await call('GET', `/cases/${caseNo}`, { as: 'supervisor' });
  const changes = detail.body.timeline.filter((e: { type: string }) => e.type === 'priority.changed');
  expect(changes).toHaveLength(1);
  expect(changes[0]).toMatchObject({
    actor: { role: 'agent' },
    data: { priority: { from: 'P3', to: 'P1' }, reason: '客户家中有婴儿，空调故障' },
  });

  // The same key for another body is refused; the same priority again is a 409 with the reason.
  const reused = await priority(caseNo, { priority: 'P2', reason: '改回' }, { idem });
  expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
  const same = await priority(caseNo, { priority: 'P1', reason: '再次升级' });
  expect(same).toMatchObject({
    status: 409,
    body: { error: { code: 'no_change', message: `case ${caseNo} is already P1`, currentStage: 'manual_dispatch' } },
  });
  await call('POST', `/cases/${caseNo}/cancel`, { as: 'agent', body: { reason: 'test over' } });
});

test('an engineer may not change the priority (403)', async () => {
  const caseNo = await manualCase();
  const r = await priority(caseNo, { priority: 'P1', reason: '想快点' }, { key: KEYS.engineerE001 });
  expect(r).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  await call('POST', `/cases/${caseNo}/cancel`, { as: 'agent', body: { reason: 'test over' } });
});

test('a bad body is a 400 with field paths', async () => {
  const caseNo = await manualCase();
  const r = await priority(caseNo, { priority: 'P9', reason: '' });
  expect(r.status).toBe(400);
  const paths = (r.body.error.fields as Array<{ path: string }>).map((f) => f.path).sort();
  expect(paths).toEqual(['body.priority', 'body.reason']);
  const unknown = await priority(caseNo, { priority: 'P1', reason: 'x', slaReset: true });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body']);
  await call('POST', `/cases/${caseNo}/cancel`, { as: 'agent', body: { reason: 'test over' } });
});

test('a closed case is a 409 with its stage; an unknown case a 404', async () => {
  const caseNo = await manualCase();
  expect((await call('POST', `/cases/${caseNo}/cancel`, { as: 'agent', body: { reason: '客户取消' } })).status).toBe(200);
  const r = await priority(caseNo, { priority: 'P1', reason: '太晚了' });
  expect(r).toMatchObject({ status: 409, body: { error: { currentStage: 'cancelled' } } });
  const missing = await priority('CS-19990101-000002', { priority: 'P1', reason: 'x' });
  expect(missing).toMatchObject({ status: 404, body: { error: { code: 'case_not_found' } } });
});
