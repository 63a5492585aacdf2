// The webhook SSRF guard (shared/webhookTargets.ts): which targets pass, with a resolver
// answering as a DNS server would (the e2e test uses the system's).
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { checkWebhookTarget, nonPublicKind, parseAllowedTargets, pinnedLookup, type Resolve } from '../../shared/webhookTargets';

const dns: Record<string, string[]> = {
  'crm.example.com': ['93.184.216.34'],
  'sneaky.example.com': ['93.184.216.35', '10.1.2.3'],
  'metadata.example.com': ['169.254.169.254'],
  'v6.example.com': ['2606:2800:220:1::1'],
};
const resolve: Resolve = async (host) => {
  const found = dns[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};
const check = (url: string, allow = '') => checkWebhookTarget(url, parseAllowedTargets(allow), resolve);

test.each([
  ['127.0.0.1', 'loopback'],
  ['127.8.9.10', 'loopback'],
  ['::1', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['fe80::1', 'link-local'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['fd12:3456::1', 'private'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  ['100.64.0.1', 'shared (CGNAT)'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:808:808', 'IPv4-embedding IPv6'],
  ['64:ff9b::a00:1', 'IPv4-embedding IPv6'],
  ['8.8.8.8', undefined],
  ['172.32.0.1', undefined],
  ['2606:2800:220:1::1', undefined],
])('%s is %s', (address, kind) => {
  expect(nonPublicKind(address)).toBe(kind);
});

describe('checkWebhookTarget', () => {
  test.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:8080/hook',
    'http://2130706433/hook', // 127.0.0.1 as one number: the URL parser normalises it
    'http://0x7f.1/hook',
    'http://10.0.0.5/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'https://metadata.example.com/hook',
    'https://sneaky.example.com/hook', // one private address among public ones is enough
  ])('refuses %s', async (url) => {
    const verdict = await check(url);
    expect(verdict.ok).toBe(false);
  });

  test('says what the address is and how to allow it', async () => {
    expect(await check('https://metadata.example.com/x')).toEqual({
      ok: false,
      reason: 'metadata.example.com resolves to 169.254.169.254, a link-local address; webhooks go to public addresses unless WEBHOOK_ALLOWED_HOSTS names it',
    });
    expect(await check('http://[::1]:9/x')).toMatchObject({ reason: expect.stringMatching(/^::1 is a loopback address;/) });
  });

  // The addresses are what the POST may connect to (pinned): exactly those checked.
  test.each([
    ['https://crm.example.com/hook', ['93.184.216.34']],
    ['https://v6.example.com/hook', ['2606:2800:220:1::1']],
    ['http://8.8.8.8/hook', ['8.8.8.8']],
    ['https://does-not-resolve.example/x', []],
  ])('accepts %s, to be connected to at %j', async (url, addresses) => {
    expect(await check(url)).toEqual({ ok: true, addresses });
  });

  test.each([
    ['http://127.0.0.1:41080/webhooks/local', '127.0.0.1:41080'],
    ['http://127.0.0.1:5000/x', '127.0.0.1'],
    ['http://10.20.3.4/x', '10.20.0.0/16'],
    ['http://[fd00::1]:8443/x', '[fd00::1]:8443'],
    ['http://[fd00::2]/x', 'fd00::/8'],
    ['https://metadata.example.com/x', 'metadata.example.com'],
    ['https://sneaky.example.com/x', 'crm.internal, 10.0.0.0/8'],
  ])('%s passes with WEBHOOK_ALLOWED_HOSTS=%s', async (url, allow) => {
    expect(await check(url, allow)).toMatchObject({ ok: true });
  });

  test('a host the allow-list names is trusted as it resolves (no addresses pinned); an allowed range is pinned', async () => {
    expect(await check('https://metadata.example.com/x', 'metadata.example.com')).toEqual({ ok: true });
    expect(await check('https://sneaky.example.com/x', '10.0.0.0/8')).toEqual({ ok: true, addresses: ['93.184.216.35', '10.1.2.3'] });
  });

  test.each([
    ['http://127.0.0.1:41081/x', '127.0.0.1:41080'],
    ['http://10.21.0.1/x', '10.20.0.0/16'],
    ['http://127.0.0.2/x', 'localhost'],
  ])('%s is still refused with WEBHOOK_ALLOWED_HOSTS=%s', async (url, allow) => {
    expect((await check(url, allow)).ok).toBe(false);
  });
});

describe('pinnedLookup', () => {
  const ask = (lookup: LookupFunction, options: Parameters<LookupFunction>[1]) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((done) =>
      lookup('hooks.example.test', options, (err, address, family) => done({ err, address, family })),
    );
  const lookup = pinnedLookup(['93.184.216.34', '2606:2800:220:1::1']);

  test('answers only the checked addresses, in order, whatever the name', async () => {
    expect(await ask(lookup, { all: true })).toEqual({
      err: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
    expect(await ask(lookup, {})).toMatchObject({ err: null, address: '93.184.216.34', family: 4 });
    expect(await ask(lookup, { family: 6 })).toMatchObject({ err: null, address: '2606:2800:220:1::1', family: 6 });
    expect(await ask(lookup, { family: 'IPv4', all: true })).toMatchObject({ address: [{ address: '93.184.216.34', family: 4 }] });
  });

  test('with nothing checked (the name did not resolve, or not in the family asked), ENOTFOUND instead of asking DNS', async () => {
    expect((await ask(pinnedLookup([]), { all: true })).err).toMatchObject({ code: 'ENOTFOUND', hostname: 'hooks.example.test' });
    expect((await ask(pinnedLookup(['93.184.216.34']), { family: 6 })).err).toMatchObject({ code: 'ENOTFOUND' });
  });
});

test.each(['10.0.0.0/33', 'host:0', 'host:70000', 'a b', '::1/200', '[host]:80', 'http://x'])('WEBHOOK_ALLOWED_HOSTS refuses %s', (spec) => {
  expect(() => parseAllowedTargets(spec)).toThrow(/WEBHOOK_ALLOWED_HOSTS: not/);
});
