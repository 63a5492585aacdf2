// The names and texts the OpenAPI document takes from the zod schemas: component names
// are what generated clients call their types, so they are listed here by hand; every
// description and example the schemas carry must say something.
import { z } from 'zod';
import * as caseSchemas from '../../domain/schemas';
import * as complaintSchemas from '../../domain/complaintSchemas';
import * as slaSchemas from '../../domain/slaPolicySchema';

const ALL = { ...caseSchemas, ...complaintSchemas, ...slaSchemas } as Record<string, unknown>;
const schemas = Object.entries(ALL).filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType);

// prettier-ignore
const COMPONENTS: Record<string, string> = {
  AcceptOfferBodySchema: 'AcceptOfferBody', AppointmentBodySchema: 'AppointmentBody', AssignBodySchema: 'AssignBody',
  CancelBodySchema: 'CancelBody', CaseIntakeSchema: 'CaseIntake', CaseListQuerySchema: 'CaseListQuery', ChannelSchema: 'Channel',
  CheckInBodySchema: 'CheckInBody', CheckOutBodySchema: 'CheckOutBody', ConfirmBodySchema: 'ConfirmBody', ContactBodySchema: 'ContactBody',
  CustomerSchema: 'Customer', DeclineOfferBodySchema: 'DeclineOfferBody', DiagnoseBodySchema: 'DiagnoseBody', EngineerInputSchema: 'EngineerInput',
  EngineerListQuerySchema: 'EngineerListQuery', EngineerPatchSchema: 'EngineerPatch', ErrorSchema: 'Error', NoShowBodySchema: 'NoShowBody',
  PartLineSchema: 'PartLine', PriorityChangeBodySchema: 'PriorityChangeBody', PrioritySchema: 'Priority', ProductSchema: 'Product', QuoteBodySchema: 'QuoteBody',
  QuoteDecisionBodySchema: 'QuoteDecisionBody', QuoteLineSchema: 'QuoteLine', RedispatchBodySchema: 'RedispatchBody', SkillSchema: 'Skill',
  StageSchema: 'Stage', TimeWindowSchema: 'TimeWindow', WorkingHoursSchema: 'WorkingHours',
  AcknowledgeBodySchema: 'ComplaintAcknowledgeBody', CallbackBodySchema: 'ComplaintCallbackBody', CloseBodySchema: 'ComplaintCloseBody',
  ComplaintCategorySchema: 'ComplaintCategory', ComplaintGradeSchema: 'ComplaintGrade', ComplaintListQuerySchema: 'ComplaintListQuery',
  ComplaintOpenSchema: 'ComplaintOpen', ComplaintStageSchema: 'ComplaintStage', ComplaintStatsQuerySchema: 'ComplaintStatsQuery',
  DecisionBodySchema: 'ComplaintDecisionBody', InvestigateBodySchema: 'ComplaintInvestigateBody', NoteBodySchema: 'ComplaintNoteBody',
  ProposeResolutionBodySchema: 'ComplaintProposeBody', ReassignBodySchema: 'ComplaintReassignBody', WithdrawBodySchema: 'ComplaintWithdrawBody',
  SlaPolicySchema: 'SlaPolicy',
};

test('every exported schema with a component name has the one in the table', () => {
  const named = Object.fromEntries(schemas.map(([name, s]) => [name, z.globalRegistry.get(s)?.id]).filter(([, id]) => id !== undefined));
  expect(named).toEqual(COMPONENTS);
});

test('no empty description or example anywhere in the schemas', () => {
  const empty: string[] = [];
  let descriptions = 0;
  // `properties` and `$defs` map names to schemas: a field called "description" is no keyword.
  const walk = (node: unknown, where: string, names = false): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (names) walk(v, `${where}.${k}`);
      else if (k === 'properties' || k === '$defs') walk(v, `${where}.${k}`, true);
      else if (k === 'description' || k === 'example') {
        if (k === 'description') descriptions++;
        if (typeof v !== 'string' || v.trim() === '') empty.push(`${where}.${k}`);
      } else walk(v, `${where}.${k}`);
    }
  };
  for (const [name, s] of schemas) walk(z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' }), name);
  expect(empty).toEqual([]);
  expect(descriptions).toBeGreaterThan(40);
});
