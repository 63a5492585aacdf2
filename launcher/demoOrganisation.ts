// The demo organisation: per Shanghai service region an agent, a dispatcher, a
// supervisor and a manager; a night supervisor and night manager for all regions; an
// ops lead (the global fallback) and an admin; the 36 demo engineers, each linked to
// their person. The duty roster covers every hour of every day (day 08-20 by the
// region's own people, night 20-08 by the night desk), so the README walk-through and
// its escalations work whatever the day and hour. Deterministic and idempotent.
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { updateEngineer, upsertEngineer } from '../db/queries/engineers';
import { setFallback, upsertPerson } from '../db/queries/people';
import { dutyShifts } from '../db/schema';
import { ANY_REGION } from '../domain/duty';
import { EngineerInputSchema } from '../domain/schemas';
import { PersonInputSchema, type PersonInput, type ShiftInput } from '../domain/staffSchemas';
import { DEMO_REGIONS, demoRoster } from './demoRoster';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const DAY = { days: EVERY_DAY, start: '08:00', end: '20:00' };
const NIGHT = { days: EVERY_DAY, start: '20:00', end: '08:00' };
const MAIL = 'shanghai-service.example.com';

const NAMES: Record<string, Record<'agent' | 'dispatcher' | 'supervisor' | 'manager', string>> = {
  'SH-PD': { agent: '陈静', dispatcher: '林峰', supervisor: '王芳', manager: '赵刚' },
  'SH-XH': { agent: '周敏', dispatcher: '郑凯', supervisor: '孙丽', manager: '钱伟' },
  'SH-MH': { agent: '何婷', dispatcher: '高翔', supervisor: '马琳', manager: '罗斌' },
};

const ROLE_CODE: Record<string, string> = { agent: 'AGENT', dispatcher: 'DISP', supervisor: 'SUP', manager: 'MGR' };
export const demoPersonId = (region: string, role: string) => `P-${region.slice(3)}-${ROLE_CODE[role]}`;
export const DEMO_OPS = 'P-OPS';
export const DEMO_ADMIN = 'P-ADMIN';

function phone(n: number): string {
  return `+86 136 ${String(2000 + n)} ${String(7000 + n)}`;
}

export function demoPeople(): PersonInput[] {
  const out: Array<Omit<PersonInput, 'active' | 'language'> & Partial<PersonInput>> = [];
  DEMO_REGIONS.forEach((r, i) => {
    const names = NAMES[r.code]!;
    (['agent', 'dispatcher', 'supervisor', 'manager'] as const).forEach((role, j) => {
      const id = demoPersonId(r.code, role);
      out.push({
        id,
        name: names[role],
        roles: [role],
        regions: [r.code],
        phone: phone(i * 10 + j),
        email: `${id.toLowerCase()}@${MAIL}`,
        // Supervisors read their mail at the desk; managers are reached on the phone.
        preferredChannel: role === 'manager' ? 'sms' : 'email',
      });
    });
  });
  const all = DEMO_REGIONS.map((r) => r.code);
  out.push(
    {
      id: 'P-NIGHT-SUP',
      name: '夜班主管 吴磊',
      roles: ['supervisor'],
      regions: all,
      phone: phone(90),
      email: `night.supervisor@${MAIL}`,
      preferredChannel: 'email',
    },
    { id: 'P-NIGHT-MGR', name: '夜班经理 冯洁', roles: ['manager'], regions: all, phone: phone(91), email: `night.manager@${MAIL}`, preferredChannel: 'sms' },
    {
      id: DEMO_OPS,
      name: '运营主管 蒋涛',
      roles: ['ops', 'supervisor', 'manager'],
      regions: all,
      phone: phone(92),
      email: `ops@${MAIL}`,
      preferredChannel: 'email',
    },
    { id: DEMO_ADMIN, name: '系统管理员 韩雪', roles: ['admin'], regions: [], phone: phone(93), email: `admin@${MAIL}`, preferredChannel: 'email' },
  );
  for (const e of demoRoster()) {
    out.push({ id: `P-${e.id}`, name: e.name, roles: ['engineer'], regions: e.regions, phone: e.phone, preferredChannel: 'sms' });
  }
  return out.map((p) => PersonInputSchema.parse(p));
}

/** Day by the region's own people, night by the night desk: every hour of every day. */
export function demoShifts(): ShiftInput[] {
  const out: ShiftInput[] = [];
  for (const { code } of DEMO_REGIONS) {
    for (const role of ['agent', 'dispatcher', 'supervisor', 'manager'] as const) out.push({ personId: demoPersonId(code, role), role, region: code, ...DAY });
    out.push({ personId: 'P-NIGHT-SUP', role: 'supervisor', region: code, ...NIGHT });
    out.push({ personId: 'P-NIGHT-MGR', role: 'manager', region: code, ...NIGHT });
  }
  return out;
}

/** Loads the demo organisation (replacing the shifts of the demo people). Returns counts. */
export async function seedDemoOrganisation(db: Database): Promise<{ people: number; engineers: number; shifts: number }> {
  const people = demoPeople();
  for (const p of people) await upsertPerson(db, p);
  const roster = demoRoster().map((e) => EngineerInputSchema.parse(e));
  for (const e of roster) {
    await upsertEngineer(db, e);
    await updateEngineer(db, e.id, { personId: `P-${e.id}` });
  }
  const shifts = demoShifts();
  await db.transaction(async (tx) => {
    for (const id of new Set(shifts.map((s) => s.personId))) await tx.delete(dutyShifts).where(eq(dutyShifts.personId, id));
    await tx.insert(dutyShifts).values(shifts);
  });
  for (const { code } of DEMO_REGIONS) {
    await setFallback(db, { region: code, role: 'supervisor', personId: demoPersonId(code, 'supervisor') });
    await setFallback(db, { region: code, role: 'manager', personId: demoPersonId(code, 'manager') });
  }
  await setFallback(db, { region: ANY_REGION, role: 'supervisor', personId: DEMO_OPS });
  await setFallback(db, { region: ANY_REGION, role: 'manager', personId: DEMO_OPS });
  return { people: people.length, engineers: roster.length, shifts: shifts.length };
}
