/** Roles an API key can carry. */
export const ROLES = ['agent', 'dispatcher', 'engineer', 'supervisor', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who performed an action: recorded on every timeline event. Besides staff roles, the
 * customer acts through a signed link, and the workflow itself (offer timeouts,
 * automatic dispatch) acts as `system`.
 */
export interface Actor {
  role: Role | 'customer' | 'system';
  /** Engineer id for engineers, a person or key label for others. */
  subject?: string;
  /** The person the API key belongs to (staff directory), named on the timeline. */
  personId?: string;
  personName?: string;
}

export const SYSTEM_ACTOR: Actor = { role: 'system', subject: 'caseWorkflow' };

const staff = ['supervisor', 'admin'] as const;

/** Which roles may perform each case action (engineers only on their own cases). */
export const ACTION_ROLES = {
  open: ['agent', ...staff],
  read: ['agent', 'dispatcher', 'engineer', 'ops', ...staff],
  assign: ['dispatcher', 'ops', ...staff],
  redispatch: ['dispatcher', 'ops', ...staff],
  acceptOffer: ['engineer', 'dispatcher', ...staff],
  declineOffer: ['engineer', 'dispatcher', ...staff],
  recordContact: ['engineer', ...staff],
  appointment: ['engineer', 'dispatcher', 'agent', ...staff],
  noShow: ['engineer', 'dispatcher', 'agent', ...staff],
  checkIn: ['engineer', ...staff],
  diagnose: ['engineer', ...staff],
  quote: ['engineer', ...staff],
  decideQuote: ['agent', ...staff],
  checkOut: ['engineer', ...staff],
  confirm: ['agent', ...staff],
  cancel: ['agent', 'dispatcher', 'ops', ...staff],
  changePriority: ['agent', ...staff],
  customerLink: ['agent', 'dispatcher', ...staff],
  /** Withdraw every link of a case (a link sent to the wrong number, a customer's request). */
  customerLinkRevoke: ['agent', ...staff],
  engineersRead: ['dispatcher', 'ops', 'agent', ...staff],
  engineersWrite: ['admin'],
  dispatchQueue: ['dispatcher', 'ops', ...staff],
  complaintOpen: ['agent', ...staff],
  complaintRead: ['agent', 'ops', ...staff],
  /** The owner's moves: acknowledge, investigate, propose, close, reassign. */
  complaintManage: [...staff],
  /** What the call center records: the customer's answer, the callback, notes, withdrawal. */
  complaintFollowUp: ['agent', ...staff],
  complaintStats: ['ops', ...staff],
  /** The staff directory and duty roster: read by who routes work, written by admins. */
  staffRead: ['dispatcher', 'ops', ...staff],
  staffWrite: ['admin'],
  /** Who the roster names now (any desk may ask before handing work over). */
  onDuty: ['agent', 'dispatcher', 'ops', ...staff],
  /** Whether a person is on duty now: any desk, and an engineer about their own person. */
  personOnDuty: ['agent', 'dispatcher', 'engineer', 'ops', ...staff],
  /** Messages to the caller's own person (the key must belong to one). */
  myNotifications: ['agent', 'dispatcher', 'engineer', 'ops', ...staff],
} as const satisfies Record<string, readonly Role[]>;
