import { RescheduleRequestBodySchema, windowTimeProblems, WINDOW_HORIZON_MS } from '../../domain/rescheduleRequests';

const now = Date.parse('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

test('windows: 1-3, each 30 minutes to 12 hours, end after start, a reason', () => {
  const ok = { start: '2026-12-02T09:00:00+08:00', end: '2026-12-02T11:00:00+08:00' };
  expect(RescheduleRequestBodySchema.safeParse({ windows: [ok], reason: 'work' }).success).toBe(true);
  const paths = (body: unknown) => (RescheduleRequestBodySchema.safeParse(body).error?.issues ?? []).map((i) => i.path.join('.'));
  expect(paths({ windows: [], reason: 'x' })).toEqual(['windows']);
  expect(paths({ windows: [ok, ok, ok, ok], reason: 'x' })).toEqual(['windows']);
  expect(paths({ windows: [ok, { start: ok.end, end: ok.start }], reason: 'x' })).toEqual(['windows.1.end']);
  expect(paths({ windows: [{ start: ok.start, end: '2026-12-03T09:00:00+08:00' }], reason: 'x' })).toEqual(['windows.0.end']);
  expect(paths({ windows: [ok], reason: ' ' })).toEqual(['reason']);
});

test('each window starts in the future and within 60 days', () => {
  expect(windowTimeProblems([{ start: at(now + 3600_000) }], now)).toEqual([]);
  expect(windowTimeProblems([{ start: at(now + 3600_000) }, { start: at(now - 1) }, { start: at(now + WINDOW_HORIZON_MS + 1) }], now)).toEqual([
    { path: 'body.windows.1.start', message: 'the window must start in the future' },
    { path: 'body.windows.2.start', message: 'the window must start within 60 days' },
  ]);
});
