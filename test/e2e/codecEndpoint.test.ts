// The codec server on the API (/codec/decode, /codec/encode) in Temporal's JSON protocol:
// ops and admin keys read a case's stored payloads in clear, every other caller is
// refused, bad input is a 400 and a payload no key opens a 422; the Temporal UI's origin
// passes the CORS preflight, another origin does not.
import { execFileSync } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { findTemporalCli } from '../../launcher/temporalBinaries';
import { intakeInput } from '../support/fixtures';
import { call, openCase } from '../support/http';
import { testClient } from '../support/payloadKeys';
import { KEYS, stackInfo } from '../support/stackInfo';

const toJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

let caseNo: string;
let stored: { metadata: Record<string, string>; data: string };
const phone = `+86 136 ${String(Date.now() % 1e8).padStart(8, '0')}`;

beforeAll(async () => {
  const opened = await openCase(intakeInput({ customer: { ...intakeInput().customer, phone } }));
  expect(opened.status).toBe(201);
  caseNo = opened.body.case.caseNo;
  const connection = await Connection.connect({ address: stackInfo().temporalAddress });
  try {
    const history = await testClient(connection).workflow.getHandle(`case-${opened.body.case.caseNo}`).fetchHistory();
    stored = toJson(history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!);
  } finally {
    await connection.close();
  }
});

afterAll(async () => {
  await call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', body: { reason: 'test over' } });
});

test('ops and admin decode a stored payload: the case input in clear, with its original encoding', async () => {
  expect(text(stored.metadata.encoding!)).toBe('binary/encrypted');
  expect(text(stored.data)).not.toContain(phone);
  for (const as of ['ops', 'admin'] as const) {
    const r = await call('POST', '/codec/decode', { as, body: { payloads: [stored] }, headers: { 'x-namespace': 'default' } });
    expect(r.status).toBe(200);
    expect(r.body.payloads).toHaveLength(1);
    expect(text(r.body.payloads[0].metadata.encoding)).toBe('json/plain');
    expect(JSON.parse(text(r.body.payloads[0].data)).intake.customer.phone).toBe(phone);
  }
});

test('encode then decode gives the payload back; payloads not encrypted pass decode unchanged', async () => {
  const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"x":1}').toString('base64') };
  const encoded = await call('POST', '/codec/encode', { as: 'ops', body: { payloads: [clear] } });
  expect(encoded.status).toBe(200);
  expect(text(encoded.body.payloads[0].metadata.encoding)).toBe('binary/encrypted');
  const decoded = await call('POST', '/codec/decode', { as: 'ops', body: { payloads: [encoded.body.payloads[0], clear] } });
  expect(decoded.body.payloads).toEqual([clear, clear]);
});

test('every other role is 403, no key or an unknown key 401', async () => {
  for (const as of ['agent', 'dispatcher', 'supervisor', 'engineerE001'] as const) {
    const r = await call('POST', '/codec/decode', { as, body: { payloads: [stored] } });
    expect([as, r.status, r.body.error.code]).toEqual([as, 403, 'forbidden']);
  }
  expect((await call('POST', '/codec/decode', { as: null, body: { payloads: [stored] } })).status).toBe(401);
  expect((await call('POST', '/codec/decode', { key: 'not-a-key', body: { payloads: [stored] } })).status).toBe(401);
});

test('bad bodies are 400 with field paths; a payload no configured key opens is 422', async () => {
  const bad = async (body: unknown) => call('POST', '/codec/decode', { as: 'ops', body });
  expect((await bad({ payloads: 'x' })).body.error.fields).toEqual([expect.objectContaining({ path: 'body.payloads' })]);
  // Protobuf JSON leaves an empty list out: `{}` is no payloads (the temporal CLI sends it).
  expect(await bad({})).toEqual({ status: 200, body: { payloads: [] } });
  expect((await bad({ payloads: [{ data: 'not base64!' }] })).body.error.fields).toEqual([expect.objectContaining({ path: 'body.payloads.0.data' })]);
  expect((await bad({ payloads: [], extra: 1 })).status).toBe(400);
  expect((await call('POST', '/codec/decode', { as: 'ops', raw: 'payloads', headers: { 'content-type': 'text/plain' } })).status).toBe(415);

  const tampered = { ...stored, data: Buffer.from(Buffer.from(stored.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64') };
  const t = await bad({ payloads: [tampered] });
  expect([t.status, t.body.error.code]).toEqual([422, 'undecodable_payload']);
  const unknownKey = { ...stored, metadata: { ...stored.metadata, 'encryption-key-id': Buffer.from('retired-2020').toString('base64') } };
  const u = await bad({ payloads: [unknownKey] });
  expect([u.status, u.body.error.message]).toEqual([422, expect.stringContaining('"retired-2020", which is not among the configured payload keys')]);
});

test("CORS: the Temporal UI's origin passes the preflight with Authorization; another origin gets no CORS answer", async () => {
  const ui = new URL(stackInfo().temporalUiUrl!).origin;
  const preflight = (origin: string) =>
    fetch(`${stackInfo().apiUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
  const ok = await preflight(ui);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(ui);
  expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
  const other = await preflight('https://evil.example');
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
  const post = await fetch(`${stackInfo().apiUrl}/codec/decode`, {
    method: 'POST',
    headers: { origin: ui, authorization: `Bearer ${KEYS.ops}`, 'content-type': 'application/json' },
    body: JSON.stringify({ payloads: [stored] }),
  });
  expect(post.status).toBe(200);
  expect(post.headers.get('access-control-allow-origin')).toBe(ui);
});

test('ops read a case with the real `temporal workflow show --codec-endpoint --codec-auth`; without them it is ciphertext', () => {
  const cli = findTemporalCli();
  expect(cli).toBeDefined();
  // The start event's input as the CLI prints it (JSON: metadata and data in base64).
  const show = (...extra: string[]) => {
    const args = ['workflow', 'show', '--address', stackInfo().temporalAddress, '-w', `case-${caseNo}`, '-o', 'json', ...extra];
    const out = execFileSync(cli!.path, args, { encoding: 'utf8' });
    const input = JSON.parse(out).events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    return { encoding: text(input.metadata.encoding), data: text(input.data), all: out };
  };
  // The CLI is a Go program: the API's address as it listens (127.0.0.1), not "localhost".
  const endpoint = `${stackInfo().apiUrl.replace('localhost', '127.0.0.1')}/codec`;
  const decoded = show('--codec-endpoint', endpoint, '--codec-auth', `Bearer ${KEYS.ops}`);
  expect(decoded.encoding).toBe('json/plain');
  expect(JSON.parse(decoded.data).intake.customer.phone).toBe(phone);
  const raw = show();
  expect(raw.encoding).toBe('binary/encrypted');
  expect(raw.all).not.toContain(phone);
});
