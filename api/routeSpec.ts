// A route is declared once: the same spec mounts the Express handler (with role check
// and zod validation) and produces its OpenAPI operation.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor, Role } from '../domain';

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  actor: Actor;
  params: P;
  query: Q;
  body: B;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Undefined means public (no API key). */
  roles?: readonly Role[];
  /** A public route that shows more to these roles; a key is optional there, but a wrong one is 401. */
  detailRoles?: readonly Role[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  headers?: z.ZodObject;
  /** `csv`: the operation also answers text/csv (?format=csv or Accept: text/csv). */
  responses: Record<number, { description: string; schema?: z.ZodType; csv?: boolean }>;
  handler(ctx: RouteContext<P, Q, B>): Promise<void>;
}

/** Keeps P/Q/B inferred per route while collecting specs in one array. */
export function defineRoute<P = unknown, Q = unknown, B = unknown>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec;
}
