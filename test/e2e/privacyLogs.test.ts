// Nothing personal or secret in what the stack prints, and no /dev/outbox outside the
// embedded default. A production-mode `npm start` (TEMPORAL_ADDRESS and DATABASE_URL
// set, no gateway URLs: the local gateways run) with its API, worker and launcher
// output captured in one file at LOG_LEVEL info; a customer's way through it; then the
// file is searched for every phone number, link token, e-mail address and password used.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { maskPhone } from '../../domain/privacy';
import { futureSlot, intakeInput } from '../support/fixtures';
import { launch, type Launched } from '../support/globalSetup';
import { call, eventually, idempotencyKey, waitForStage } from '../support/http';
import { ARTIFACTS, LINK_SECRET, stackInfo } from '../support/stackInfo';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-privacy-'));
const logFile = path.join(ARTIFACTS, 'privacy.log');
let stack: Launched | undefined;

function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  const info = stackInfo();
  return { TEMPORAL_ADDRESS: info.temporalAddress, DATABASE_URL: info.databaseUrl, LOG_LEVEL: 'info', DEV_OUTBOX: '', ...extra };
}

beforeAll(async () => {
  fs.writeFileSync(logFile, '');
  stack = await launch({ dataDir, logFile, taskQueue: `casework-privacy-${process.pid}`, env: productionEnv() });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('/dev/outbox', () => {
  test('a production-mode stack without gateway URLs runs the local gateways but serves no /dev/outbox', async () => {
    expect(stack!.info.localGateways?.smsUrl).toBeDefined();
    const r = await call('GET', '/dev/outbox', { as: 'ops', base: stack!.info.apiUrl });
    expect([r.status, r.body.error.code]).toEqual([404, 'not_found']);
  });

  test('asking for it in production mode stops the launcher before anything starts, saying why', async () => {
    const refusedLog = path.join(ARTIFACTS, 'privacy-refused.log');
    fs.writeFileSync(refusedLog, '');
    await expect(launch({ dataDir, logFile: refusedLog, taskQueue: 'casework-privacy-refused', env: productionEnv({ DEV_OUTBOX: '1' }) })).rejects.toThrow(
      /exited/,
    );
    expect(fs.readFileSync(refusedLog, 'utf8')).toContain('DEV_OUTBOX is for the embedded default only');
  });
});

test('a customer’s way through the stack leaves no phone number, link token, e-mail address or password in its logs', async () => {
  const base = stack!.info.apiUrl;
  const n = String(Date.now()).slice(-8);
  const phone = `+86 139 ${n.slice(0, 4)} ${n.slice(4)}`; // as the agent typed it
  const otherPhone = `137${n}`; // a caller's number in a lookup and in a mistyped path
  const email = `li.si.${n}@example.com`;

  // An agent opens the case (the worker starts it; dispatch finds nobody in its region).
  const input = intakeInput({ customer: { ...intakeInput().customer, name: '李四', phone }, faultDescription: `不制冷；邮件联系 ${email}` });
  const opened = await call('POST', '/cases', { base, body: input, headers: { 'idempotency-key': idempotencyKey() } });
  expect(opened.status).toBe(201);
  const caseNo = opened.body.case.caseNo as string;
  await waitForStage(caseNo, 'manual_dispatch', { base });
  // A dispatcher assigns it; the engineer calls and books the visit: the customer gets an SMS.
  expect((await call('POST', `/cases/${caseNo}/assign`, { base, as: 'dispatcher', body: { engineerId: 'E001' } })).status).toBe(200);
  const contact = { confirmedAddress: '世纪大道100号', diagnosis: '待查' };
  expect((await call('POST', `/cases/${caseNo}/contact`, { base, as: 'engineerE001', body: contact })).status).toBe(200);
  expect((await call('POST', `/cases/${caseNo}/appointment`, { base, as: 'engineerE001', body: futureSlot() })).status).toBe(200);

  // The customer follows their link; a mangled copy of it is refused.
  const link = await call('POST', `/cases/${caseNo}/customer-link`, { base, as: 'agent' });
  const token = link.body.token as string;
  expect((await call('GET', `/customer/cases/${token}`, { base, as: null })).status).toBe(200);
  expect((await call('GET', `/customer/cases/${token}x`, { base, as: null })).status).toBe(401);

  // Complaint lookups by phone (percent- and form-encoded), and mistakes carrying personal data.
  expect((await call('GET', `/complaints?phone=${encodeURIComponent(phone)}`, { base, as: 'agent' })).status).toBe(200);
  expect((await call('GET', `/complaints?phone=${otherPhone}&limit=5`, { base, as: 'agent' })).status).toBe(200);
  expect((await call('GET', `/cases/${otherPhone}`, { base, as: 'agent' })).status).toBe(400);
  expect((await call('GET', `/cases?customer=${encodeURIComponent(email)}`, { base, as: 'agent' })).status).toBe(400);

  // pino-http writes a request's line once the response has gone out: wait for the last
  // one, and for the worker's line about the customer's SMS.
  const log = await eventually('the last request and the SMS in the log', async () => {
    const text = fs.readFileSync(logFile, 'utf8');
    const sms = text.split('\n').some((l) => l.includes('notification sent') && l.includes(caseNo));
    return sms && text.includes('"url":"/cases?customer=') ? text : undefined;
  });

  const password = decodeURIComponent(new URL(stackInfo().databaseUrl).password);
  expect(password.length).toBeGreaterThanOrEqual(16); // generated, so a hit cannot be a coincidence
  const digits = phone.replace(/\D/g, '');
  const secrets = {
    token,
    tokenSignature: token.split('.')[1]!,
    phone,
    phoneDigits: digits,
    phoneNational: digits.slice(2),
    phoneUrlEncoded: encodeURIComponent(phone),
    otherPhone,
    email,
    emailUrlEncoded: encodeURIComponent(email),
    password,
    linkSecret: LINK_SECRET,
  };
  // The launcher's own prints: this stack's, and the embedded test stack's (its ready line once carried the password).
  const globalLog = fs.readFileSync(path.join(ARTIFACTS, 'stack.log'), 'utf8');
  for (const [name, value] of Object.entries(secrets)) {
    expect({ name, inLog: log.includes(value) }).toEqual({ name, inLog: false });
    expect({ name, inLaunchersLog: globalLog.includes(value) }).toEqual({ name, inLaunchersLog: false });
  }

  // Not silence: every request and the worker's messages are there, masked.
  expect(log).toContain('CASEWORK_READY');
  expect(log).toContain(':***@');
  expect(log).toContain(`/customer/cases/${token.slice(0, 4)}…[redacted]`);
  expect(log).toContain('/complaints?phone=[redacted]');
  expect(log).toContain(`/cases/${maskPhone(otherPhone)}`);
  expect(log).toContain(`customer=l***@example.com`);
  expect(log).toContain(`"to":"${maskPhone(phone)}"`);
  expect(log.split('\n').filter((l) => l.includes(`"url":"/customer/cases/`)).length).toBeGreaterThanOrEqual(2);
});
