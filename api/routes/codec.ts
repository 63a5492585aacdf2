// The Temporal codec server (remote data encoder): POST /codec/decode and /codec/encode in
// Temporal's codec-server JSON protocol, `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
// The Temporal Web UI's "Data Encoder" setting (or `--ui-codec-endpoint`) points here so
// ops can read encrypted cases; only ops and admin keys may (the UI passes the key as
// `Authorization: Bearer`). Browser calls come from the UI's origin: CORS is in
// api/codecCors.ts.
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Role } from '../../domain';
import { ErrorSchema } from '../../domain/schemas';
import { PayloadDecryptError } from '../../shared/payloadCodec';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

/** Reading a case's payloads in clear is an operations act. */
export const CODEC_ROLES: readonly Role[] = ['ops', 'admin'];

const base64 = z.base64().max(8 * 1024 * 1024);
// Items are not strict: the protocol is protobuf's JSON form, which may grow fields
// (a UI or CLI of a later release); unknown ones are dropped, never echoed.
const PayloadJson = z
  .object({ metadata: z.record(z.string().min(1).max(256), base64).optional(), data: base64.optional() })
  .meta({ id: 'CodecPayload', description: 'A Temporal Payload in protobuf JSON form: metadata values and data in base64' });
// No payloads is `{}` in protobuf JSON (the temporal CLI sends that): an empty list.
const Payloads = z.strictObject({ payloads: z.array(PayloadJson).max(1000).default([]) }).meta({ id: 'CodecPayloads' });
type PayloadsJson = z.output<typeof Payloads>;

function fromJson(p: PayloadsJson['payloads'][number]): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v, 'base64');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}

function toJson(p: Payload): PayloadsJson['payloads'][number] {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? []).toString('base64') };
}

export function codecRoutes(deps: { payloadCodec: PayloadCodec }): RouteSpec[] {
  const route = (op: 'decode' | 'encode', summary: string) =>
    defineRoute<unknown, unknown, PayloadsJson>({
      method: 'post',
      path: `/codec/${op}`,
      tag: 'Operations',
      summary,
      description:
        "Temporal's codec-server protocol, for the Temporal Web UI's Data Encoder (codec endpoint: this API's /codec) and `temporal --codec-endpoint`. Payloads that are not encrypted pass through decode unchanged.",
      roles: CODEC_ROLES,
      body: Payloads,
      responses: {
        200: { description: `The payloads, ${op}d, in the same order`, schema: Payloads },
        422: { description: 'A payload cannot be decrypted: unknown key id, or tampered ciphertext (undecodable_payload)', schema: ErrorSchema },
      },
      async handler({ res, body }) {
        try {
          const out = await deps.payloadCodec[op](body.payloads.map(fromJson));
          res.set('Cache-Control', 'no-store').json({ payloads: out.map(toJson) });
        } catch (err) {
          if (err instanceof PayloadDecryptError) throw new HttpError(422, 'undecodable_payload', err.message);
          throw err;
        }
      },
    });
  return [
    route('decode', 'Decrypt Temporal payloads (codec server, for the Temporal UI Data Encoder)'),
    route('encode', 'Encrypt Temporal payloads with the current payload key (codec server)'),
  ];
}
