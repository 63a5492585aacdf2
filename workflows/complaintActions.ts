// The complaint's actions (投诉闭环): acknowledge, investigate, propose a resolution,
// the customer's decision, the callback, close; reassign, notes and withdrawal at any
// open stage. A rejected resolution or an unsatisfied callback re-opens the complaint
// one grade more severe. Deterministic.
import { raisedGrade, type ComplaintStage, type ComplaintState } from '../domain/complaints';
import type {
  AcknowledgeBody,
  CallbackBody,
  CloseBody,
  DecisionBody,
  InvestigateBody,
  NoteBody,
  ProposeResolutionBody,
  ReassignBody,
  WithdrawBody,
} from '../domain/complaintSchemas';
import { linkOrHotline } from '../domain/notifications';
import type { Actor } from '../domain';
import { now, type ComplaintCore } from './complaintCore';

export class ComplaintActions {
  constructor(private readonly core: ComplaintCore) {}

  private get state(): ComplaintState {
    return this.core.state;
  }

  setup(): void {
    const core = this.core;
    core.on<AcknowledgeBody>('acknowledge', (actor, body) =>
      core.advance(
        actor,
        'complaint.acknowledged',
        { note: body.note, ...(body.category && body.category !== this.state.category ? { category: { from: this.state.category, to: body.category } } : {}) },
        (s) => {
          s.acknowledgedAt = now();
          if (body.category) s.category = body.category;
          return 'acknowledged';
        },
      ),
    );
    core.on<InvestigateBody>('investigate', (actor, body) => core.advance(actor, 'complaint.investigating', { note: body.note }, () => 'investigating'));
    core.on<ProposeResolutionBody>('proposeResolution', (actor, body) => this.proposeResolution(actor, body));
    core.on<DecisionBody>('recordDecision', (actor, body) => this.recordDecision(actor, body));
    core.on<CallbackBody>('verifyCallback', (actor, body) => this.verifyCallback(actor, body));
    core.on<CloseBody>('close', (actor, body) => this.close(actor, body));
    core.on<ReassignBody>('reassign', (actor, body) => this.reassign(actor, body));
    core.on<NoteBody>('addNote', (actor, body) => core.advance(actor, 'complaint.note', { note: body.note }));
    core.on<WithdrawBody>('withdraw', (actor, body) =>
      core.advance(actor, 'complaint.withdrawn', { reason: body.reason }, (s) => {
        s.withdrawal = { reason: body.reason, at: now(), by: actor };
        return 'withdrawn';
      }),
    );
  }

  /** A new owner; with duty routing the owner is a person, named on the timeline and told (outbox). */
  private async reassign(actor: Actor, body: ReassignBody): Promise<ComplaintState> {
    const { core, state } = this;
    if (state.settings.routing !== 'duty') {
      return core.advance(actor, 'complaint.reassigned', { from: state.owner, to: body.owner, reason: body.reason }, (s) => {
        s.owner = body.owner;
      });
    }
    const person = await core.activities.personContact({ personId: body.owner, role: 'supervisor' });
    await core.advance(
      actor,
      'complaint.reassigned',
      { from: state.owner, fromName: state.ownerName, to: body.owner, toName: person?.name, reason: body.reason },
      (s) => {
        s.owner = body.owner;
        s.ownerName = person?.name;
      },
    );
    if (person) core.tellOwner(`reassigned-${state.eventSeq}`, person);
    return state;
  }

  private async proposeResolution(actor: Actor, body: ProposeResolutionBody): Promise<ComplaintState> {
    const { core, state } = this;
    await core.advance(
      actor,
      'complaint.resolution_proposed',
      { resolution: body.resolution, compensation: body.compensation, round: state.reopenCount + 1 },
      (s) => {
        s.resolution = { text: body.resolution, compensation: body.compensation, proposedAt: now(), by: actor };
        return 'resolution_proposed';
      },
    );
    const compensation = body.compensation ? ` (${body.compensation.amount} ${body.compensation.currency})` : '';
    core.queueMessage(`resolution-${state.eventSeq}`, 'complaint.resolution_proposed', 'sms', state.customer.phone, {
      resolution: `${body.resolution}${compensation}`,
      // Signed by an activity (the workflow holds no secret); the customer answers through it.
      link: linkOrHotline(await core.activities.issueCustomerLink({ subjectNo: state.complaintNo }), state.customer.language),
    });
    return state;
  }

  private recordDecision(actor: Actor, body: DecisionBody): Promise<ComplaintState> {
    if (body.accepted) {
      return this.core.advance(actor, 'complaint.customer_confirmed', { comment: body.comment }, (s) => {
        s.resolvedAt = now();
        return 'customer_confirmed';
      });
    }
    const state = this.state;
    return this.core.advance(
      actor,
      'complaint.reopened',
      { reason: 'resolution_rejected', comment: body.comment, grade: { from: state.grade, to: raisedGrade(state.grade) }, reopen: state.reopenCount + 1 },
      (s) => this.reopen(s, Date.now()),
    );
  }

  private verifyCallback(actor: Actor, body: CallbackBody): Promise<ComplaintState> {
    if (body.satisfied) {
      return this.core.advance(actor, 'complaint.callback_verified', { note: body.note }, (s) => {
        s.callback = { satisfied: true, note: body.note, at: now(), by: actor };
        return 'callback_verified';
      });
    }
    const state = this.state;
    return this.core.advance(
      actor,
      'complaint.reopened',
      { reason: 'callback_unsatisfied', note: body.note, grade: { from: state.grade, to: raisedGrade(state.grade) }, reopen: state.reopenCount + 1 },
      (s) => this.reopen(s, Date.now()),
    );
  }

  private async close(actor: Actor, body: CloseBody): Promise<ComplaintState> {
    const { core, state } = this;
    await core.advance(actor, 'complaint.closed', { ...body }, (s) => {
      s.closing = { ...body, at: now(), by: actor };
      return 'closed';
    });
    // Closing the loop with the customer too (the outbox drains before the workflow ends).
    core.queueMessage('closed', 'complaint.closed', 'sms', state.customer.phone, { customerName: core.customerName() });
    return state;
  }

  /** The customer is not satisfied: back to investigation, one grade more severe. */
  private reopen(s: ComplaintState, at: number): ComplaintStage {
    s.reopenCount += 1;
    s.grade = raisedGrade(s.grade);
    s.resolution = undefined;
    s.resolvedAt = undefined;
    s.callback = undefined;
    this.core.sla.reopen(at);
    return 'investigating';
  }
}
