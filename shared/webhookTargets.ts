// Where webhooks may be sent (SSRF guard). A subscriber URL names a host the worker will
// POST to from inside the network: loopback, link-local (the cloud metadata service at
// 169.254.169.254), private and other non-public addresses are refused unless
// WEBHOOK_ALLOWED_HOSTS names them. Checked when a subscription is made (API) and again
// before every POST, after DNS resolution (worker), since a name can change what it
// resolves to after it was accepted; the POST then connects only to the addresses checked
// (pinnedLookup), so a DNS server cannot answer the check and the connection differently.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const EMBEDDING = 'IPv4-embedding IPv6';
const NON_PUBLIC: Array<[label: string, ranges: Array<[string, number]>]> = [
  [
    'unspecified',
    [
      ['0.0.0.0', 8],
      ['::', 128],
    ],
  ],
  [
    'loopback',
    [
      ['127.0.0.0', 8],
      ['::1', 128],
    ],
  ],
  [
    'link-local',
    [
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ],
  ],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['fc00::', 7],
    ],
  ],
  ['shared (CGNAT)', [['100.64.0.0', 10]]],
  [
    'multicast',
    [
      ['224.0.0.0', 4],
      ['ff00::', 8],
    ],
  ],
  // Documentation, benchmarking, protocol assignments, reserved, broadcast.
  [
    'reserved',
    [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
      ['2001:db8::', 32],
    ],
  ],
  // IPv6 spellings of IPv4 addresses (mapped, NAT64, 6to4) could hide any of the above.
  [
    EMBEDDING,
    [
      ['::ffff:0:0', 96],
      ['64:ff9b::', 96],
      ['2002::', 16],
    ],
  ],
];

const RANGES = NON_PUBLIC.map(([label, ranges]) => {
  const list = new BlockList();
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return { label, list };
});

/** What an address is, when it is not public (undefined: public). */
export function nonPublicKind(address: string): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  // BlockList matches IPv4 addresses against IPv6 rules as if mapped: the embedding
  // ranges are for IPv6 addresses only (a mapped private address matches its own range first).
  return RANGES.find((r) => (family === 'ipv6' || r.label !== EMBEDDING) && r.list.check(address, family))?.label;
}

/** One WEBHOOK_ALLOWED_HOSTS entry: a host name or address, or a CIDR range; optionally one port. */
export type AllowedTarget = { host: string; port?: number } | { cidr: BlockList; text: string; port?: number };

/** Parses `crm.internal,127.0.0.1:41080,10.20.0.0/16,fd00::/8,[fd00::1]:8443`; throws on a malformed entry. */
export function parseAllowedTargets(spec: string): AllowedTarget[] {
  return spec
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map(parseEntry);
}

function parseEntry(entry: string): AllowedTarget {
  const bad = (what: string) => new Error(`WEBHOOK_ALLOWED_HOSTS: not ${what}: ${entry}`);
  const toPort = (p: string | undefined) => {
    if (p === undefined) return undefined;
    const n = Number(p);
    if (!/^\d{1,5}$/.test(p) || n < 1 || n > 65535) throw bad('a port');
    return n;
  };
  const cidr = /^([^/]+)\/(\d{1,3})(?::(\d+))?$/.exec(entry);
  if (cidr) {
    const family = isIP(cidr[1]!);
    const prefix = Number(cidr[2]);
    if (!family || prefix > (family === 6 ? 128 : 32)) throw bad('a CIDR range');
    const list = new BlockList();
    list.addSubnet(cidr[1]!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    return { cidr: list, text: entry, port: toPort(cidr[3]) };
  }
  if (isIP(entry) === 6) return { host: entry };
  const hostPort = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d+))?$/.exec(entry);
  if (!hostPort || (hostPort[1] && isIP(hostPort[1]) !== 6)) throw bad('a host, host:port or CIDR range');
  return { host: (hostPort[1] ?? hostPort[2])!, port: toPort(hostPort[3]) };
}

/**
 * ok: `addresses` are what the host was checked as (an address literal, or what the name
 * resolved to; empty when it did not resolve): the only ones a POST may connect to.
 * Absent when WEBHOOK_ALLOWED_HOSTS names the host, which is trusted whatever it resolves to.
 */
export type TargetVerdict = { ok: true; addresses?: string[] } | { ok: false; reason: string };

export type Resolve = (host: string) => Promise<string[]>;

/** The system resolver (what fetch uses), all addresses; at most 3 s. */
export const systemResolve: Resolve = async (host) => {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS lookup timed out')), 3000).unref());
  const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
  return found.map((a) => a.address);
};

/**
 * Whether `url` may be POSTed to. A name the allow-list names passes as it is; otherwise
 * every address the name resolves to must be public or in an allowed range. A name that
 * does not resolve passes with no addresses (the POST then fails as a network error does);
 * `resolve` is asked again before every POST.
 */
export async function checkWebhookTarget(url: string, allowed: readonly AllowedTarget[], resolve: Resolve = systemResolve): Promise<TargetVerdict> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const portOk = (t: AllowedTarget) => t.port === undefined || t.port === port;
  if (allowed.some((t) => 'host' in t && t.host === host && portOk(t))) return { ok: true };
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: true, addresses: [] };
    }
  }
  for (const address of addresses) {
    const kind = nonPublicKind(address);
    if (!kind) continue;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const inAllowedRange = allowed.some((t) => portOk(t) && ('host' in t ? t.host === address : t.cidr.check(address, family)));
    if (!inAllowedRange) {
      const where = address === host ? `${host} is` : `${host} resolves to ${address},`;
      return { ok: false, reason: `${where} a ${kind} address; webhooks go to public addresses unless WEBHOOK_ALLOWED_HOSTS names it` };
    }
  }
  return { ok: true, addresses };
}

/**
 * A `lookup` for net/http that answers only `addresses` (in their order), so a connection
 * goes to what was checked instead of to a second DNS answer. None left: ENOTFOUND.
 */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    const f = options.family;
    const wanted = f === 4 || f === 'IPv4' ? 4 : f === 6 || f === 'IPv6' ? 6 : 0;
    const found = addresses.map((address) => ({ address, family: isIP(address) })).filter((a) => a.family && (!wanted || a.family === wanted));
    if (!found.length) {
      const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      callback(err, '', 0);
    } else if (options.all) callback(null, found);
    else callback(null, found[0]!.address, found[0]!.family);
  };
}
