import { describe, expect, it } from "vitest";
import { parseTrustedProxies, resolveClientAddress, trustProxies } from "./client-address.ts";

describe("the client address behind trusted proxies", () => {
  const trusted = trustProxies(["10.0.0.0/8", "192.168.1.5", "fd00::/8"]);

  it.each([
    ["an untrusted peer's header is ignored", "203.0.113.9", "198.51.100.7", "203.0.113.9"],
    ["a trusted peer without the header is the client", "10.1.2.3", undefined, "10.1.2.3"],
    ["a trusted peer names the client", "10.1.2.3", "198.51.100.7", "198.51.100.7"],
    ["what the client wrote itself is skipped", "10.1.2.3", "6.6.6.6, 198.51.100.7", "198.51.100.7"],
    [
      "a chain of trusted proxies is walked",
      "10.1.2.3",
      "6.6.6.6, 198.51.100.7, 192.168.1.5, 10.9.9.9",
      "198.51.100.7",
    ],
    ["a mapped IPv4 peer is trusted as IPv4", "::ffff:10.1.2.3", "198.51.100.7", "198.51.100.7"],
    ["an IPv6 proxy and client", "fd00::1", "2001:db8::7", "2001:db8::7"],
    ["ports and brackets are dropped", "10.1.2.3", "[2001:db8::7]:443, 198.51.100.7:5000", "198.51.100.7"],
    ["ports and brackets, the IPv6 one", "10.1.2.3", "[2001:db8::7]:443", "2001:db8::7"],
    ["junk stops at the last trusted hop", "10.1.2.3", "198.51.100.7, not-an-address", "10.1.2.3"],
    ["junk behind a trusted hop stops there", "10.1.2.3", "junk, 192.168.1.5", "192.168.1.5"],
    ["only proxies: the leftmost", "10.1.2.3", "10.0.0.1, 10.0.0.2", "10.0.0.1"],
  ])("%s", (_name, peer, forwardedFor, client) => {
    expect(resolveClientAddress(peer, forwardedFor, trusted)).toBe(client);
  });

  it("believes nobody when no proxy is configured", () => {
    expect(resolveClientAddress("10.1.2.3", "198.51.100.7", undefined)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "198.51.100.7", trustProxies([]))).toBe("10.1.2.3");
  });

  it("parses the setting, and names a bad entry", () => {
    expect(parseTrustedProxies(" 10.0.0.0/8 ,::1,, ")).toEqual({ entries: ["10.0.0.0/8", "::1"] });
    expect(parseTrustedProxies("")).toEqual({ entries: [] });
    expect(parseTrustedProxies("10.0.0.0/8, lb.internal")).toEqual({
      error: 'must be IP addresses or CIDR blocks, comma-separated; not "lb.internal"',
    });
  });
});
