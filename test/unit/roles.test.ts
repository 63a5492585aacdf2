// Which roles may do what (domain/roles.ts), against a table written by hand. The live
// API is checked route by route in test/e2e/rolesByRoute.test.ts.
import { ACTION_ROLES, ROLES, SYSTEM_ACTOR, type Role } from '../../domain/roles';

const ROLE_ORDER: readonly Role[] = ['agent', 'dispatcher', 'engineer', 'supervisor', 'ops', 'admin'];
const Y = true;
const _ = false;

// prettier-ignore
const TABLE: Record<keyof typeof ACTION_ROLES, readonly [boolean, boolean, boolean, boolean, boolean, boolean]> = {
  //                    agent dispat engin  superv ops    admin
  open:                 [Y,    _,     _,     Y,     _,     Y],
  read:                 [Y,    Y,     Y,     Y,     Y,     Y],
  assign:               [_,    Y,     _,     Y,     Y,     Y],
  redispatch:           [_,    Y,     _,     Y,     Y,     Y],
  acceptOffer:          [_,    Y,     Y,     Y,     _,     Y],
  declineOffer:         [_,    Y,     Y,     Y,     _,     Y],
  recordContact:        [_,    _,     Y,     Y,     _,     Y],
  appointment:          [Y,    Y,     Y,     Y,     _,     Y],
  noShow:               [Y,    Y,     Y,     Y,     _,     Y],
  checkIn:              [_,    _,     Y,     Y,     _,     Y],
  diagnose:             [_,    _,     Y,     Y,     _,     Y],
  quote:                [_,    _,     Y,     Y,     _,     Y],
  decideQuote:          [Y,    _,     _,     Y,     _,     Y],
  checkOut:             [_,    _,     Y,     Y,     _,     Y],
  confirm:              [Y,    _,     _,     Y,     _,     Y],
  cancel:               [Y,    Y,     _,     Y,     Y,     Y],
  changePriority:       [Y,    _,     _,     Y,     _,     Y],
  customerLink:         [Y,    Y,     _,     Y,     _,     Y],
  customerLinkRevoke:   [Y,    _,     _,     Y,     _,     Y],
  engineersRead:        [Y,    Y,     _,     Y,     Y,     Y],
  engineersWrite:       [_,    _,     _,     _,     _,     Y],
  dispatchQueue:        [_,    Y,     _,     Y,     Y,     Y],
  complaintOpen:        [Y,    _,     _,     Y,     _,     Y],
  complaintRead:        [Y,    _,     _,     Y,     Y,     Y],
  complaintManage:      [_,    _,     _,     Y,     _,     Y],
  complaintFollowUp:    [Y,    _,     _,     Y,     _,     Y],
  complaintStats:       [_,    _,     _,     Y,     Y,     Y],
  staffRead:            [_,    Y,     _,     Y,     Y,     Y],
  staffWrite:           [_,    _,     _,     _,     _,     Y],
  onDuty:               [Y,    Y,     _,     Y,     Y,     Y],
  personOnDuty:         [Y,    Y,     Y,     Y,     Y,     Y],
  myNotifications:      [Y,    Y,     Y,     Y,     Y,     Y],
};

test('the roles an API key can carry', () => {
  expect([...ROLES].sort()).toEqual([...ROLE_ORDER].sort());
});

test('the table lists every permission', () => {
  expect(Object.keys(ACTION_ROLES).sort()).toEqual(Object.keys(TABLE).sort());
});

test.each(Object.keys(TABLE) as Array<keyof typeof ACTION_ROLES>)('%s: the roles in the table, no more, no less', (action) => {
  const expected = ROLE_ORDER.filter((_r, i) => TABLE[action][i]);
  const actual = ACTION_ROLES[action] as readonly string[];
  expect([...actual].sort()).toEqual([...expected].sort());
  expect(new Set(actual).size).toBe(actual.length);
});

test('the workflow acts as system', () => {
  expect(SYSTEM_ACTOR).toEqual({ role: 'system', subject: 'caseWorkflow' });
});
