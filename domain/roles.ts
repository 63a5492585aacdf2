export const ROLES = ['agent', 'dispatcher', 'engineer', 'supervisor', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who performed an action: recorded on every timeline event. */
export interface Actor {
  role: Role;
  /** Engineer id for engineers, a person or key label for others. */
  subject?: string;
}

/** Which roles may perform each case action (engineers only on their own cases). */
export const ACTION_ROLES = {
  open: ['agent', 'supervisor', 'admin'],
  read: ['agent', 'dispatcher', 'engineer', 'supervisor', 'ops', 'admin'],
  assign: ['dispatcher', 'supervisor', 'admin'],
  appointment: ['engineer', 'dispatcher', 'agent', 'supervisor', 'admin'],
  checkIn: ['engineer', 'supervisor', 'admin'],
  checkOut: ['engineer', 'supervisor', 'admin'],
  confirm: ['agent', 'supervisor', 'admin'],
  cancel: ['agent', 'dispatcher', 'supervisor', 'ops', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
