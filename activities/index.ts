// Activities are built from their dependencies (the samples-typescript pattern), so the
// worker and the tests pass real connections in.
import { createHash } from 'node:crypto';
import { asyncLocalStorage, log } from '@temporalio/activity';
import { customerLinkConfig, DEFAULT_HOTLINE, loadEnv } from '../config/env';
import type { CustomerLinkConfig } from '../shared/customerLinks';
import { issueCustomerLink } from '../db/queries/customerLinks';
import { issueOfferLink } from '../db/queries/engineerOfferLinks';
import type { CaseEvent, CaseMetrics, CaseState, Ranking } from '../domain';
import type { Database, Transaction } from '../db/client';
import { writeCaseEvent, type MoveWrites, type MoveWritten } from './caseRecords';
import { writeComplaintEvent } from './complaints';
import { eventRunId } from './runId';
import type { ComplaintEvent, ComplaintState } from '../domain/complaints';
import * as dispatch from './dispatch';
import * as sla from '../db/queries/sla';
import * as aftercare from './aftercare';
import * as callbacks from './callbacks';
import * as maintenance from './maintenance';
import { gatewayConfigFromEnv, gatewaysFromConfig, type GatewayConfig, type Gateways } from './gateways';
import { createNotificationActivities } from './notifications';
import { engineerContact, personContact, routeToDuty } from './routing';
import type { RoutedPerson, Routing } from '../domain/duty';
import type { BookingVerdict } from '../domain/engineerHours';
import { countCaseEvent, countSlaResult, countSlaThreshold } from './metrics';

export interface ActivityDeps {
  /** IANA time zone of the service area: places engineers' working hours and duty shifts. */
  timeZone?: string;
  /** Notification gateways; default: built from `gatewayConfig`. */
  gateways?: Gateways;
  /** Default: from the environment (SMS_GATEWAY_URL, SMTP_URL, …), read at first send. */
  gatewayConfig?: GatewayConfig;
  /** Signs the customer links put in messages; null: no links; default: CUSTOMER_LINK_SECRET and PUBLIC_BASE_URL, if set. */
  customerLinks?: CustomerLinkConfig | null;
}

export function createActivities(db: Database, deps: ActivityDeps = {}) {
  const timeZone = deps.timeZone ?? 'Asia/Shanghai';
  const gateways = deps.gateways ?? (() => gatewaysFromConfig(deps.gatewayConfig ?? gatewayConfigFromEnv(loadEnv())));
  // Read from the environment once, at the first link (as the gateways are).
  let linkConfig: CustomerLinkConfig | null | undefined = deps.customerLinks;
  const links = (): CustomerLinkConfig | null => {
    if (linkConfig === undefined) {
      const env = loadEnv();
      linkConfig = env.CUSTOMER_LINK_SECRET ? customerLinkConfig(env) : null;
    }
    return linkConfig;
  };
  /** Keyed by the activity (workflow, run, activity id): a retried activity gets the link it first issued. */
  async function signCustomerLink(tx: Database | Transaction, subjectNo: string, expiresAt?: string): Promise<{ url: string; expiresAt: string } | null> {
    const cfg = links();
    if (!cfg) return null;
    const { linkId, workflowId } = activityLinkId();
    const link = await issueCustomerLink(tx, cfg, {
      subjectNo,
      linkId,
      issuedBy: { role: 'system', subject: workflowId },
      ...(expiresAt ? { expiresAt: new Date(expiresAt) } : {}),
    });
    return { url: link.url, expiresAt: link.expiresAt.toISOString() };
  }
  return {
    /**
     * A signed link for the customer (case: progress, quote, confirmation; complaint: the
     * proposed resolution), for a message. Null when no link secret is configured: the
     * message then tells the customer an agent will call. `expiresAt`: instead of
     * CUSTOMER_LINK_TTL_HOURS (a maintenance reminder's link lasts its booking window).
     */
    async issueCustomerLink(args: { subjectNo: string; expiresAt?: string }): Promise<{ url: string; expiresAt: string } | null> {
      return signCustomerLink(db, args.subjectNo, args.expiresAt);
    },
    /**
     * The offered engineer's one-tap accept/decline link (case, engineer, round), expiring
     * with the offer. Null without a link secret: the SMS then points to the app.
     */
    async issueOfferLink(args: { caseNo: string; engineerId: string; round: number; expiresAt: string }): Promise<{ url: string; expiresAt: string } | null> {
      const cfg = links();
      if (!cfg) return null;
      const { linkId, workflowId } = activityLinkId();
      const link = await issueOfferLink(db, cfg, { ...args, expiresAt: new Date(args.expiresAt), linkId, issuedBy: { role: 'system', subject: workflowId } });
      return { url: link.url, expiresAt: link.expiresAt.toISOString() };
    },
    /** Persists a case snapshot and appends its timeline event (and those `also` names), exactly once. */
    async recordCaseEvent(state: CaseState, event: CaseEvent, also?: MoveWrites): Promise<MoveWritten> {
      const runIdOf = (e: CaseEvent) => ({ ...e, runId: eventRunId(e) });
      const writes = also && { ...also, before: also.before?.map(runIdOf), after: also.after?.map(runIdOf) };
      const result = await writeCaseEvent(db, state, runIdOf(event), writes, (tx) => signCustomerLink(tx, state.caseNo));
      if (result.inserted) {
        for (const e of [...(also?.before ?? []), event, ...(also?.after ?? [])]) countCaseEvent(e.type);
        // Runs with patched('case-move-one-write') write their clock results here, not in recordSlaResult.
        for (const r of also?.slaResults ?? []) countSlaResult(r);
      }
      log.info('case event recorded', { caseNo: state.caseNo, seq: event.seq, type: event.type, ...result });
      const t = also?.threshold;
      if (t) log.warn('SLA threshold', { caseNo: t.caseNo, clock: t.clock, kind: t.kind, level: t.level, ...result });
      return result;
    },
    /** Persists a complaint snapshot and appends one complaint timeline event, exactly once. */
    async recordComplaintEvent(state: ComplaintState, event: ComplaintEvent): Promise<{ inserted: boolean }> {
      const result = await writeComplaintEvent(db, state, { ...event, runId: eventRunId(event) });
      log.info('complaint event recorded', { complaintNo: state.complaintNo, seq: event.seq, type: event.type, ...result });
      return result;
    },
    /** Ranks the roster for a case: hard filters, then the weighted score (domain/dispatch). */
    async rankCandidates(req: dispatch.RankArgs): Promise<Ranking> {
      return dispatch.rankCandidates(db, timeZone, req);
    },
    /**
     * Whether a visit slot fits the engineer's working hours and the customer's preferred
     * windows (domain/engineerHours.ts), read from the roster at booking time.
     */
    async checkVisitSlot(args: Parameters<typeof dispatch.checkVisitSlot>[2]): Promise<BookingVerdict> {
      return dispatch.checkVisitSlot(db, timeZone, args);
    },
    async claimEngineer(args: Parameters<typeof dispatch.claimEngineer>[1]): Promise<dispatch.ClaimResult> {
      return dispatch.claimEngineer(db, args);
    },
    async releaseEngineer(args: { caseNo: string; engineerId?: string }): Promise<void> {
      return dispatch.releaseEngineer(db, args);
    },
    async reserveVisit(args: Parameters<typeof dispatch.reserveVisit>[1]): Promise<void> {
      return dispatch.reserveVisit(db, args);
    },
    async closeBookings(args: { caseNo: string; status: 'done' | 'cancelled' }): Promise<void> {
      return dispatch.closeBookings(db, args);
    },
    /** The SLA policy in force; a case keeps the version it started with. */
    async loadSlaPolicy(): Promise<sla.PolicyVersion> {
      return sla.currentSlaPolicy(db);
    },
    async recordSlaThreshold(r: sla.ThresholdRecord): Promise<{ inserted: boolean }> {
      const result = await sla.recordSlaThreshold(db, r);
      if (result.inserted) countSlaThreshold(r);
      log.warn('SLA threshold', { caseNo: r.caseNo, clock: r.clock, kind: r.kind, level: r.level, ...result });
      return result;
    },
    async recordSlaResult(r: Parameters<typeof sla.recordSlaResult>[1]): Promise<{ inserted: boolean }> {
      const result = await sla.recordSlaResult(db, r);
      if (result.inserted) countSlaResult(r);
      return result;
    },
    /** The satisfaction callback (回访) for a call-center agent. */
    async createCallbackTask(t: Parameters<typeof aftercare.createCallbackTask>[1]) {
      return aftercare.createCallbackTask(db, t);
    },
    /** The maintenance reminder (保养提醒); an agent can open a maintenance case from it. */
    async createMaintenanceReminder(r: Parameters<typeof aftercare.createMaintenanceReminder>[1]) {
      return aftercare.createMaintenanceReminder(db, r);
    },
    /** The callback workflow's rows: queue an attempt, record its outcome, close the callback. */
    async queueCallbackAttempt(a: callbacks.QueueAttempt) {
      return callbacks.queueCallbackAttempt(db, a);
    },
    async recordCallbackAttempt(r: callbacks.AttemptResult) {
      return callbacks.recordCallbackAttempt(db, r);
    },
    async closeCallback(c: callbacks.CallbackClose) {
      return callbacks.closeCallback(db, c);
    },
    /** The maintenance series' rows: opt-out check, one reminder per cycle, sent / closed. */
    async maintenanceOptedOut(a: { seriesId: string }) {
      return maintenance.maintenanceOptedOut(db, a.seriesId);
    },
    async recordMaintenanceReminder(r: Parameters<typeof maintenance.recordMaintenanceReminder>[1]) {
      return maintenance.recordMaintenanceReminder(db, r);
    },
    async markMaintenanceSent(a: { id: number; at: string }) {
      return maintenance.markMaintenanceSent(db, a);
    },
    async closeMaintenanceReminder(a: { id: number; status: 'lapsed' | 'opted_out' }) {
      return maintenance.closeMaintenanceReminder(db, a);
    },
    async recordArchive(args: { caseNo: string; engineerId?: string; metrics: CaseMetrics; rating?: number; archivedAt: string }) {
      return dispatch.recordArchive(db, args);
    },
    /**
     * Who the duty roster names for each role in the region at `at` (the workflow's
     * firing instant): on shift, else the region's fallback, else the global fallback.
     */
    async routeToDuty(args: { roles: string[]; region?: string; at: string }): Promise<Routing[]> {
      return routeToDuty(db, timeZone, args);
    },
    /** How a named person is reached (a complaint's new owner); null if unknown, inactive or unreachable. */
    async personContact(args: { personId: string; role: string }): Promise<RoutedPerson | null> {
      return personContact(db, args);
    },
    /** How the case's engineer is reached (their person's preferred channel); null without an address. */
    async engineerContact(args: { engineerId: string }): Promise<RoutedPerson | null> {
      return engineerContact(db, args);
    },
    ...createNotificationActivities(db, gateways, () => loadEnv().SERVICE_HOTLINE ?? DEFAULT_HOTLINE),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;

/**
 * The id of the link this activity issues, derived from the run and the activity id, so
 * a retried attempt issues the same link (and revokes nothing twice) instead of a new one.
 * Outside an activity (a direct call in a test) the id is random.
 */
function activityLinkId(): { linkId?: string; workflowId?: string } {
  const info = asyncLocalStorage.getStore()?.info;
  if (!info?.workflowExecution) return {};
  const { workflowId, runId } = info.workflowExecution;
  const linkId = createHash('sha256').update(`${workflowId}|${runId}|${info.activityId}`).digest('base64url').slice(0, 32);
  return { linkId, workflowId };
}
