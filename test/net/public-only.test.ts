import { describe, expect, it } from 'vitest';
import { isPublicAddress, literalRefusal } from '../../src/net/index.js';

describe('which addresses count as public', () => {
  it.each([
    ['IPv4-compatible IPv6 of loopback', '::127.0.0.1'],
    ['the same, as the URL parser writes it', '::7f00:1'],
    ['IPv4-compatible IPv6 of cloud metadata', '::169.254.169.254'],
    ['the same, in hex', '::a9fe:a9fe'],
    ['IPv4-compatible IPv6 of a private address', '::10.0.0.1'],
    ['IPv4-mapped IPv6 of loopback', '::ffff:127.0.0.1'],
    ['the same, in hex', '::ffff:7f00:1'],
    ['NAT64 of a private address', '64:ff9b::10.0.0.1'],
    ['NAT64 of loopback', '64:ff9b::7f00:1'],
    ['NAT64 of cloud metadata', '64:ff9b::169.254.169.254'],
    ['local-use NAT64', '64:ff9b:1::a00:1'],
    ['IPv4-translated IPv6', '::ffff:0:7f00:1'],
    ['6to4 of loopback', '2002:7f00:1::'],
    ['IPv6 loopback', '::1'],
    ['the unspecified IPv6 address', '::'],
  ])('refuses %s (%s)', (_what, address) => {
    expect(isPublicAddress(address)).toBe(false);
    expect(literalRefusal(new URL(`http://[${address}]/`))).toMatch(/is not a public address/);
  });

  it.each([['8.8.8.8'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8'], ['64:ff9b::8.8.8.8']])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
