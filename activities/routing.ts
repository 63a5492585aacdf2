// Escalation routing: who the roster names for each role in a region at the instant an
// escalation fires, with the address of their preferred channel. Read here, at firing
// time (an activity, so the workflow's replay sees the recorded answer).
import type { Database } from '../db/client';
import { findEngineer } from '../db/queries/engineers';
import { findPerson, loadRoster, type PersonRow } from '../db/queries/people';
import { utcOffsetMinutes } from '../shared/timeZone';
import { whoIsOnDuty, type RoutedPerson, type Routing } from '../domain/duty';

/** The preferred channel if its address is known, else the other one. */
function reach(p: PersonRow): { channel: 'sms' | 'email'; address: string } | undefined {
  const sms = p.phone ? { channel: 'sms' as const, address: p.phone } : undefined;
  const email = p.email ? { channel: 'email' as const, address: p.email } : undefined;
  return p.preferredChannel === 'sms' ? (sms ?? email) : (email ?? sms);
}

export async function routeToDuty(db: Database, timeZone: string, args: { roles: string[]; region?: string; at: string }): Promise<Routing[]> {
  const at = new Date(args.at);
  const { roster, people } = await loadRoster(db, args.roles);
  const offset = utcOffsetMinutes(timeZone, at);
  return args.roles.map((role): Routing => {
    const answer = whoIsOnDuty(roster, { role, region: args.region, at: at.getTime(), utcOffsetMinutes: offset });
    const person = answer.via === 'none' ? undefined : people.find((p) => p.id === answer.personId);
    const contact = person && reach(person);
    if (answer.via === 'none' || !person || !contact) return { role, via: 'none' };
    return { role, personId: person.id, name: person.name, via: answer.via, ...contact, language: person.language };
  });
}

/** A named person (a complaint's chosen owner) as a message reaches them; null if unknown, inactive or unreachable. */
export async function personContact(db: Database, args: { personId: string; role: string }): Promise<RoutedPerson | null> {
  const person = await findPerson(db, args.personId);
  const contact = person?.active ? reach(person) : undefined;
  if (!person || !contact) return null;
  return { role: args.role, personId: person.id, name: person.name, via: 'named', ...contact, language: person.language };
}

/**
 * How the case's engineer is reached (a reschedule request): their person's preferred
 * channel (people.language), the engineer's own phone preferred for SMS as the other
 * engineer messages use it; without a linked person, SMS to that phone in zh-CN. `personId`
 * is the person's id (`linkedPerson`), else the engineer's. null when there is no address on file.
 */
export async function engineerContact(db: Database, args: { engineerId: string }): Promise<RoutedPerson | null> {
  const engineer = await findEngineer(db, args.engineerId);
  if (!engineer) return null;
  const found = engineer.personId ? await findPerson(db, engineer.personId) : undefined;
  const person = found?.active ? found : undefined;
  const contact = person
    ? reach({ ...person, phone: engineer.phone ?? person.phone })
    : engineer.phone
      ? { channel: 'sms' as const, address: engineer.phone }
      : undefined;
  if (!contact) return null;
  return {
    role: 'engineer',
    personId: person?.id ?? engineer.id,
    ...(person ? { linkedPerson: true } : {}),
    name: engineer.name,
    via: 'named',
    ...contact,
    language: person?.language ?? 'zh-CN',
  };
}
