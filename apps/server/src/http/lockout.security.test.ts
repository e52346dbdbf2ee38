import { ERRORS } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";
import { requestFrom } from "../../test/loopback-request.ts";
import { type RunningServer, startServer } from "../server.ts";

/**
 * Throttling must slow the guesser, not the owner. Each case runs on a fresh server whose credentials have never
 * signed in, as after a deploy: the verified-credential cache cannot be what lets the owner through.
 */
describe("nobody can lock a dealer out", () => {
  let server: RunningServer | undefined;
  afterEach(() => server?.shutdown(100));

  const setup = async () => {
    const t = await createTestApp();
    server = await startServer(t, { host: "127.0.0.1", port: 0 });
    const url = `${server.url}${t.sendPath()}`;
    const send = (address: string, auth: string) =>
      requestFrom(url, address, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: auth },
        body: JSON.stringify(t.body()),
      });
    return { t, send };
  };

  const inBatches = async <T>(items: T[], size: number, work: (item: T) => Promise<number>) => {
    const statuses: number[] = [];
    for (let i = 0; i < items.length; i += size)
      statuses.push(...(await Promise.all(items.slice(i, i + size).map(work))));
    return statuses;
  };

  it("answers the owner from a clean address after 100 wrong passwords from 50 addresses, and refuses the attackers", async () => {
    const { t, send } = await setup();
    const attackers = Array.from({ length: 50 }, (_, i) => `127.0.0.${10 + i}`);
    const guesses = [0, 1].flatMap((round) => attackers.map((address) => ({ address, round })));
    const statuses = await inBatches(guesses, 10, async ({ address, round }) => {
      const res = await send(address, basic("sunrise-sender", `guess-${round}-${address}`));
      return res.status;
    });
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);

    const { password } = t.demo.credentials.sunriseSender;
    const owner = await send("127.0.0.200", basic("sunrise-sender", password));
    expect(owner.status).toBe(200);
    const attacker = await send("127.0.0.17", basic("sunrise-sender", password));
    expect(attacker.status).toBe(429);
    expect(Number(attacker.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(attacker.body).errors[0].errorCode).toBe(ERRORS.TOO_MANY_ATTEMPTS.code);
  });

  it("answers the owner from another address after 15 wrong passwords from one", async () => {
    const { t, send } = await setup();
    const statuses = await inBatches(
      Array.from({ length: 15 }, (_, i) => i),
      1,
      async (i) => {
        const res = await send("127.0.0.9", basic("harbor-sender", `guess-${i}`));
        return res.status;
      },
    );
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
    const { password } = t.demo.credentials.harborSender;
    const harborBody = { ...t.body(), customerUuid: t.demo.ids.customers.harborFull };
    const res = await requestFrom(`${server?.url}${t.sendPath(t.demo.ids.departments.harbor)}`, "127.0.0.8", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: basic("harbor-sender", password) },
      body: JSON.stringify(harborBody),
    });
    expect(res.status).toBe(200);
  });

  it("answers the owner after 25 wrong passwords spread over 25 addresses", async () => {
    const { t, send } = await setup();
    const statuses = await inBatches(
      Array.from({ length: 25 }, (_, i) => i),
      5,
      async (i) => {
        const res = await send(`127.0.0.${100 + i}`, basic("sunrise-sender", `guess-${i}`));
        return res.status;
      },
    );
    expect(statuses.every((s) => s === 401)).toBe(true);
    const owner = await send(
      "127.0.0.250",
      basic("sunrise-sender", t.demo.credentials.sunriseSender.password),
    );
    expect(owner.status).toBe(200);
  });
});
