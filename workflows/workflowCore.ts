// What the case and complaint workflows share around their state: activities that park
// on a failure no retry can fix (ops resume them), the NeedsAttention flag, the outbox,
// the state query and the intake receipt. Each core (caseCore.ts, complaintCore.ts) adds
// its own `advance`, publishing and messages. Deterministic.
import { condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../domain';
import { SA } from '../domain/searchAttributes';
import { activities as retryingActivities } from './activities';
import { Outbox } from './outbox';
import { Parking, type ParkedCall } from './parking';

export interface HeldState {
  /** Steps parked because the database refused them for good; ops resume them. */
  attention?: ParkedCall[];
  /** Set once the intake has been written to PostgreSQL. */
  recorded: boolean;
  stage: string;
  updatedAt: string;
  /** Sequence number of the last timeline event. */
  eventSeq: number;
}

export abstract class WorkflowCore<S extends HeldState> {
  /** A call the database refuses for good parks the workflow for ops (POST /ops/…/retry-now). */
  readonly parking: Parking;
  readonly activities: typeof retryingActivities;
  /** Messages go out from a background loop, so a gateway outage never holds the workflow up. */
  protected readonly outbox = new Outbox();

  /** `resumedEvent` is the timeline event of an ops resume (case.resumed, complaint.resumed). */
  protected constructor(
    readonly state: S,
    resumedEvent: string,
  ) {
    this.parking = new Parking({
      onPark: () => {
        this.state.attention = this.parking.calls;
        this.publishAttention();
      },
      onResume: (calls, actor, reason) => {
        this.state.attention = undefined;
        this.publishAttention();
        void this.advance(actor, resumedEvent, { reason, parked: calls });
      },
    });
    this.activities = this.parking.guard(retryingActivities);
  }

  abstract isClosed(): boolean;

  /** Applies a change, persists the snapshot and its timeline event (the only way the state changes). */
  abstract advance(actor: Actor, type: string, data: Record<string, unknown>): Promise<S>;

  /** Search attributes and the Web UI summary, in step with every change. */
  protected abstract publish(): void;

  /** Its own upsert, so workflows that never park issue exactly the commands they did before. */
  private publishAttention(): void {
    upsertSearchAttributes([{ key: SA.NeedsAttention, value: !!this.state.attention }]);
    this.publish();
  }

  /** The next timeline event, numbered in this run, for the move that just changed the state. */
  protected timelineEvent(type: string, fromStage: S['stage'] | null, actor: Actor, data: Record<string, unknown>) {
    const state = this.state;
    return {
      seq: ++state.eventSeq,
      runId: workflowInfo().runId,
      type,
      fromStage,
      toStage: state.stage as S['stage'],
      actor,
      data,
      occurredAt: state.updatedAt,
    };
  }

  protected snapshot(): S {
    return JSON.parse(JSON.stringify(this.state)) as S;
  }

  /** The state query, and the receipt that answers once the intake is in PostgreSQL (`answer`: what of the state it returns). */
  protected registerQueries<R = S>(query: QueryDefinition<S>, receipt: UpdateDefinition<R>, answer: (s: S) => R = (s) => s as unknown as R): void {
    setHandler(query, () => this.state);
    setHandler(receipt, async () => {
      await condition(() => this.state.recorded);
      return answer(this.state);
    });
  }

  /** Sends queued messages until the workflow is closed and nothing is left. */
  runOutbox(): Promise<void> {
    return this.outbox.run(() => this.isClosed());
  }
}
