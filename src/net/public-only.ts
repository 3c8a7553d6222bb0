import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The IPv4 address an IPv6 address carries and a connection may reach: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks) and
 * NAT64 with the well-known prefix (64:ff9b::a.b.c.d, RFC 6052), where a gateway connects to it.
 */
function carriedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  const zero = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  const mappedOrCompatible = zero(0, 5) && (p[5] === 0xffff || p[5] === 0);
  const nat64 = p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6);
  return mappedOrCompatible || nat64 ? (ipaddr.fromByteArray(ip.toByteArray().slice(12)) as ipaddr.IPv4) : undefined;
}

/**
 * Only addresses on the public internet: a URL a user hands us (a media_url, a webhook) must
 * not reach our own network (cloud metadata at 169.254.169.254, the database, localhost admin
 * ports). ipaddr.js classifies; anything but `unicast` (private, loopback, linkLocal,
 * carrierGradeNat, uniqueLocal, unspecified, multicast, broadcast, reserved, 6to4, teredo, …) is
 * refused. An IPv6 address carrying an IPv4 one is judged by the IPv4 address: ::127.0.0.1 is loopback.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') return ip.range() === 'unicast';
  const carried = carriedIPv4(ip as ipaddr.IPv6);
  // :: and ::1 carry 0.0.0.0 and 0.0.0.1, both refused as well.
  return (carried ?? ip).range() === 'unicast';
}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, '');

/** Whether `url` names a `host` or `host:port` of the allowlist (a sandbox, a test server, an internal CDN). */
export function isAllowedHost(url: URL, allowHosts: readonly string[]): boolean {
  const host = stripBrackets(url.hostname).toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e === host || e === `${host}:${port}` || e === `[${host}]:${port}` || e === `[${host}]`;
  });
}

/**
 * What can be said of a URL's host before any lookup: a literal non-public IP or a `localhost`
 * name (answered from /etc/hosts; the lookup would refuse it too, but this says so plainly).
 * Returns the reason, or undefined when only DNS can tell.
 */
export function literalRefusal(url: URL): string | undefined {
  const host = stripBrackets(url.hostname);
  if (isIP(host) && !isPublicAddress(host)) return `${host} is not a public address`;
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return `${host} is not a public address`;
  return undefined;
}

/**
 * A lookup that answers only with public addresses. Node connects to the address this returns,
 * so the address checked is the address used: a DNS answer cannot change between check and
 * connect (DNS rebinding). `onRefused` learns the address, for the error message.
 */
export function publicOnlyLookup(onRefused: (address: string) => void): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => !isPublicAddress(a.address));
      if (bad || !addresses.length) {
        onRefused(bad?.address ?? '(none)');
        const refusal = Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EPINION_PRIVATE' });
        return callback(refusal, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
