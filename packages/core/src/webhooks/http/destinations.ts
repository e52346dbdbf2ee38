import { BlockList, isIP } from "node:net";

/**
 * Addresses a webhook may never reach unless private destinations are allowed: loopback, private, link-local
 * (cloud metadata at 169.254.169.254 among them), carrier-grade NAT, benchmarking, multicast, reserved, and their
 * IPv6 counterparts (unique-local, link-local, IPv4-mapped and NAT64 forms of the same, documentation).
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
  ["100::", 64],
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv6");
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
const unmapped = (address: string) => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;

/** Whether a resolved address is one a webhook may not reach (see BLOCKED). */
export const isBlockedAddress = (address: string): boolean => {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return true;
  return BLOCKED.check(plain, family === 4 ? "ipv4" : "ipv6");
};

/** Why a URL is no webhook destination by its form alone (scheme, credentials, an address host), or undefined. */
export const urlRefusal = (text: string, allowPrivate: boolean): string | undefined => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "url must be an absolute URL";
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    return allowPrivate ? "url must be http:// or https://" : "url must be https://";
  }
  if (url.username || url.password) return "url must not carry credentials";
  if (url.hash) return "url must not carry a #fragment";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) !== 0 && isBlockedAddress(host)) {
    return `url names a ${describe(host)} address`;
  }
  return undefined;
};

export const describe = (address: string) => {
  const plain = unmapped(address);
  if (/^127\.|^::1$/.test(plain)) return "loopback";
  if (/^169\.254\.|^fe80:/i.test(plain)) return "link-local (metadata)";
  return "private or reserved";
};
