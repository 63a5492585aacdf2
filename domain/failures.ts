// ApplicationFailure types raised by the case workflow's update validators and
// handlers (and by activities); the API maps each to one HTTP status.
export const FAILURE = {
  /** 409 with currentStage. */
  illegalTransition: 'IllegalTransition',
  /** 403: an engineer acting on a case that is not theirs. */
  forbidden: 'Forbidden',
  /** 409: the engineer already has an overlapping visit. */
  slotConflict: 'SlotConflict',
  /** 409: the visit is outside the engineer's hours or the customer's preferred windows (details: code). */
  bookingRefused: 'BookingRefused',
  /** 409: a limit such as the reschedule count is reached. */
  limitReached: 'LimitReached',
  /** 400: a request that is well-formed but not valid for this case (details: fields). */
  invalid: 'InvalidRequest',
  /** 409: the move would change nothing (a priority change to the current priority). */
  unchanged: 'Unchanged',
} as const;
export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];

/**
 * An activity failure a retry cannot fix (the database refuses the data itself): the
 * workflow parks the case for a person instead of retrying for ever.
 */
export const UNFIXABLE_BY_RETRY = 'UnfixableByRetry';
