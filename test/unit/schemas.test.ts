// The validation rules of the API's inputs (domain/schemas.ts, complaintSchemas.ts,
// slaPolicySchema.ts): for each schema a valid input, the defaults it fills in, and a
// table of inputs it must refuse, each with the field (and for our own rules the message)
// that the 400 names. Expectations written by hand from the README and the rules.
import type { z } from 'zod';
import {
  AppointmentBodySchema,
  AssignBodySchema,
  CancelBodySchema,
  CaseIntakeSchema,
  CaseListQuerySchema,
  CaseNoSchema,
  CheckInBodySchema,
  CheckOutBodySchema,
  ConfirmBodySchema,
  ContactBodySchema,
  DeclineOfferBodySchema,
  DiagnoseBodySchema,
  EngineerInputSchema,
  EngineerListQuerySchema,
  EngineerPatchSchema,
  ErrorSchema,
  NoShowBodySchema,
  QuoteBodySchema,
  QuoteDecisionBodySchema,
  RedispatchBodySchema,
  AcceptOfferBodySchema,
  StageSchema,
  PrioritySchema,
  ChannelSchema,
} from '../../domain/schemas';
import {
  AcknowledgeBodySchema,
  CallbackBodySchema,
  CloseBodySchema,
  ComplaintListQuerySchema,
  ComplaintNoSchema,
  ComplaintOpenSchema,
  ComplaintStatsQuerySchema,
  DecisionBodySchema,
  InvestigateBodySchema,
  NoteBodySchema,
  ProposeResolutionBodySchema,
  ReassignBodySchema,
  WithdrawBodySchema,
} from '../../domain/complaintSchemas';
import { SlaPolicySchema } from '../../domain/slaPolicySchema';
import { DEFAULT_SLA_POLICY } from '../../domain/sla';

type Refusal = [what: string, input: unknown, path: string, message?: string | RegExp];

/** Refused, naming `path` (dot-joined; '' for the root) and, if given, the message. */
function expectRefused(schema: z.ZodType, [what, input, path, message]: Refusal): void {
  const r = schema.safeParse(input);
  expect([what, r.success]).toEqual([what, false]);
  const issues = r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const match = issues.find((i) => i.path === path);
  expect([what, match ? path : issues]).toEqual([what, path]);
  if (message !== undefined) expect([what, match!.message]).toEqual([what, typeof message === 'string' ? message : expect.stringMatching(message)]);
}

const long = (n: number, c = 'a') => c.repeat(n);
const at = (iso: string) => iso;

// Cases -----------------------------------------------------------------------------

const customer = { name: '张三', phone: '+86 138 0013 8000', address: '上海市浦东新区世纪大道100号' };
const product = { category: 'air_conditioner', model: 'KFR-35GW', serial: 'SN1' };
const intake = { channel: 'phone', customer, product, faultDescription: '不制冷' };

describe('case intake', () => {
  test('fills in the defaults, trims text', () => {
    expect(CaseIntakeSchema.parse({ ...intake, faultDescription: '  不制冷  ', customer: { ...customer, name: ' 张三 ' } })).toEqual({
      ...intake,
      customer: { ...customer, tier: 'standard', language: 'zh-CN' },
      priority: 'P3',
      attachments: [],
      preferredWindows: [],
      allowDuplicate: false,
    });
  });

  test('takes everything the README shows', () => {
    const full = {
      channel: 'wechat',
      customer: { ...customer, lat: -90, lng: 180, tier: 'vip', region: 'SH-PD_1', language: 'en' },
      product: { ...product, warrantyUntil: '2027-06-30' },
      faultDescription: long(2000),
      priority: 'P1',
      attachments: ['https://x.example/a.jpg', 'http://x.example/b.jpg'],
      preferredWindows: [{ start: '2026-11-23T09:00:00+08:00', end: '2026-11-23T12:00:00Z' }],
      allowDuplicate: true,
    };
    expect(CaseIntakeSchema.parse(full)).toEqual(full);
    expect(CaseIntakeSchema.safeParse({ ...intake, customer: { ...customer, phone: '13800138000', name: long(100), address: long(300) } }).success).toBe(true);
    expect(CaseIntakeSchema.safeParse({ ...intake, customer: { ...customer, lat: 90, lng: -180 } }).success).toBe(true);
  });

  const refusals: Refusal[] = [
    ['unknown channel', { ...intake, channel: 'fax' }, 'channel'],
    ['unknown field', { ...intake, extra: 1 }, ''],
    ['unknown customer field', { ...intake, customer: { ...customer, email: 'x' } }, 'customer'],
    ['blank name', { ...intake, customer: { ...customer, name: '   ' } }, 'customer.name'],
    ['name too long', { ...intake, customer: { ...customer, name: long(101) } }, 'customer.name'],
    [
      'phone with letters',
      { ...intake, customer: { ...customer, phone: '138-CALL-NOW' } },
      'customer.phone',
      'a phone number: digits, optional leading +, spaces or dashes',
    ],
    ['phone too short', { ...intake, customer: { ...customer, phone: '12345' } }, 'customer.phone'],
    ['phone too long', { ...intake, customer: { ...customer, phone: '1'.repeat(22) } }, 'customer.phone'],
    ['phone starting with a space', { ...intake, customer: { ...customer, phone: ' 13800138000' } }, 'customer.phone'],
    ['phone with a trailing letter', { ...intake, customer: { ...customer, phone: '13800138000x' } }, 'customer.phone'],
    ['blank address', { ...intake, customer: { ...customer, address: ' ' } }, 'customer.address'],
    ['address too long', { ...intake, customer: { ...customer, address: long(301) } }, 'customer.address'],
    ['latitude above 90', { ...intake, customer: { ...customer, lat: 90.5 } }, 'customer.lat'],
    ['latitude below -90', { ...intake, customer: { ...customer, lat: -90.5 } }, 'customer.lat'],
    ['longitude above 180', { ...intake, customer: { ...customer, lng: 181 } }, 'customer.lng'],
    ['longitude below -180', { ...intake, customer: { ...customer, lng: -181 } }, 'customer.lng'],
    ['unknown tier', { ...intake, customer: { ...customer, tier: 'gold' } }, 'customer.tier'],
    ['region with a space', { ...intake, customer: { ...customer, region: 'SH PD' } }, 'customer.region', 'letters, digits, "_" or "-", at most 40'],
    ['region too long', { ...intake, customer: { ...customer, region: long(41) } }, 'customer.region'],
    ['region empty', { ...intake, customer: { ...customer, region: '' } }, 'customer.region'],
    ['unknown language', { ...intake, customer: { ...customer, language: 'fr' } }, 'customer.language'],
    ['blank category', { ...intake, product: { ...product, category: ' ' } }, 'product.category'],
    ['category too long', { ...intake, product: { ...product, category: long(61) } }, 'product.category'],
    ['model too long', { ...intake, product: { ...product, model: long(81) } }, 'product.model'],
    ['blank model', { ...intake, product: { ...product, model: ' ' } }, 'product.model'],
    ['attachment of another scheme ending in http', { ...intake, attachments: ['git+https://x.example/a.jpg'] }, 'attachments.0'],
    ['attachment of a scheme starting with http', { ...intake, attachments: ['http2://x.example/a.jpg'] }, 'attachments.0'],
    ['blank serial', { ...intake, product: { ...product, serial: ' ' } }, 'product.serial'],
    ['serial too long', { ...intake, product: { ...product, serial: long(81) } }, 'product.serial'],
    ['warranty not a date', { ...intake, product: { ...product, warrantyUntil: '30/06/2027' } }, 'product.warrantyUntil'],
    ['blank fault', { ...intake, faultDescription: '  ' }, 'faultDescription'],
    ['fault too long', { ...intake, faultDescription: long(2001) }, 'faultDescription'],
    ['unknown priority', { ...intake, priority: 'P0' }, 'priority'],
    ['attachment not http', { ...intake, attachments: ['ftp://x.example/a.jpg'] }, 'attachments.0'],
    ['eleven attachments', { ...intake, attachments: Array(11).fill('https://x.example/a.jpg') }, 'attachments'],
    [
      'window ending before it starts',
      { ...intake, preferredWindows: [{ start: '2026-11-23T12:00:00+08:00', end: '2026-11-23T09:00:00+08:00' }] },
      'preferredWindows.0.end',
      'end must be after start',
    ],
    [
      'window ending as it starts',
      { ...intake, preferredWindows: [{ start: '2026-11-23T12:00:00+08:00', end: '2026-11-23T04:00:00Z' }] },
      'preferredWindows.0.end',
      'end must be after start',
    ],
    [
      'window without an offset',
      { ...intake, preferredWindows: [{ start: '2026-11-23T12:00:00', end: '2026-11-23T13:00:00+08:00' }] },
      'preferredWindows.0.start',
    ],
    [
      'six windows',
      { ...intake, preferredWindows: Array(6).fill({ start: '2026-11-23T09:00:00+08:00', end: '2026-11-23T10:00:00+08:00' }) },
      'preferredWindows',
    ],
    ['allowDuplicate as text', { ...intake, allowDuplicate: 'yes' }, 'allowDuplicate'],
  ];
  test.each(refusals)('refuses: %s', (...r) => expectRefused(CaseIntakeSchema, r));
});

describe('case moves', () => {
  const slot = { start: at('2026-11-23T09:00:00+08:00'), end: at('2026-11-23T11:00:00+08:00') };
  const line = { kind: 'part', partNo: 'AC-CAP-35', description: '启动电容', quantity: 1, unitPrice: 45 };

  test('valid bodies, with their defaults', () => {
    expect(AssignBodySchema.parse({ engineerId: 'E001', note: ' 急 ' })).toEqual({ engineerId: 'E001', note: '急' });
    expect(RedispatchBodySchema.parse({ reason: 'r' })).toEqual({ reason: 'r' });
    expect(AcceptOfferBodySchema.parse({})).toEqual({});
    expect(DeclineOfferBodySchema.parse({ reason: ' busy ' })).toEqual({ reason: 'busy' });
    expect(ContactBodySchema.parse({ confirmedAddress: 'a', diagnosis: 'd' })).toEqual({ confirmedAddress: 'a', diagnosis: 'd', partsToBring: [] });
    expect(
      ContactBodySchema.parse({
        confirmedAddress: 'a',
        diagnosis: 'the compressor',
        partsToBring: [{ partNo: ' a.b_c/d-1 ', description: ' cap ', quantity: 999 }],
      }).partsToBring,
    ).toEqual([{ partNo: 'a.b_c/d-1', description: 'cap', quantity: 999 }]);
    expect(AppointmentBodySchema.parse({ ...slot, requestedBy: 'customer', reason: 'away' })).toEqual({ ...slot, requestedBy: 'customer', reason: 'away' });
    expect(AppointmentBodySchema.safeParse({ start: slot.start, end: '2026-11-23T21:00:00+08:00' }).success).toBe(true);
    expect(NoShowBodySchema.parse({ party: 'engineer' })).toEqual({ party: 'engineer' });
    expect(CheckInBodySchema.parse({ lat: 31.2, lng: 121.5 })).toEqual({ lat: 31.2, lng: 121.5 });
    expect(DiagnoseBodySchema.parse({ cause: ' c ' })).toEqual({ cause: 'c' });
    expect(QuoteBodySchema.parse({ lines: [line, { kind: 'labour', description: '人工', quantity: 1, unitPrice: 0 }] })).toMatchObject({ currency: 'CNY' });
    expect(QuoteBodySchema.parse({ lines: [line], currency: 'USD' }).currency).toBe('USD');
    expect(QuoteDecisionBodySchema.parse({ approve: false, comment: ' no ' })).toEqual({ approve: false, comment: 'no' });
    expect(CheckOutBodySchema.parse({ result: 'fixed', resolution: 'r' })).toEqual({ result: 'fixed', resolution: 'r', partsUsed: [], warrantyDays: 90 });
    expect(CheckOutBodySchema.parse({ result: 'needs_parts', resolution: 'r', warrantyDays: 0 }).warrantyDays).toBe(0);
    expect(ConfirmBodySchema.parse({ rating: 5 })).toEqual({ rating: 5, fixed: true });
    expect(ConfirmBodySchema.parse({ rating: 1, fixed: false, comment: ' ok ' })).toEqual({ rating: 1, fixed: false, comment: 'ok' });
    // "Not fixed" needs no rating, but a reason.
    expect(ConfirmBodySchema.parse({ fixed: false, comment: '还是不制冷' })).toEqual({ fixed: false, comment: '还是不制冷' });
    expect(CancelBodySchema.parse({ reason: 'x' })).toEqual({ reason: 'x' });
  });

  const cases: Array<[z.ZodType, Refusal]> = [
    [AssignBodySchema, ['engineer id with a space', { engineerId: 'E 1' }, 'engineerId']],
    [AssignBodySchema, ['note too long', { engineerId: 'E1', note: long(1001) }, 'note']],
    [AssignBodySchema, ['unknown field', { engineerId: 'E1', force: true }, '']],
    [RedispatchBodySchema, ['blank reason', { reason: '  ' }, 'reason']],
    [RedispatchBodySchema, ['reason too long', { reason: long(501) }, 'reason']],
    [DeclineOfferBodySchema, ['no reason', {}, 'reason']],
    [ContactBodySchema, ['blank address', { confirmedAddress: ' ', diagnosis: 'd' }, 'confirmedAddress']],
    [ContactBodySchema, ['address too long', { confirmedAddress: long(301), diagnosis: 'd' }, 'confirmedAddress']],
    [ContactBodySchema, ['diagnosis too long', { confirmedAddress: 'a', diagnosis: long(2001) }, 'diagnosis']],
    [ContactBodySchema, ['blank diagnosis', { confirmedAddress: 'a', diagnosis: '  ' }, 'diagnosis']],
    [
      ContactBodySchema,
      [
        'part number with a space',
        { confirmedAddress: 'a', diagnosis: 'd', partsToBring: [{ partNo: 'AC 1', quantity: 1 }] },
        'partsToBring.0.partNo',
        'a part number: letters, digits, . _ / -',
      ],
    ],
    [
      ContactBodySchema,
      ['part number too long', { confirmedAddress: 'a', diagnosis: 'd', partsToBring: [{ partNo: long(41), quantity: 1 }] }, 'partsToBring.0.partNo'],
    ],
    [ContactBodySchema, ['no parts', { confirmedAddress: 'a', diagnosis: 'd', partsToBring: [{ partNo: 'A1', quantity: 0 }] }, 'partsToBring.0.quantity']],
    [
      ContactBodySchema,
      ['a thousand parts', { confirmedAddress: 'a', diagnosis: 'd', partsToBring: [{ partNo: 'A1', quantity: 1000 }] }, 'partsToBring.0.quantity'],
    ],
    [ContactBodySchema, ['half a part', { confirmedAddress: 'a', diagnosis: 'd', partsToBring: [{ partNo: 'A1', quantity: 1.5 }] }, 'partsToBring.0.quantity']],
    [
      ContactBodySchema,
      [
        'part description too long',
        { confirmedAddress: 'a', diagnosis: 'd', partsToBring: [{ partNo: 'A1', quantity: 1, description: long(201) }] },
        'partsToBring.0.description',
      ],
    ],
    [
      ContactBodySchema,
      ['31 parts to bring', { confirmedAddress: 'a', diagnosis: 'd', partsToBring: Array(31).fill({ partNo: 'A1', quantity: 1 }) }, 'partsToBring'],
    ],
    [AppointmentBodySchema, ['ends before it starts', { start: slot.end, end: slot.start }, 'end', 'end must be after start']],
    [AppointmentBodySchema, ['ends as it starts', { start: slot.start, end: slot.start }, 'end', 'end must be after start']],
    [AppointmentBodySchema, ['longer than 12 hours', { start: slot.start, end: '2026-11-23T21:00:01+08:00' }, 'end', 'a visit slot is at most 12 hours']],
    [AppointmentBodySchema, ['unknown requester', { ...slot, requestedBy: 'dispatcher' }, 'requestedBy']],
    [AppointmentBodySchema, ['blank reason', { ...slot, reason: ' ' }, 'reason']],
    [NoShowBodySchema, ['unknown party', { party: 'both' }, 'party']],
    [CheckInBodySchema, ['latitude out of range', { lat: 91 }, 'lat']],
    [CheckInBodySchema, ['latitude out of range', { lat: -91 }, 'lat']],
    [CheckInBodySchema, ['longitude out of range', { lng: 180.1 }, 'lng']],
    [CheckInBodySchema, ['longitude out of range', { lng: -180.1 }, 'lng']],
    [DiagnoseBodySchema, ['blank cause', { cause: ' ' }, 'cause']],
    [DiagnoseBodySchema, ['cause too long', { cause: long(2001) }, 'cause']],
    [QuoteBodySchema, ['no lines', { lines: [] }, 'lines']],
    [QuoteBodySchema, ['51 lines', { lines: Array(51).fill(line) }, 'lines']],
    [QuoteBodySchema, ['a part line without partNo', { lines: [{ ...line, partNo: undefined }] }, 'lines.0.partNo', 'a part line needs partNo']],
    [QuoteBodySchema, ['unknown line kind', { lines: [{ ...line, kind: 'travel' }] }, 'lines.0.kind']],
    [QuoteBodySchema, ['negative price', { lines: [{ ...line, unitPrice: -1 }] }, 'lines.0.unitPrice']],
    [QuoteBodySchema, ['price above a million', { lines: [{ ...line, unitPrice: 1_000_001 }] }, 'lines.0.unitPrice']],
    [QuoteBodySchema, ['blank description', { lines: [{ ...line, description: ' ' }] }, 'lines.0.description']],
    [QuoteBodySchema, ['description too long', { lines: [{ ...line, description: long(201) }] }, 'lines.0.description']],
    [QuoteBodySchema, ['lower-case currency', { lines: [line], currency: 'cny' }, 'currency', 'an ISO 4217 code like CNY']],
    [QuoteBodySchema, ['currency of four letters', { lines: [line], currency: 'CNYX' }, 'currency']],
    [QuoteDecisionBodySchema, ['approve as text', { approve: 'yes' }, 'approve']],
    [QuoteDecisionBodySchema, ['comment too long', { approve: true, comment: long(1001) }, 'comment']],
    [CheckOutBodySchema, ['unknown result', { result: 'done', resolution: 'r' }, 'result']],
    [CheckOutBodySchema, ['blank resolution', { result: 'fixed', resolution: ' ' }, 'resolution']],
    [
      CheckOutBodySchema,
      ['part without oldPartReturned', { result: 'fixed', resolution: 'r', partsUsed: [{ partNo: 'A1', quantity: 1 }] }, 'partsUsed.0.oldPartReturned'],
    ],
    [
      CheckOutBodySchema,
      ['51 parts used', { result: 'fixed', resolution: 'r', partsUsed: Array(51).fill({ partNo: 'A1', quantity: 1, oldPartReturned: true }) }, 'partsUsed'],
    ],
    [CheckOutBodySchema, ['warranty over three years', { result: 'fixed', resolution: 'r', warrantyDays: 1096 }, 'warrantyDays']],
    [CheckOutBodySchema, ['negative warranty', { result: 'fixed', resolution: 'r', warrantyDays: -1 }, 'warrantyDays']],
    [ConfirmBodySchema, ['rating 0', { rating: 0 }, 'rating']],
    [ConfirmBodySchema, ['rating 6', { rating: 6 }, 'rating']],
    [ConfirmBodySchema, ['rating 4.5', { rating: 4.5 }, 'rating']],
    [ConfirmBodySchema, ['comment too long', { rating: 3, comment: long(1001) }, 'comment']],
    [ConfirmBodySchema, ['fixed without a rating', { comment: 'ok' }, 'rating']],
    [ConfirmBodySchema, ['not fixed without a reason', { fixed: false, rating: 2 }, 'comment']],
    [ConfirmBodySchema, ['not fixed with a blank reason', { fixed: false, comment: '  ' }, 'comment']],
    [CancelBodySchema, ['no reason', {}, 'reason']],
  ];
  test.each(cases)('refuses (%#)', (schema, r) => expectRefused(schema, r));
});

describe('engineers', () => {
  const engineer = { id: 'E101', name: '李工', badgeNo: 'B-101', skills: [{ category: 'air_conditioner', level: 3 }], regions: ['SH-PD'] };

  test('defaults: Monday to Saturday 08:00-20:00, five open cases, active, rating 4.5', () => {
    expect(EngineerInputSchema.parse(engineer)).toEqual({
      ...engineer,
      workingHours: { days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '20:00' },
      maxOpenCases: 5,
      active: true,
      rating: 4.5,
    });
    expect(EngineerInputSchema.parse({ ...engineer, badgeNo: ' B-101 ' }).badgeNo).toBe('B-101');
    const full = {
      ...engineer,
      phone: '+86 139 0000 0000',
      home: { lat: 31.2, lng: 121.5 },
      workingHours: { days: [7], start: '00:00', end: '23:59' },
      maxOpenCases: 50,
      active: false,
      rating: 1,
    };
    expect(EngineerInputSchema.parse(full)).toEqual(full);
    expect(EngineerInputSchema.parse({ ...engineer, maxOpenCases: 1, rating: 5, skills: [] })).toMatchObject({ maxOpenCases: 1, rating: 5 });
  });

  const refusals: Refusal[] = [
    ['id with a dot', { ...engineer, id: 'E.1' }, 'id'],
    ['blank name', { ...engineer, name: ' ' }, 'name'],
    ['name too long', { ...engineer, name: long(101) }, 'name'],
    ['badge with an underscore', { ...engineer, badgeNo: 'B_1' }, 'badgeNo', 'letters, digits or -'],
    ['badge too long', { ...engineer, badgeNo: long(41) }, 'badgeNo'],
    ['skill level 0', { ...engineer, skills: [{ category: 'ac', level: 0 }] }, 'skills.0.level'],
    ['skill level 4', { ...engineer, skills: [{ category: 'ac', level: 4 }] }, 'skills.0.level'],
    ['blank skill', { ...engineer, skills: [{ category: ' ', level: 1 }] }, 'skills.0.category'],
    ['31 skills', { ...engineer, skills: Array(31).fill({ category: 'ac', level: 1 }) }, 'skills'],
    ['no region', { ...engineer, regions: [] }, 'regions'],
    ['21 regions', { ...engineer, regions: Array(21).fill('R') }, 'regions'],
    ['home latitude out of range', { ...engineer, home: { lat: 91, lng: 0 } }, 'home.lat'],
    ['home longitude out of range', { ...engineer, home: { lat: 0, lng: -181 } }, 'home.lng'],
    ['weekday 0', { ...engineer, workingHours: { days: [0], start: '08:00', end: '20:00' } }, 'workingHours.days.0'],
    ['weekday 8', { ...engineer, workingHours: { days: [8], start: '08:00', end: '20:00' } }, 'workingHours.days.0'],
    ['no days', { ...engineer, workingHours: { days: [], start: '08:00', end: '20:00' } }, 'workingHours.days'],
    ['eight days', { ...engineer, workingHours: { days: [1, 2, 3, 4, 5, 6, 7, 1], start: '08:00', end: '20:00' } }, 'workingHours.days'],
    ['hour 24', { ...engineer, workingHours: { days: [1], start: '08:00', end: '24:00' } }, 'workingHours.end', 'a time like 08:30'],
    ['minute 60', { ...engineer, workingHours: { days: [1], start: '08:60', end: '20:00' } }, 'workingHours.start'],
    ['single-digit hour', { ...engineer, workingHours: { days: [1], start: '8:00', end: '20:00' } }, 'workingHours.start'],
    ['time with seconds', { ...engineer, workingHours: { days: [1], start: '08:00:00', end: '20:00' } }, 'workingHours.start'],
    ['no cases at all', { ...engineer, maxOpenCases: 0 }, 'maxOpenCases'],
    ['51 cases', { ...engineer, maxOpenCases: 51 }, 'maxOpenCases'],
    ['rating below 1', { ...engineer, rating: 0.9 }, 'rating'],
    ['rating above 5', { ...engineer, rating: 5.1 }, 'rating'],
    ['active as text', { ...engineer, active: 'yes' }, 'active'],
  ];
  test.each(refusals)('refuses: %s', (...r) => expectRefused(EngineerInputSchema, r));

  test('working hours read as a duty shift: an end at or before the start runs overnight, equal to it 24 hours', () => {
    for (const hours of [
      { days: [1], start: '20:00', end: '08:00' },
      { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
    ]) {
      expect(EngineerInputSchema.parse({ ...engineer, workingHours: hours }).workingHours).toEqual(hours);
    }
  });

  test('a patch changes at least one field', () => {
    expectRefused(EngineerPatchSchema, ['empty patch', {}, '', 'nothing to change']);
    expect(EngineerPatchSchema.parse({ active: false })).toEqual({ active: false });
    expect(EngineerPatchSchema.parse({ workingHours: { days: [1], start: '09:00', end: '17:00' } })).toEqual({
      workingHours: { days: [1], start: '09:00', end: '17:00' },
    });
    expectRefused(EngineerPatchSchema, ['unknown field', { id: 'E2' }, '']);
  });

  test('the roster list query', () => {
    expect(EngineerListQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(EngineerListQuerySchema.parse({ active: 'true' })).toEqual({ active: 'true', limit: 50 });
    expect(EngineerListQuerySchema.parse({ region: 'SH', category: ' ac ', active: 'false', limit: '100', cursor: 'E1' })).toEqual({
      region: 'SH',
      category: 'ac',
      active: 'false',
      limit: 100,
      cursor: 'E1',
    });
    expectRefused(EngineerListQuerySchema, ['limit 101', { limit: '101' }, 'limit']);
    expectRefused(EngineerListQuerySchema, ['limit 0', { limit: '0' }, 'limit']);
    expectRefused(EngineerListQuerySchema, ['active yes', { active: 'yes' }, 'active']);
  });
});

describe('case numbers, lists and errors', () => {
  test('case numbers', () => {
    expect(CaseNoSchema.parse('CS-20261122-000123')).toBe('CS-20261122-000123');
    expectRefused(CaseNoSchema, ['a complaint number', 'CP-20261122-000123', '', 'a case number like CS-20261122-000123']);
  });

  test('the case list query', () => {
    expect(CaseListQuerySchema.parse({})).toEqual({ limit: 20 });
    const q = {
      stage: 'on_site',
      priority: 'P2',
      engineer: 'E1',
      region: 'R',
      createdFrom: '2026-11-01T00:00:00Z',
      createdTo: '2026-12-01T00:00:00+08:00',
      cursor: long(200),
    };
    expect(CaseListQuerySchema.parse({ ...q, limit: '100' })).toEqual({ ...q, limit: 100 });
    expectRefused(CaseListQuerySchema, ['unknown stage', { stage: 'done' }, 'stage']);
    expectRefused(CaseListQuerySchema, ['cursor too long', { cursor: long(201) }, 'cursor']);
    expectRefused(CaseListQuerySchema, ['date without offset', { createdFrom: '2026-11-01T00:00:00' }, 'createdFrom']);
  });

  test('the enums', () => {
    expect(StageSchema.options).toHaveLength(13);
    expect(PrioritySchema.options).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(ChannelSchema.options).toEqual(['phone', 'web', 'app', 'wechat', 'email', 'walk_in']);
  });

  test('the error body', () => {
    const e = { error: { code: 'illegal_transition', message: 'm', currentStage: 'on_site', fields: [{ path: 'body.x', message: 'y' }] } };
    expect(ErrorSchema.parse(e)).toEqual(e);
    expect(ErrorSchema.safeParse({ error: { code: 'x' } }).success).toBe(false);
  });
});

// Complaints ------------------------------------------------------------------------

describe('complaints', () => {
  const standalone = { category: 'service_attitude', channel: 'phone', summary: '工程师态度差', customer: { phone: '+86 137 0000 0001' } };

  test('a standalone complaint: defaults general, zh-CN', () => {
    expect(ComplaintOpenSchema.parse(standalone)).toEqual({ ...standalone, grade: 'general', customer: { phone: '+86 137 0000 0001', language: 'zh-CN' } });
    expect(
      ComplaintOpenSchema.parse({ category: 'other', channel: 'web', summary: 's', caseNo: 'CS-20261122-000001', grade: 'critical', owner: 'sup_01' }),
    ).toMatchObject({
      grade: 'critical',
      owner: 'sup_01',
    });
  });

  const refusals: Refusal[] = [
    ['neither case nor customer', { category: 'other', channel: 'phone', summary: 's' }, 'customer', 'a standalone complaint needs the customer (phone)'],
    ['unknown category', { ...standalone, category: 'noise' }, 'category'],
    ['unknown grade', { ...standalone, grade: 'minor' }, 'grade'],
    ['blank summary', { ...standalone, summary: '  ' }, 'summary'],
    ['summary too long', { ...standalone, summary: long(2001) }, 'summary'],
    ['a complaint number as the case', { ...standalone, caseNo: 'CP-20261122-000001' }, 'caseNo'],
    ['bad phone', { ...standalone, customer: { phone: 'abc' } }, 'customer.phone'],
    ['blank customer name', { ...standalone, customer: { phone: '+86 137 0000 0001', name: ' ' } }, 'customer.name'],
    ['customer name too long', { ...standalone, customer: { phone: '+86 137 0000 0001', name: long(101) } }, 'customer.name'],
    ['unknown language', { ...standalone, customer: { phone: '+86 137 0000 0001', language: 'de' } }, 'customer.language'],
    ['owner with a space', { ...standalone, owner: 'duty sup' }, 'owner', 'letters, digits, "_" or "-", at most 40'],
  ];
  test.each(refusals)('refuses: %s', (...r) => expectRefused(ComplaintOpenSchema, r));

  test('the moves', () => {
    expect(AcknowledgeBodySchema.parse({ category: 'timeliness', note: ' n ' })).toEqual({ category: 'timeliness', note: 'n' });
    expect(InvestigateBodySchema.parse({})).toEqual({});
    expect(ProposeResolutionBodySchema.parse({ resolution: 'r', compensation: { amount: 0 } })).toEqual({
      resolution: 'r',
      compensation: { amount: 0, currency: 'CNY' },
    });
    expect(ProposeResolutionBodySchema.parse({ resolution: 'r', compensation: { amount: 1_000_000, currency: 'USD' } }).compensation).toEqual({
      amount: 1_000_000,
      currency: 'USD',
    });
    expect(DecisionBodySchema.parse({ accepted: false, comment: 'c' })).toEqual({ accepted: false, comment: 'c' });
    expect(CallbackBodySchema.parse({ satisfied: true })).toEqual({ satisfied: true });
    expect(CloseBodySchema.parse({ rootCause: 'rc', responsibility: 'parts_supplier' })).toEqual({ rootCause: 'rc', responsibility: 'parts_supplier' });
    expect(ReassignBodySchema.parse({ owner: 'sup-2' })).toEqual({ owner: 'sup-2' });
    expect(NoteBodySchema.parse({ note: long(2000) }).note).toHaveLength(2000);
    expect(WithdrawBodySchema.parse({ reason: 'ok now' })).toEqual({ reason: 'ok now' });

    const moves: Array<[z.ZodType, Refusal]> = [
      [AcknowledgeBodySchema, ['note too long', { note: long(2001) }, 'note']],
      [AcknowledgeBodySchema, ['unknown category', { category: 'x' }, 'category']],
      [ProposeResolutionBodySchema, ['negative compensation', { resolution: 'r', compensation: { amount: -1 } }, 'compensation.amount']],
      [ProposeResolutionBodySchema, ['compensation above a million', { resolution: 'r', compensation: { amount: 1_000_001 } }, 'compensation.amount']],
      [
        ProposeResolutionBodySchema,
        ['currency in lower case', { resolution: 'r', compensation: { amount: 1, currency: 'usd' } }, 'compensation.currency', 'ISO currency, e.g. CNY'],
      ],
      [ProposeResolutionBodySchema, ['currency of four letters', { resolution: 'r', compensation: { amount: 1, currency: 'USDX' } }, 'compensation.currency']],
      [ProposeResolutionBodySchema, ['currency after a letter', { resolution: 'r', compensation: { amount: 1, currency: 'XUSD' } }, 'compensation.currency']],
      [ProposeResolutionBodySchema, ['blank resolution', { resolution: ' ' }, 'resolution']],
      [DecisionBodySchema, ['accepted as text', { accepted: 'no' }, 'accepted']],
      [CallbackBodySchema, ['no answer', {}, 'satisfied']],
      [CloseBodySchema, ['unknown responsibility', { rootCause: 'rc', responsibility: 'weather' }, 'responsibility']],
      [CloseBodySchema, ['blank root cause', { rootCause: ' ', responsibility: 'none' }, 'rootCause']],
      [ReassignBodySchema, ['owner with a slash', { owner: 'a/b' }, 'owner']],
      [NoteBodySchema, ['blank note', { note: ' ' }, 'note']],
      [WithdrawBodySchema, ['no reason', {}, 'reason']],
    ];
    for (const [schema, r] of moves) expectRefused(schema, r);
  });

  test('numbers, list and stats queries', () => {
    expect(ComplaintNoSchema.parse('CP-CS-20261122-000001-LR')).toBe('CP-CS-20261122-000001-LR');
    expectRefused(ComplaintNoSchema, ['a case number', 'CS-20261122-000001', '', 'a complaint number like CP-20261122-000123']);
    expect(ComplaintListQuerySchema.parse({})).toEqual({ limit: 20 });
    const q = {
      stage: 'closed',
      category: 'other',
      grade: 'serious',
      owner: 'o',
      caseNo: 'CS-20261122-000001',
      phone: '13700000001',
      source: 'auto',
      trigger: 'low_rating',
      open: 'true',
      breached: 'false',
      createdFrom: '2026-11-01T00:00:00Z',
      createdTo: '2026-11-02T00:00:00Z',
      cursor: 'c',
    };
    expect(ComplaintListQuerySchema.parse({ ...q, limit: '5' })).toEqual({ ...q, limit: 5 });
    const other = { source: 'agent', open: 'false', breached: 'true', createdFrom: '2026-11-01T08:00:00+08:00' };
    expect(ComplaintListQuerySchema.parse(other)).toEqual({ ...other, limit: 20 });
    expectRefused(ComplaintListQuerySchema, ['unknown source', { source: 'web' }, 'source']);
    expectRefused(ComplaintListQuerySchema, ['unknown trigger', { trigger: 'rework' }, 'trigger']);
    expectRefused(ComplaintListQuerySchema, ['open as yes', { open: 'yes' }, 'open']);
    expectRefused(ComplaintListQuerySchema, ['breached as 1', { breached: '1' }, 'breached']);
    expectRefused(ComplaintListQuerySchema, ['cursor too long', { cursor: long(201) }, 'cursor']);
    expect(ComplaintStatsQuerySchema.parse({ from: '2026-11-01T00:00:00Z' })).toEqual({ from: '2026-11-01T00:00:00Z' });
    expectRefused(ComplaintStatsQuerySchema, ['date only', { to: '2026-11-01' }, 'to']);
  });
});

// The SLA policy table ---------------------------------------------------------------

describe('the SLA policy table', () => {
  const policy = JSON.parse(JSON.stringify(DEFAULT_SLA_POLICY)) as typeof DEFAULT_SLA_POLICY;
  const withCal = (c: object) => ({ ...policy, calendar: { ...policy.calendar, ...c } });
  const complaints = policy.complaints!;

  test('the defaults are a valid policy, with or without the complaint standard', () => {
    expect(SlaPolicySchema.parse(policy)).toEqual(policy);
    const { complaints: _omit, ...old } = policy;
    expect(SlaPolicySchema.parse(old)).toEqual(old);
    // Equal targets across grades are allowed; fractions of minutes too.
    const flat = { calendar: '24x7', acknowledgeMinutes: 60, resolveMinutes: 600 } as const;
    expect(SlaPolicySchema.safeParse({ ...policy, complaints: { general: flat, serious: flat, critical: flat } }).success).toBe(true);
    const business = { calendar: 'business', acknowledgeMinutes: 60, resolveMinutes: 600 } as const;
    expect(SlaPolicySchema.safeParse({ ...policy, complaints: { general: business, serious: business, critical: business } }).success).toBe(true);
    expect(SlaPolicySchema.safeParse({ ...policy, warningAt: 0.5, ladder: [{ level: 1, atFraction: 1, actions: ['ops_action'] }] }).success).toBe(true);
  });

  const refusals: Refusal[] = [
    ['warning at 0', { ...policy, warningAt: 0 }, 'warningAt'],
    ['warning at 100%', { ...policy, warningAt: 1 }, 'warningAt'],
    ['no ladder', { ...policy, ladder: [] }, 'ladder'],
    ['six levels', { ...policy, ladder: [1, 2, 3, 4, 5, 6].map((level) => ({ level, atFraction: level, actions: ['ops_action'] })) }, 'ladder'],
    ['levels out of order', { ...policy, ladder: [policy.ladder[1], policy.ladder[0]] }, 'ladder', 'levels must be 1, 2, 3… with increasing atFraction'],
    ['a level skipped', { ...policy, ladder: [policy.ladder[0], policy.ladder[2]] }, 'ladder', 'levels must be 1, 2, 3… with increasing atFraction'],
    [
      'a fraction not increasing',
      { ...policy, ladder: [policy.ladder[0], { ...policy.ladder[1], atFraction: 1 }] },
      'ladder',
      'levels must be 1, 2, 3… with increasing atFraction',
    ],
    ['a level without actions', { ...policy, ladder: [{ level: 1, atFraction: 1, actions: [] }] }, 'ladder.0.actions'],
    ['an unknown action', { ...policy, ladder: [{ level: 1, atFraction: 1, actions: ['page_ceo'] }] }, 'ladder.0.actions.0'],
    ['a level before the deadline', { ...policy, ladder: [{ level: 1, atFraction: 0.9, actions: ['ops_action'] }] }, 'ladder.0.atFraction'],
    ['close before open', withCal({ open: '18:00', close: '09:00' }), 'calendar.close', 'close must be after open'],
    ['close at open', withCal({ open: '09:00', close: '09:00' }), 'calendar.close', 'close must be after open'],
    ['open at 25:00', withCal({ open: '25:00' }), 'calendar.open', 'a time like 09:00'],
    ['a holiday in another format', withCal({ holidays: ['2026/10/01'] }), 'calendar.holidays.0', 'a date like 2026-10-01'],
    ['a holiday with text before', withCal({ holidays: ['x2026-10-01'] }), 'calendar.holidays.0'],
    ['a holiday with text after', withCal({ holidays: ['2026-10-01x'] }), 'calendar.holidays.0'],
    ['open with text before', withCal({ open: 'x09:00' }), 'calendar.open'],
    ['open with text after', withCal({ open: '09:000' }), 'calendar.open'],
    ['a make-up day in another format', withCal({ makeupWorkdays: ['20261010'] }), 'calendar.makeupWorkdays.0'],
    ['no workdays', withCal({ workdays: [] }), 'calendar.workdays'],
    ['weekday 8', withCal({ workdays: [8] }), 'calendar.workdays.0'],
    ['offset beyond +14 h', withCal({ utcOffsetMinutes: 841 }), 'calendar.utcOffsetMinutes'],
    ['offset beyond -12 h', withCal({ utcOffsetMinutes: -721 }), 'calendar.utcOffsetMinutes'],
    [
      'a zero target',
      {
        ...policy,
        priorities: { ...policy.priorities, P1: { ...policy.priorities.P1, targetsMinutes: { ...policy.priorities.P1.targetsMinutes, dispatch: 0 } } },
      },
      'priorities.P1.targetsMinutes.dispatch',
    ],
    [
      'a target over 90 days',
      {
        ...policy,
        priorities: {
          ...policy.priorities,
          P2: { ...policy.priorities.P2, targetsMinutes: { ...policy.priorities.P2.targetsMinutes, resolution: 90 * 24 * 60 + 1 } },
        },
      },
      'priorities.P2.targetsMinutes.resolution',
    ],
    [
      'a clock missing',
      { ...policy, priorities: { ...policy.priorities, P3: { calendar: 'business', targetsMinutes: { dispatch: 30 } } } },
      'priorities.P3.targetsMinutes.firstResponse',
    ],
    [
      'an unknown calendar',
      { ...policy, priorities: { ...policy.priorities, P4: { ...policy.priorities.P4, calendar: 'weekdays' } } },
      'priorities.P4.calendar',
    ],
    ['a priority missing', { ...policy, priorities: { P1: policy.priorities.P1 } }, 'priorities.P2'],
    [
      'a critical complaint slower to acknowledge than a serious one',
      { ...policy, complaints: { ...complaints, critical: { ...complaints.critical, acknowledgeMinutes: 61 } } },
      'complaints',
      'a more severe grade cannot have a longer target',
    ],
    [
      'a serious complaint slower to acknowledge than a general one',
      { ...policy, complaints: { ...complaints, serious: { ...complaints.serious, acknowledgeMinutes: 121 } } },
      'complaints',
      'a more severe grade cannot have a longer target',
    ],
    [
      'a critical complaint slower to resolve than a serious one',
      { ...policy, complaints: { ...complaints, critical: { ...complaints.critical, resolveMinutes: 24 * 60 + 1 } } },
      'complaints',
      'a more severe grade cannot have a longer target',
    ],
    [
      'a serious complaint slower to resolve than a general one',
      { ...policy, complaints: { ...complaints, serious: { ...complaints.serious, resolveMinutes: 48 * 60 + 1 } } },
      'complaints',
      'a more severe grade cannot have a longer target',
    ],
    ['a grade missing', { ...policy, complaints: { general: complaints.general, serious: complaints.serious } }, 'complaints.critical'],
  ];
  test.each(refusals)('refuses: %s', (...r) => expectRefused(SlaPolicySchema, r));
});
