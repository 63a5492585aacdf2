// The batch of the production test: cases and complaints walked to their end through the
// API replicas, and the visibility queries that must find them afterwards.
import type { Client } from '@temporalio/client';
import type { CaseIntakeInput } from '../../../domain/schemas';
import type { ApiPool } from './twoApis';

export interface DrivenCase {
  caseNo: string;
  priority: string;
  engineer: 'E001' | 'E002';
}

export interface DrivenComplaint {
  complaintNo: string;
  grade: 'general' | 'serious';
}

/** Intake to archived: 7 moves, `step()` after each. */
export async function driveCase(
  api: ApiPool,
  c: { intake: CaseIntakeInput; engineer: 'E001' | 'E002'; slot: { start: string; end: string } },
  step: () => void,
): Promise<DrivenCase> {
  const opened = await api.move('/cases', 'agent', c.intake);
  const caseNo: string = opened.case.caseNo;
  step();
  // Nobody serves the batch's region: automatic dispatch hands it to the manual queue.
  await api.until(`/cases/${caseNo}`, (b) => (b.case.stage === 'manual_dispatch' ? true : undefined), `${caseNo} in manual_dispatch`);
  const engineer = c.engineer === 'E001' ? 'engineerE001' : 'engineerE002';
  const moves: Array<[string, 'dispatcher' | 'agent' | 'engineerE001' | 'engineerE002', unknown, string]> = [
    ['assign', 'dispatcher', { engineerId: c.engineer }, 'dispatched'],
    ['contact', engineer, { confirmedAddress: '世纪大道100号', diagnosis: '待查' }, 'contacted'],
    ['appointment', engineer, c.slot, 'scheduled'],
    ['check-in', engineer, { lat: 31.23, lng: 121.47 }, 'on_site'],
    ['check-out', engineer, { result: 'fixed', resolution: '更换启动电容' }, 'awaiting_confirmation'],
    ['confirm', 'agent', { rating: 5 }, 'archived'],
  ];
  for (const [path, as, body, stage] of moves) {
    const r = await api.move(`/cases/${caseNo}/${path}`, as, body);
    if (r.case.stage !== stage) throw new Error(`${caseNo} ${path}: stage ${r.case.stage}, expected ${stage}`);
    step();
  }
  return { caseNo, priority: c.intake.priority ?? 'P3', engineer: c.engineer };
}

/** Registered to closed: 7 moves, `step()` after each. */
export async function driveComplaint(
  api: ApiPool,
  c: { grade: 'general' | 'serious'; summary: string; owner: string },
  step: () => void,
): Promise<DrivenComplaint> {
  const phone = `+86 137 ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')} ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const registered = await api.move('/complaints', 'agent', {
    category: 'repair_quality',
    grade: c.grade,
    channel: 'phone',
    summary: c.summary,
    customer: { name: '李四', phone, language: 'zh-CN' },
    owner: c.owner,
  });
  const complaintNo: string = registered.complaint.complaintNo;
  step();
  const moves: Array<[string, 'supervisor' | 'agent', unknown, string]> = [
    ['acknowledge', 'supervisor', { note: '已致电' }, 'acknowledged'],
    ['investigate', 'supervisor', { note: '调取录音' }, 'investigating'],
    ['resolution', 'supervisor', { resolution: '免费复修' }, 'resolution_proposed'],
    ['decision', 'agent', { accepted: true }, 'customer_confirmed'],
    ['callback', 'agent', { satisfied: true, note: '客户满意' }, 'callback_verified'],
    ['close', 'supervisor', { rootCause: '维修不彻底', responsibility: 'engineer' }, 'closed'],
  ];
  for (const [path, as, body, stage] of moves) {
    const r = await api.move(`/complaints/${complaintNo}/${path}`, as, body);
    if (r.complaint.stage !== stage) throw new Error(`${complaintNo} ${path}: stage ${r.complaint.stage}, expected ${stage}`);
    step();
  }
  return { complaintNo, grade: c.grade };
}

/** Workflow ids a visibility query returns. */
export async function listIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids.sort();
}

/**
 * Polls `query` until it returns exactly `expected` (visibility trails the workflows a
 * little); fails with both lists after 60 s.
 */
export async function expectQuery(client: Client, query: string, expected: string[]): Promise<void> {
  const want = [...expected].sort();
  const deadline = Date.now() + 60_000;
  let got: string[] = [];
  while (Date.now() < deadline) {
    got = await listIds(client, query);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`visibility query ${query}\n  expected ${JSON.stringify(want)}\n  got      ${JSON.stringify(got)}`);
}

/** Every custom search attribute the batch's workflows carry finds exactly the right ones. */
export async function checkVisibility(client: Client, b: { region: string; cases: DrivenCase[]; complaints: DrivenComplaint[] }): Promise<void> {
  const caseId = (c: DrivenCase) => `case-${c.caseNo}`;
  const complaintId = (c: DrivenComplaint) => `complaint-${c.complaintNo}`;
  const inRegion = `Region = '${b.region}'`;
  for (const c of b.cases) await expectQuery(client, `CaseNo = '${c.caseNo}'`, [caseId(c)]);
  await expectQuery(client, `${inRegion} AND CaseStage = 'archived'`, b.cases.map(caseId));
  await expectQuery(client, `${inRegion} AND SlaBreached = false`, b.cases.map(caseId));
  for (const p of ['P1', 'P2', 'P3', 'P4']) {
    await expectQuery(client, `${inRegion} AND Priority = '${p}'`, b.cases.filter((c) => c.priority === p).map(caseId));
  }
  for (const e of ['E001', 'E002']) {
    await expectQuery(client, `${inRegion} AND AssignedEngineer = '${e}'`, b.cases.filter((c) => c.engineer === e).map(caseId));
  }
  const nos = b.complaints.map((c) => `'${c.complaintNo}'`).join(', ');
  for (const c of b.complaints) await expectQuery(client, `ComplaintNo = '${c.complaintNo}'`, [complaintId(c)]);
  await expectQuery(client, `ComplaintNo IN (${nos}) AND ComplaintStage = 'closed'`, b.complaints.map(complaintId));
  for (const g of ['general', 'serious']) {
    await expectQuery(client, `ComplaintNo IN (${nos}) AND ComplaintGrade = '${g}'`, b.complaints.filter((c) => c.grade === g).map(complaintId));
  }
}
