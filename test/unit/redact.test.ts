// The redaction layer (shared/redact.ts), with the spellings the project accepts.
import { printableError, redactRequestUrl, redactText, redactUrlPassword, redactValue } from '../../shared/redact';

describe('redactText', () => {
  test.each([
    ['call 13800138000 now', 'call 138****8000 now'],
    ['phone +86 138 0013 8000.', 'phone +86138****8000.'],
    ['tel:138-0013-8000', 'tel:138****8000'],
    ['电话13912345678请回电', '电话139****5678请回电'],
    ['"phone":"+8613912345678"', '"phone":"+86139****5678"'],
    ['intl +44 20 7946 0958', 'intl +4420****0958'],
    ['mail zhang.san@example.com failed', 'mail z***@example.com failed'],
    ['GET /customer/cases/Q1MtMjAy.abcDEF_123-x?x=1', 'GET /customer/cases/Q1Mt…[redacted]?x=1'],
    ['POST /engineer/offers/b2ZmZXJ8.abcDEF_123-x/accept', 'POST /engineer/offers/b2Zm…[redacted]/accept'],
    ['"url":"/customer/complaints/tok.sig"', '"url":"/customer/complaints/tok.…[redacted]"'],
    ['postgresql://casework:s3cr3t-PW@127.0.0.1:5433/casework', 'postgresql://casework:***@127.0.0.1:5433/casework'],
    ['smtp://user:pa55@mail.example.com:587', 'smtp://user:***@mail.example.com:587'],
    ['/x?token=abc&phone=123&limit=5', '/x?token=[redacted]&phone=[redacted]&limit=5'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  test('leaves case numbers, timestamps, ports and digests alone', () => {
    const line = '{"time":1796000000000,"caseNo":"CS-20261122-000123","port":54321,"key":"CS-1:case.opened:sms:a13800138000ff","pid":4242}';
    expect(redactText(line)).toBe(line);
  });
});

test('redactRequestUrl decodes query strings before masking them', () => {
  expect(redactRequestUrl('/complaints?phone=%2B86%20138%200013%208000&limit=5')).toBe('/complaints?phone=[redacted]&limit=5');
  expect(redactRequestUrl('/complaints?q=+86+138+0013+8000')).toBe('/complaints?q= 86138****8000');
  expect(redactRequestUrl('/cases?caseNo=CS-20261122-000001')).toBe('/cases?caseNo=CS-20261122-000001');
  expect(redactRequestUrl('/customer/cases/abcdefgh.ijk')).toBe('/customer/cases/abcd…[redacted]');
  expect(redactRequestUrl('/customer/cases/%E0%A4%A')).toBe('/customer/cases/%E0%…[redacted]');
});

test('redactUrlPassword masks only the password', () => {
  expect(redactUrlPassword('postgresql://u:p@h/db and http://h/x')).toBe('postgresql://u:***@h/db and http://h/x');
});

test('redactValue masks every string of a JSON value, keeping its shape', () => {
  expect(redactValue({ to: '13800138000', text: ['see http://h/customer/cases/abcdef'], n: 1 })).toEqual({
    to: '138****8000',
    text: ['see http://h/customer/cases/abcd…[redacted]'],
    n: 1,
  });
});

test('printableError redacts the message, or the stack when asked', () => {
  const err = new Error('connect to postgresql://u:pw@h/db for 13800138000 failed');
  expect(printableError(err)).toBe('connect to postgresql://u:***@h/db for 138****8000 failed');
  expect(printableError(err, true)).toMatch(/^Error: connect to postgresql:\/\/u:\*\*\*@h\/db for 138\*\*\*\*8000 failed\n\s+at /);
  expect(printableError('a 13800138000')).toBe('a 138****8000');
});
