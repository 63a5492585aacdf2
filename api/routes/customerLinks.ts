// Staff's side of customer links: issue one for a case or a complaint (it replaces the
// earlier links of that subject unless keepOthers=true), and revoke all of a subject's
// links (audited). The customer's side is routes/customer.ts and customerComplaints.ts.
import { z } from 'zod';
import { ACTION_ROLES, type Role } from '../../domain';
import { ComplaintNoSchema } from '../../domain/complaintSchemas';
import { CaseNoSchema, ErrorSchema } from '../../domain/schemas';
import type { Database } from '../../db/client';
import { findCase } from '../../db/queries/cases';
import { findComplaint } from '../../db/queries/complaints';
import { issueCustomerLink, revokeSubjectLinks } from '../../db/queries/customerLinks';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

const CustomerLinkSchema = z
  .object({
    url: z.string(),
    token: z.string(),
    expiresAt: z.string(),
    linkId: z.string().meta({ description: 'The link id inside the token' }),
  })
  .meta({ id: 'CustomerLink' });
const RevokedSchema = z.object({ revoked: z.int().meta({ description: 'How many live links were revoked' }) }).meta({ id: 'CustomerLinksRevoked' });
const IssueQuery = z
  .strictObject({
    keepOthers: z.enum(['true', 'false']).default('false').meta({ description: "true: the subject's earlier links stay valid" }),
  })
  .meta({ id: 'IssueLinkQuery' });

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};

type Subject = { kind: 'case' | 'complaint'; plural: 'cases' | 'complaints'; param: 'caseNo' | 'complaintNo' };
const SUBJECTS: ReadonlyArray<Subject & { schema: z.ZodType<string>; issueRoles: readonly Role[]; revokeRoles: readonly Role[] }> = [
  { kind: 'case', plural: 'cases', param: 'caseNo', schema: CaseNoSchema, issueRoles: ACTION_ROLES.customerLink, revokeRoles: ACTION_ROLES.customerLinkRevoke },
  {
    kind: 'complaint',
    plural: 'complaints',
    param: 'complaintNo',
    schema: ComplaintNoSchema,
    issueRoles: ACTION_ROLES.complaintFollowUp,
    revokeRoles: ACTION_ROLES.complaintFollowUp,
  },
];

export function customerLinkRoutes(deps: { db: Database; customerLinks: CustomerLinkConfig }): RouteSpec[] {
  const { db } = deps;

  async function existing(kind: Subject['kind'], no: string): Promise<void> {
    const found = kind === 'case' ? await findCase(db, no) : await findComplaint(db, no);
    if (!found) throw new HttpError(404, `${kind}_not_found`, `no ${kind} ${no}`);
  }

  return SUBJECTS.flatMap((s) => {
    const Params = z.strictObject({ [s.param]: s.schema });
    const subjectNo = (params: Record<string, string>) => params[s.param]!;
    const notFound = { 404: { description: `Unknown ${s.kind}`, schema: ErrorSchema } };
    return [
      defineRoute<Record<string, string>, z.output<typeof IssueQuery>, unknown>({
        method: 'post',
        path: `/${s.plural}/:${s.param}/customer-link`,
        tag: 'Customer',
        summary:
          s.kind === 'case'
            ? 'Issue a signed, expiring link for the customer (progress, quote approval, confirmation); earlier links of the case stop working'
            : "Issue the customer's signed, expiring link to the complaint (e.g. the SMS was lost); earlier links of the complaint stop working",
        roles: s.issueRoles,
        params: Params,
        query: IssueQuery,
        responses: { 201: { description: 'The link', schema: CustomerLinkSchema }, ...errors, ...notFound },
        async handler({ res, actor, params, query }) {
          const no = subjectNo(params);
          await existing(s.kind, no);
          const link = await issueCustomerLink(db, deps.customerLinks, { subjectNo: no, issuedBy: actor, keepOthers: query.keepOthers === 'true' });
          res.status(201).json({ url: link.url, token: link.token, expiresAt: link.expiresAt.toISOString(), linkId: link.linkId });
        },
      }),
      defineRoute<Record<string, string>, unknown, unknown>({
        method: 'delete',
        path: `/${s.plural}/:${s.param}/customer-links`,
        tag: 'Customer',
        summary: `Revoke every link of the ${s.kind} at once (audited); the customer then needs a new one`,
        roles: s.revokeRoles,
        params: Params,
        responses: { 200: { description: 'Revoked', schema: RevokedSchema }, ...errors, ...notFound },
        async handler({ res, actor, params }) {
          const no = subjectNo(params);
          await existing(s.kind, no);
          res.json(await revokeSubjectLinks(db, no, actor));
        },
      }),
    ];
  });
}
