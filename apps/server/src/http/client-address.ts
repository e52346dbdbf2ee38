import { BlockList, isIP, isIPv4 } from "node:net";

/** The peers whose X-Forwarded-For is believed (PAYREQ_TRUSTED_PROXIES). */
export type TrustedProxies = { has(address: string): boolean };

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** An IPv4-mapped IPv6 address (what a dual-stack listener reports) as IPv4; any other address as it is. */
const unmapped = (address: string) => MAPPED_IPV4.exec(address)?.[1] ?? address;

/**
 * `10.0.0.0/8, 192.168.1.5, fd00::/8`: addresses and CIDR blocks, comma-separated; an empty text trusts nobody.
 * Answers the entries, or what is wrong with the first bad one.
 */
export const parseTrustedProxies = (text: string): { entries: string[] } | { error: string } => {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const badPrefix =
      prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits || extra !== undefined);
    if (family === 0 || badPrefix)
      return { error: `must be IP addresses or CIDR blocks, comma-separated; not ${JSON.stringify(entry)}` };
  }
  return { entries };
};

export const trustProxies = (entries: readonly string[]): TrustedProxies => {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIPv4(address) ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    has(address) {
      const plain = unmapped(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
    },
  };
};

/** One X-Forwarded-For element as an address: `[v6]:port` and `v4:port` lose the port; junk is undefined. */
const hopAddress = (hop: string): string | undefined => {
  const text = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text)?.[1];
  const candidate = bracketed ?? (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text) ? text.split(":")[0] : text);
  return candidate && isIP(candidate) !== 0 ? unmapped(candidate) : undefined;
};

/**
 * The caller's address: the socket's peer, unless that peer is a trusted proxy; then the rightmost address in
 * X-Forwarded-For that is not itself a trusted proxy (each proxy appends the address it was called from, so
 * only what trusted proxies wrote is believed, and a client cannot choose its own address by sending the header).
 * An element that is not an address ends the walk at the last trusted hop, never at a name the client chose.
 */
export const resolveClientAddress = (
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies | undefined,
): string | undefined => {
  if (!peer || !trusted || !forwardedFor || !trusted.has(peer)) return peer;
  let client = unmapped(peer);
  for (const hop of forwardedFor.split(",").reverse()) {
    const address = hopAddress(hop);
    if (!address) break;
    client = address;
    if (!trusted.has(address)) break;
  }
  return client;
};
