// The API keys the bench's stack is started with (API_KEYS): fresh per run, so the bench
// never needs, nor prints, anyone's real keys.
import { randomBytes } from 'node:crypto';

const key = (who: string) => `bench-${who}-${randomBytes(12).toString('hex')}`;

export const KEYS = {
  agent: key('agent'),
  dispatcher: key('dispatcher'),
  ops: key('ops'),
  admin: key('admin'),
  engineerE001: key('e001'),
};

export const API_KEYS_SPEC = [
  `agent=${KEYS.agent}`,
  `dispatcher=${KEYS.dispatcher}`,
  `ops=${KEYS.ops}`,
  `admin=${KEYS.admin}`,
  `engineer:E001=${KEYS.engineerE001}`,
].join(',');
