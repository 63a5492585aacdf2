// A worker killed (SIGKILL) in the middle of a batch of customer SMS, then restarted:
// every case's message is sent, one notifications row per idempotency key, and the SMS
// provider delivers exactly one message per key and per case.
//
// The gateway is a local HTTP server that behaves like a real SMS provider: it
// deduplicates on the Idempotency-Key header. That matters, and it is the documented
// limit of sendNotification (activities/notifications.ts): a request the provider got
// but whose answer the killed worker never read leaves the row `queued`, so the new
// worker sends it again, with the same key. The test checks that this is the only kind
// of repeat there is: a repeat carries a key the killed worker had already sent and is
// byte-for-byte the same request.
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { notificationKey } from '../../domain/notifications';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, callRetrying, eventually, idempotencyKey, waitForStage, type Reply } from '../support/http';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { startSmsProvider, type SmsProvider } from '../support/receivers';
import { ARTIFACTS, stackInfo } from '../support/stackInfo';
import { killWorkerProcesses, startWorkerProcess } from '../support/workerProcess';

const TASK_QUEUE = `crash-notify-test-${Date.now()}`;
const logFile = path.join(ARTIFACTS, 'worker-crash-notifications.log');
const summaryFile = path.join(ARTIFACTS, 'worker-crash-notifications.json');
const CASES = 6;

let api: InProcessApi;
let base: string;
let pool: Pool;
let sms: SmsProvider;

const startWorker = () =>
  startWorkerProcess({
    taskQueue: TASK_QUEUE,
    logFile,
    // Only the SMS channel is configured; nothing in this test sends e-mail.
    env: { SMS_GATEWAY_URL: sms.url, SMS_GATEWAY_TOKEN: '', SMTP_URL: '' },
  });

beforeAll(async () => {
  const info = stackInfo();
  sms = await startSmsProvider();
  api = await startApi({ temporalAddress: info.temporalAddress, databaseUrl: info.databaseUrl, taskQueue: TASK_QUEUE });
  base = api.base;
  pool = new Pool({ connectionString: info.databaseUrl, max: 2 });
});

afterAll(async () => {
  await killWorkerProcesses();
  await api.close();
  await pool.end();
  await sms.close();
});

test('SIGKILL of the worker mid-batch of SMS, then a new worker: exactly one message per idempotency key', async () => {
  fs.writeFileSync(logFile, '');
  const first = startWorker();
  await first.ready;

  const cases: Array<{ caseNo: string; phone: string }> = [];
  for (let i = 0; i < CASES; i++) {
    // A phone number of each case's own: a message per case is visible at the provider.
    const input = intakeInput();
    input.customer.phone = `+86 139 ${String(Date.now() % 10_000).padStart(4, '0')} ${String(1000 + i)}`;
    const opened = await call('POST', '/cases', { base, body: input, headers: { 'idempotency-key': idempotencyKey() } });
    expect(opened.status).toBe(201);
    const caseNo = opened.body.case.caseNo as string;
    cases.push({ caseNo, phone: input.customer.phone });
    await waitForStage(caseNo, 'manual_dispatch', { base });
    const assigned = await call('POST', `/cases/${caseNo}/assign`, { base, as: 'dispatcher', body: { engineerId: 'E001' } });
    expect(assigned.status).toBe(200);
    const contacted = await call('POST', `/cases/${caseNo}/contact`, {
      base,
      as: 'engineerE001',
      body: { confirmedAddress: '世纪大道100号', diagnosis: '待查' },
    });
    expect(contacted.status).toBe(200);
  }
  const caseNos = cases.map((c) => c.caseNo);
  // Intake sends each customer a case.opened SMS: let those land, then watch only the
  // booking's engineer.assigned SMS from a clean provider.
  await eventually(
    'the case.opened SMS of every case, sent',
    async () => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM notifications WHERE case_no = ANY($1) AND event = 'case.opened' AND channel = 'sms' AND status = 'sent'`,
        [caseNos],
      );
      return rows[0].n === CASES ? true : undefined;
    },
    60_000,
  );
  expect(sms.arrivals.map((a) => (a.request.body as { event?: string }).event)).toEqual(caseNos.map(() => 'case.opened'));
  sms.arrivals.length = 0;
  sms.delivered.clear();
  sms.receiver.received.length = 0;

  // The first message is answered quickly, every other request is held 1.5 s: once one
  // is answered, others are still in flight for a while — the moment to kill.
  sms.delayMs = (a) => (a.providerId === 'sms-1' && a.firstForKey ? 300 : 1500);
  const bookings: Promise<Reply[]> = Promise.all(
    caseNos.map((caseNo) => callRetrying('POST', `/cases/${caseNo}/appointment`, { base, as: 'engineerE001', body: futureSlot() })),
  );
  bookings.catch(() => undefined);

  const sentRows = async (): Promise<string[]> =>
    (
      await pool.query(`SELECT key FROM notifications WHERE case_no = ANY($1) AND event = 'engineer.assigned' AND status = 'sent' ORDER BY key`, [caseNos])
    ).rows.map((r) => r.key);
  await eventually(
    'one SMS recorded as sent while others are still in flight',
    async () => (sms.inFlight() > 0 && (await sentRows()).length > 0 ? true : undefined),
    60_000,
  );
  await first.stop('SIGKILL');
  const killedAt = Date.now();
  // What the killed worker left: sent rows, requests the provider got from it.
  const sentAtKill = await sentRows();
  const atKill = {
    arrived: sms.arrivals.length,
    answered: sms.arrivals.filter((a) => a.answeredAt !== undefined && a.answeredAt <= killedAt).length,
    inFlight: sms.arrivals.filter((a) => a.answeredAt === undefined).map((a) => a.key),
    sentRows: sentAtKill,
  };
  const sentByKilledWorker = new Set(sms.arrivals.map((a) => a.key));
  // Killed mid-batch: something was sent, something was in flight, not everything was done.
  expect(sentAtKill.length).toBeGreaterThanOrEqual(1);
  expect(sentAtKill.length).toBeLessThan(CASES);
  expect(atKill.inFlight.length).toBeGreaterThanOrEqual(1);

  const second = startWorker();
  try {
    await second.ready;
    const replies = await bookings;
    expect(replies.map((r) => r.status)).toEqual(caseNos.map(() => 200));
    expect(replies.map((r) => r.body.case.stage)).toEqual(caseNos.map(() => 'scheduled'));

    // Sends the killed worker had started are retried once their activity times out
    // (startToCloseTimeout 1 minute, no heartbeat): hence the long wait.
    await eventually(
      `every case's SMS sent (${CASES})`,
      async () => {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM notifications WHERE case_no = ANY($1) AND event = 'engineer.assigned' AND status = 'sent'`,
          [caseNos],
        );
        return rows[0].n >= CASES ? true : undefined;
      },
      180_000,
    );
    // Nothing still on the way to the provider (a late retry would show up here).
    await eventually('no SMS request in flight', async () => (sms.inFlight() === 0 ? true : undefined), 30_000);

    // The key each case's message must carry: notificationKey of its booking.
    const booked = await pool.query(
      `SELECT case_no, data->>'bookingId' AS booking_id FROM case_events WHERE case_no = ANY($1) AND type = 'appointment.booked' ORDER BY case_no`,
      [caseNos],
    );
    expect(booked.rows.map((r) => r.case_no)).toEqual([...caseNos].sort());
    const expectedKey = new Map<string, string>(); // key → case
    for (const r of booked.rows) {
      const { phone } = cases.find((c) => c.caseNo === r.case_no)!;
      expectedKey.set(notificationKey(`${r.case_no}#${r.booking_id}`, 'engineer.assigned', phone, 'sms'), r.case_no);
    }
    expect(expectedKey.size).toBe(CASES);
    const expectedKeys = [...expectedKey.keys()].sort();

    // PostgreSQL: one row per key, all sent, with the provider's id for that key.
    const { rows } = await pool.query(
      `SELECT key, case_no, channel, event, status, provider_message_id, count(*) OVER (PARTITION BY key)::int AS copies
         FROM notifications WHERE case_no = ANY($1) AND event = 'engineer.assigned' ORDER BY key`,
      [caseNos],
    );
    expect(rows.map((r) => r.key)).toEqual(expectedKeys);
    for (const r of rows) {
      expect(r).toMatchObject({ case_no: expectedKey.get(r.key), channel: 'sms', event: 'engineer.assigned', status: 'sent', copies: 1 });
      expect(r.provider_message_id).toBe(sms.delivered.get(r.key)?.providerId);
    }

    // The provider: one delivered message per key, per case, to that case's phone.
    expect([...sms.delivered.keys()].sort()).toEqual(expectedKeys);
    const deliveredPerCase = new Map<string, number>();
    for (const [key, d] of sms.delivered) {
      const caseNo = expectedKey.get(key)!;
      expect(d.request.body).toMatchObject({ idempotencyKey: key, caseNo, event: 'engineer.assigned', to: cases.find((c) => c.caseNo === caseNo)!.phone });
      deliveredPerCase.set(caseNo, (deliveredPerCase.get(caseNo) ?? 0) + 1);
    }
    expect([...deliveredPerCase.entries()].sort()).toEqual([...caseNos].sort().map((c) => [c, 1]));

    // Every request the gateway got (all answered 2xx): one per key, except that a key
    // the killed worker had sent but not recorded as sent (its answer lost with the
    // process) may come once more from the new worker — identical to the first request,
    // and deduplicated by the provider above. A key recorded as sent never comes again.
    const requestsPerKey = new Map<string, number>();
    for (const a of sms.arrivals) requestsPerKey.set(a.key, (requestsPerKey.get(a.key) ?? 0) + 1);
    expect([...requestsPerKey.keys()].sort()).toEqual(expectedKeys);
    expect(sms.receiver.received).toHaveLength(sms.arrivals.length);
    for (const [key, n] of requestsPerKey) {
      const mayRepeat = sentByKilledWorker.has(key) && !sentAtKill.includes(key);
      expect({ key, n }).toEqual({ key, n: mayRepeat ? n : 1 });
      expect(n).toBeLessThanOrEqual(2);
    }
    const repeats = sms.arrivals.filter((a) => !a.firstForKey);
    for (const r of repeats) {
      expect(sentByKilledWorker.has(r.key)).toBe(true);
      expect(r.request.raw).toBe(sms.delivered.get(r.key)!.request.raw);
    }
    expect(sms.arrivals.filter((a) => a.answeredAt !== undefined && a.answeredAt > killedAt).length).toBeGreaterThanOrEqual(1);

    fs.writeFileSync(
      summaryFile,
      JSON.stringify(
        {
          atKill,
          requestsPerKey: Object.fromEntries(requestsPerKey),
          repeats: repeats.map((r) => r.key),
          providerIds: Object.fromEntries([...sms.delivered].map(([k, d]) => [k, d.providerId])),
        },
        null,
        2,
      ),
    );

    // The timeline: each event once (opened … booked, customer notified).
    const events = await pool.query(
      `SELECT case_no, array_agg(seq ORDER BY seq) AS seqs, count(*)::int AS n FROM case_events
         WHERE case_no = ANY($1) GROUP BY case_no ORDER BY case_no`,
      [caseNos],
    );
    const seqs = [1, 2, 3, 4, 5, 6, 7];
    expect(events.rows).toEqual([...caseNos].sort().map((caseNo) => ({ case_no: caseNo, seqs, n: seqs.length })));
  } finally {
    await second.stop('SIGTERM');
  }
}, 300_000);
