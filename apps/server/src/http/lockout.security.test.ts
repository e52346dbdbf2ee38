import { ERRORS } from "@payreq/contracts";
import { DEFAULT_SCRYPT } from "@payreq/core";
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

  const setup = async (
    options: Parameters<typeof createTestApp>[0] = {},
    serverOptions: { trustedProxies?: string[] } = {},
  ) => {
    const t = await createTestApp(options);
    server = await startServer(t, { host: "127.0.0.1", port: 0, ...serverOptions });
    const url = `${server.url}${t.sendPath()}`;
    const send = (address: string, auth: string) =>
      requestFrom(url, address, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: auth },
        body: JSON.stringify(t.body()),
      });
    const harborUrl = `${server.url}${t.sendPath(t.demo.ids.departments.harbor)}`;
    const sendHarbor = (address: string, auth: string, headers: Record<string, string> = {}) =>
      requestFrom(harborUrl, address, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: auth, ...headers },
        body: JSON.stringify({ ...t.body(), customerUuid: t.demo.ids.customers.harborFull }),
      });
    return { t, send, sendHarbor, server };
  };

  /** Polls until `condition` holds; the test's own timeout bounds it. */
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
  };

  const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

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
  // Production's hash cost, so that a queue of hashes would still be full when the owner comes (the made-up
  // usernames of a flood must cost no hash at all); a cheaper one where every guess is hashed.
  const LIGHTER_SCRYPT = { N: 2 ** 13, r: 8, p: 1 };

  /** 60 parallel wrong guesses from 60 addresses; resolves once the server has taken every one of them. */
  const flood = async (
    t: Awaited<ReturnType<typeof setup>>,
    credential: (i: number) => string,
  ): Promise<{ statuses: Promise<number[]> }> => {
    const answered: number[] = [];
    const statuses = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.sendHarbor(`127.0.2.${10 + i}`, credential(i)).then((res) => {
          answered.push(res.status);
          return res.status;
        }),
      ),
    );
    await until(() => answered.length + t.server.openConnections >= 60);
    return { statuses };
  };

  it("answers the owner from a clean address while 60 addresses flood made-up usernames, and hashes none of them", async () => {
    const t = await setup({ scrypt: DEFAULT_SCRYPT });
    const { statuses } = await flood(t, (i) => basic(`made-up-${i}`, `guess-${i}`));
    const owner = await t.sendHarbor(
      "127.0.3.1",
      basic("harbor-sender", t.t.demo.credentials.harborSender.password),
    );
    expect(owner.status).toBe(200);
    expect(await statuses).toEqual(Array.from({ length: 60 }, () => 401));
    expect(t.server.core.authenticator.stats.hashes).toBe(1);
  }, 15_000);

  it("answers the owner from a clean address while 60 addresses flood wrong passwords for its username", async () => {
    const t = await setup({ scrypt: LIGHTER_SCRYPT });
    const { statuses } = await flood(t, (i) => basic("harbor-sender", `guess-${i}`));
    const owner = await t.sendHarbor(
      "127.0.3.1",
      basic("harbor-sender", t.t.demo.credentials.harborSender.password),
    );
    expect(owner.status).toBe(200);
    const answers = await statuses;
    expect(countOf(answers, 401)).toBe(60);
    expect(answers).not.toContain(503);
  }, 15_000);

  it("hashes at most 10 of 30 parallel wrong passwords for one username from one address, and refuses the rest", async () => {
    const t = await setup();
    const statuses = (
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => t.sendHarbor("127.0.4.1", basic("harbor-sender", `guess-${i}`))),
      )
    ).map((res) => res.status);
    expect(countOf(statuses, 401)).toBeGreaterThan(0);
    expect(countOf(statuses, 401)).toBeLessThanOrEqual(10);
    expect(countOf(statuses, 429)).toBe(30 - countOf(statuses, 401));
    expect(t.server.core.authenticator.stats.hashes).toBeLessThanOrEqual(10);
    const owner = await t.sendHarbor(
      "127.0.4.2",
      basic("harbor-sender", t.t.demo.credentials.harborSender.password),
    );
    expect(owner.status).toBe(200);
  });

  it("answers at most 30 of 50 parallel guesses at different usernames from one address, and refuses the rest", async () => {
    const t = await setup();
    const statuses = (
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => t.sendHarbor("127.0.4.3", basic(`made-up-${i}`, "guess"))),
      )
    ).map((res) => res.status);
    expect(countOf(statuses, 401)).toBeGreaterThan(0);
    expect(countOf(statuses, 401)).toBeLessThanOrEqual(30);
    expect(countOf(statuses, 429)).toBe(50 - countOf(statuses, 401));
  });

  it("counts each client behind a trusted proxy apart, and believes X-Forwarded-For from nobody else", async () => {
    const t = await setup({ authentication: { failuresPerAddress: 5 } }, { trustedProxies: ["127.0.5.1"] });
    const { password } = t.t.demo.credentials.harborSender;
    const viaProxy = (auth: string, forwardedFor: string) =>
      t.sendHarbor("127.0.5.1", auth, { "X-Forwarded-For": forwardedFor });
    const stranger: number[] = [];
    for (let i = 0; i < 6; i++)
      stranger.push((await viaProxy(basic(`made-up-${i}`, "guess"), "198.51.100.7")).status);
    expect(stranger).toEqual([401, 401, 401, 401, 401, 429]);
    // The stranger cannot take another client's address by writing it in the header itself.
    expect((await viaProxy(basic("harbor-sender", password), "198.51.100.8, 198.51.100.7")).status).toBe(429);
    expect((await viaProxy(basic("harbor-sender", password), "6.6.6.6, 198.51.100.8")).status).toBe(200);

    // A peer that is not a trusted proxy is counted by its own address, whatever it sends.
    const direct: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t.sendHarbor("127.0.5.2", basic(`made-up-${i}`, "guess"), {
        "X-Forwarded-For": `198.51.100.${50 + i}`,
      });
      direct.push(res.status);
    }
    expect(direct).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
