// Case numbers are what agents read out on the phone: CS-<yyyymmdd>-<6 digits>.

export const CASE_NO_PATTERN = /^CS-\d{8}-\d{6,}$/;

export function formatCaseNo(date: Date, sequence: number): string {
  const ymd = date.toISOString().slice(0, 10).replace(/-/g, '');
  return `CS-${ymd}-${String(sequence).padStart(6, '0')}`;
}

export function workflowIdFor(caseNo: string): string {
  return `case-${caseNo}`;
}
