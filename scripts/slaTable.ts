// The README's SLA table, generated from DEFAULT_SLA_POLICY (one source of truth; a
// test fails when the README and the defaults disagree). `npx tsx scripts/slaTable.ts`.
import { CLOCK_LABELS, CLOCKS, DEFAULT_SLA_POLICY, type SlaPolicy } from '../domain/sla';
import { COMPLAINT_GRADES, complaintPolicyOf } from '../domain/complaints';

function fmt(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = minutes / 60;
  return Number.isInteger(h) ? `${h} h` : `${minutes} min`;
}

export function slaTableMarkdown(policy: SlaPolicy = DEFAULT_SLA_POLICY): string {
  const ps = ['P1', 'P2', 'P3', 'P4'] as const;
  const lines = [
    `| clock | ${ps.map((p) => `${p} (${policy.priorities[p].calendar === '24x7' ? '24×7' : 'business hours'})`).join(' | ')} |`,
    `|---|${ps.map(() => '---').join('|')}|`,
    ...CLOCKS.map((c) => `| ${CLOCK_LABELS[c]} | ${ps.map((p) => fmt(policy.priorities[p].targetsMinutes[c])).join(' | ')} |`),
    '',
    `Warning at ${policy.warningAt * 100}% of the target. Escalation ladder: ` +
      policy.ladder.map((l) => `level ${l.level} at ${l.atFraction * 100}% (${l.actions.join(', ')})`).join('; ') +
      '.',
    `Business hours: ${policy.calendar.open}-${policy.calendar.close}, ISO weekdays ${policy.calendar.workdays.join(',')}, UTC${policy.calendar.utcOffsetMinutes >= 0 ? '+' : '-'}${Math.abs(policy.calendar.utcOffsetMinutes / 60)}, ` +
      `${policy.calendar.holidays.length} public holidays and ${policy.calendar.makeupWorkdays.length} make-up workdays (2026-2027).`,
    '',
    'Complaints (graded response standard, same warning and ladder; level 2 raises the grade instead of the priority):',
    '',
    '| grade | acknowledge by | resolve by | calendar |',
    '|---|---|---|---|',
    ...COMPLAINT_GRADES.map((g) => {
      const c = complaintPolicyOf(policy)[g];
      return `| ${g} | ${fmt(c.acknowledgeMinutes)} | ${fmt(c.resolveMinutes)} | ${c.calendar === '24x7' ? '24×7' : 'business hours'} |`;
    }),
  ];
  return lines.join('\n');
}

if (require.main === module) console.log(slaTableMarkdown());
