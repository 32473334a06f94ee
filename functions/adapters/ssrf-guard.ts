import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { FeedFetchError } from '../core/errors';

/**
 * Server-side request forgery guard for fetching article pages named by third-party feeds.
 *
 * Only http and https URLs are fetched, and only from public addresses: loopback, private
 * (RFC 1918, CGNAT), link-local (including the cloud metadata address 169.254.169.254),
 * unique-local, multicast, documentation and other reserved ranges are refused, for IPv4, IPv6
 * and IPv4 embedded in IPv6 (::ffff:10.0.0.1, 64:ff9b::a00:1). `allowLoopback` (local runs
 * only: the demo serves its pages from 127.0.0.1) lets loopback through and nothing else.
 *
 * The check happens when the connection is made, not only before: the agents below resolve
 * the host name themselves and refuse a blocked address at connect time, for every redirect
 * hop, so a DNS answer that changes between a check and the connection (DNS rebinding) or a
 * redirect to an internal address gets nowhere. Literal IP hosts, which Node connects to
 * without a lookup, are checked in `createConnection`.
 */

export interface SsrfPolicy {
  /** Allow 127.0.0.0/8 and ::1 (local runs, where the demo serves pages from 127.0.0.1). */
  readonly allowLoopback: boolean;
}

export type AddressKind =
  | 'public' | 'loopback' | 'private' | 'link-local' | 'unique-local' | 'unspecified' | 'multicast' | 'reserved';

const V4: ReadonlyArray<readonly [string, number, AddressKind]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6: ReadonlyArray<readonly [string, number, AddressKind]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // IPv4-compatible (deprecated)
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['2002::', 16, 'reserved'], // 6to4: embeds an IPv4 address we would have to trust
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // site-local (deprecated)
  ['ff00::', 8, 'multicast'],
];

function lists(rules: typeof V4, type: 'ipv4' | 'ipv6'): Map<AddressKind, net.BlockList> {
  const out = new Map<AddressKind, net.BlockList>();
  for (const [network, prefix, kind] of rules) {
    const list = out.get(kind) ?? new net.BlockList();
    list.addSubnet(network, prefix, type);
    out.set(kind, list);
  }
  return out;
}

const V4_LISTS = lists(V4, 'ipv4');
const V6_LISTS = lists(V6, 'ipv6');

/** Expand an IPv6 address into its eight 16-bit groups. */
function groups6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${(((a ?? 0) << 8) | (b ?? 0)).toString(16)}:${(((c ?? 0) << 8) | (d ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...t].map((g) => parseInt(g, 16) || 0);
}

/** The IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::/96) address. */
function embeddedV4(address: string): string | null {
  const g = groups6(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return null;
  const hi = g[6] ?? 0;
  const lo = g[7] ?? 0;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** What kind of address this is; anything that is not an IP address is "reserved". */
export function addressKind(address: string): AddressKind {
  const version = net.isIP(address);
  if (version === 4) {
    for (const [kind, list] of V4_LISTS) if (list.check(address, 'ipv4')) return kind;
    return 'public';
  }
  if (version === 6) {
    const v4 = embeddedV4(address);
    if (v4) return addressKind(v4);
    for (const [kind, list] of V6_LISTS) if (list.check(address, 'ipv6')) return kind;
    return 'public';
  }
  return 'reserved';
}

/** Null when the policy allows connecting to the address, else the reason it does not. */
export function refusal(address: string, policy: SsrfPolicy): string | null {
  const kind = addressKind(address);
  if (kind === 'public' || (kind === 'loopback' && policy.allowLoopback)) return null;
  return `${address} is a ${kind} address`;
}

export class SsrfRefusedError extends Error {
  readonly code = 'ERR_SSRF_REFUSED';
  constructor(readonly host: string, reason: string) {
    super(`refused to connect to ${host}: ${reason}`);
    this.name = 'SsrfRefusedError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for net/tls connections that resolves every address of the host and refuses the
 * connection when any of them is not allowed (a mixed answer is a rebinding attempt).
 */
export function guardedLookup(policy: SsrfPolicy, resolve: typeof dns.lookup = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => {
      if (err) return callback(err, []);
      const list = addresses;
      for (const a of list) {
        const reason = refusal(a.address, policy);
        if (reason) return callback(new SsrfRefusedError(hostname, reason), []);
      }
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      return callback(null, first.address, first.family);
    });
  };
}

type ConnectArgs = Parameters<http.Agent['createConnection']>;

function connectGuarded(
  policy: SsrfPolicy,
  lookup: LookupFunction,
  options: ConnectArgs[0],
  callback: ConnectArgs[1],
  connect: (options: ConnectArgs[0], callback: ConnectArgs[1]) => Duplex | null | undefined,
): Duplex | null | undefined {
  const host = (options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const reason = refusal(host, policy);
    if (reason) {
      callback?.(new SsrfRefusedError(host, reason), undefined as unknown as Duplex);
      return undefined;
    }
  }
  return connect({ ...options, lookup } as ConnectArgs[0], callback);
}

export interface GuardedAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** HTTP and HTTPS agents whose every connection goes through the guard. */
export function guardedAgents(policy: SsrfPolicy, resolve?: typeof dns.lookup): GuardedAgents {
  const lookup = guardedLookup(policy, resolve);
  class GuardedHttpAgent extends http.Agent {
    override createConnection(options: ConnectArgs[0], callback?: ConnectArgs[1]): Duplex | null | undefined {
      return connectGuarded(policy, lookup, options, callback, (o, cb) => super.createConnection(o, cb));
    }
  }
  class GuardedHttpsAgent extends https.Agent {
    override createConnection(options: ConnectArgs[0], callback?: ConnectArgs[1]): Duplex | null | undefined {
      return connectGuarded(policy, lookup, options, callback, (o, cb) => super.createConnection(o, cb));
    }
  }
  return { http: new GuardedHttpAgent(), https: new GuardedHttpsAgent() };
}

/**
 * Check a URL before fetching it: http(s) only, no credentials, and a literal IP host must be
 * allowed. Host names are checked at connect time by the agents.
 */
export function assertFetchableUrl(url: string, policy: SsrfPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new FeedFetchError('bad_url', `invalid URL "${url}"`, { url, value: url }, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FeedFetchError('bad_url', `refused "${url}": only http and https are fetched`, { url, value: parsed.protocol });
  }
  if (parsed.username || parsed.password) {
    throw new FeedFetchError('bad_url', `refused "${url}": credentials in the URL`, { url, value: url });
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const reason = refusal(host, policy);
    if (reason) throw new FeedFetchError('bad_url', `refused "${url}": ${reason}`, { url, value: host });
  }
  return parsed;
}
