import { describe, expect, it } from "vitest";
import { throttleAddress } from "./throttle-address.ts";

describe("throttleAddress", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["::ffff:cb00:7109", "203.0.113.9"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:3:4:5.6.7.8", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["2001:db8::", "2001:db8:0:0::/64"],
    ["unknown", "unknown"],
  ])("counts %s as %s", (address, key) => {
    expect(throttleAddress(address)).toBe(key);
  });

  it("keeps neighbouring /64s apart", () => {
    expect(throttleAddress("2001:db8:1:2::1")).not.toBe(throttleAddress("2001:db8:1:3::1"));
  });
});
