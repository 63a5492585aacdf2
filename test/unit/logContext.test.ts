// Log correlation: a line logged inside a request's or an activity's context carries its
// request id, case or complaint number and trace ids (pino mixin, config/logger.ts), the
// redaction still applies, and a field the line sets itself wins.
import { Writable } from 'node:stream';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { createLogger } from '../../config/logger';
import { runWithLogContext, setLogSubject, subjectOfWorkflowId } from '../../shared/logContext';
import { REQUEST_ID_BAGGAGE } from '../../shared/tracing';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', 'test', sink), lines };
}

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CBaggagePropagator());
});
afterAll(() => {
  context.disable();
  propagation.disable();
});

test('a line in a request context carries the request id and the case number set later, across awaits', async () => {
  const { logger, lines } = capture();
  await runWithLogContext({ requestId: 'req-12345678' }, async () => {
    logger.info('before the case is known');
    await new Promise((r) => setImmediate(r));
    setLogSubject({ caseNo: 'CS-20261201-000001' });
    await Promise.resolve();
    logger.info({ phone: '+86 138 0013 8000' }, 'after');
  });
  logger.info('outside');
  expect(lines[0]).toMatchObject({ requestId: 'req-12345678', msg: 'before the case is known' });
  expect(lines[0]).not.toHaveProperty('caseNo');
  expect(lines[1]).toMatchObject({ requestId: 'req-12345678', caseNo: 'CS-20261201-000001' });
  // Still redacted (shared/redact.ts masks the number wherever it is).
  expect(JSON.stringify(lines[1])).not.toContain('0013');
  expect(lines[2]).not.toHaveProperty('requestId');
  expect(lines[2]).not.toHaveProperty('caseNo');
});

test('the active span gives trace_id and span_id; baggage gives the request id where no request context is (an activity)', () => {
  const { logger, lines } = capture();
  const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
  const baggage = propagation.createBaggage({ [REQUEST_ID_BAGGAGE]: { value: 'req-from-api-1' } });
  const active = propagation.setBaggage(trace.setSpanContext(context.active(), spanContext), baggage);
  context.with(active, () =>
    runWithLogContext(subjectOfWorkflowId('complaint-CP-20261201-000007'), () => {
      logger.info('in an activity');
      logger.info({ complaintNo: 'own' }, 'a field the line sets wins');
    }),
  );
  expect(lines[0]).toMatchObject({
    requestId: 'req-from-api-1',
    complaintNo: 'CP-20261201-000007',
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
  });
  expect(lines[1]).toMatchObject({ complaintNo: 'own' });
});

test('workflow ids name their case or complaint', () => {
  expect(subjectOfWorkflowId('case-CS-20261201-000001')).toEqual({ caseNo: 'CS-20261201-000001' });
  expect(subjectOfWorkflowId('aftercare-CS-20261201-000001')).toEqual({ caseNo: 'CS-20261201-000001' });
  expect(subjectOfWorkflowId('callback-CS-20261201-000001')).toEqual({ caseNo: 'CS-20261201-000001' });
  expect(subjectOfWorkflowId('complaint-CP-1')).toEqual({ complaintNo: 'CP-1' });
  expect(subjectOfWorkflowId('maintenance-air_conditioner-SN1')).toEqual({});
  expect(subjectOfWorkflowId('notify-e2e-x')).toEqual({});
});
