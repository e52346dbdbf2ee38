import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { freePort } from "@payreq/core/testing/postgres-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payreq } from "../../test/cli.ts";
import { startGatedSmsProvider } from "../../test/gated-sms-provider.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { type ServerProcess, startServerProcess } from "../../test/server-process.ts";

const HAPROXY_CFG = fileURLToPath(new URL("../../../../deploy/haproxy.cfg", import.meta.url));
const INSTANCES = 3;
const CLIENTS = 6;

type Answer = {
  key: string;
  orderNumber: string;
  status: number;
  attempts: number;
  textSent?: string;
  retryAfterSeen: number;
};

/**
 * deploy/haproxy.cfg (Debian's HAProxy) in front of three `payreq serve` on one PostgreSQL, each started as the
 * unit file does (the build with plain node), in a process group of its own that gets the signal (as some
 * supervisors send it; systemd's KillMode=mixed signals node alone), under a steady load of calls that
 * each carry their own Idempotency-Key.
 */
describe("three instances behind HAProxy on one PostgreSQL", { timeout: 180_000 }, () => {
  let seeded: Awaited<ReturnType<typeof seededDatabase>>;
  let sms: Awaited<ReturnType<typeof startGatedSmsProvider>>;
  let haproxy: ChildProcess;
  const haproxyLog: string[] = [];
  let lb = "";
  const ports: number[] = [];
  const instances: ServerProcess[] = [];
  let env: Record<string, string>;

  /** Resolves once HAProxy has logged `Server payreq/payreqN is UP` (or DOWN) `times` times in all. */
  const untilHaproxySays = async (server: number, state: "UP" | "DOWN", times: number) => {
    const pattern = new RegExp(`Server payreq/payreq${server} is ${state}`);
    while (
      haproxyLog
        .join("")
        .split("\n")
        .filter((line) => pattern.test(line)).length < times
    ) {
      await new Promise((resolve) => haproxy.stdout?.once("data", resolve));
    }
  };

  const startInstance = async (i: number) => {
    instances[i] = await startServerProcess({ ...env, PORT: String(ports[i]) }, { processGroup: true });
  };

  beforeAll(async () => {
    seeded = await seededDatabase("postgres");
    sms = await startGatedSmsProvider();
    env = {
      ...seeded.env,
      ...sms.env,
      PAYREQ_TRUSTED_PROXIES: "127.0.0.1",
      PAYREQ_METRICS: "off",
      PAYREQ_DRAIN_TIMEOUT: "2s",
      PAYREQ_MIGRATE: "off",
    };
    for (let i = 0; i < INSTANCES; i++) ports.push(await freePort());
    await Promise.all(ports.map((_, i) => startInstance(i)));
    const lbPort = await freePort();
    lb = `http://127.0.0.1:${lbPort}`;
    haproxy = spawn("haproxy", ["-db", "-f", HAPROXY_CFG], {
      env: {
        PATH: process.env.PATH ?? "",
        PAYREQ_LB_BIND: `127.0.0.1:${lbPort}`,
        ...Object.fromEntries(ports.map((port, i) => [`PAYREQ_${i + 1}`, `127.0.0.1:${port}`])),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Its log (stdout) has a line per call and per server state change; stderr repeats the warnings.
    haproxy.stdout?.on("data", (d) => haproxyLog.push(String(d)));
    haproxy.stderr?.resume();
    // HAProxy starts its servers as UP and checks them at once: it is ready when a call through it is answered.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${lb}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`HAProxy did not start:\n${haproxyLog.join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, 60_000);

  afterAll(async () => {
    haproxy?.kill("SIGKILL");
    await Promise.all(instances.map((s) => s?.stop("SIGKILL")));
    await sms?.close();
    await seeded?.store.close();
  });

  /**
   * A caller of the published endpoint through the load balancer: one new order and key per call; an answer
   * that is not final (no answer, 502-504, or 409 with Retry-After while the key's first try is unfinished) is
   * retried with the same key, as the README tells callers.
   */
  const startLoad = (prefix: string) => {
    const answers: Answer[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    const answered = (answer: Answer) => {
      answers.push(answer);
      for (const w of waiters.filter((w) => answers.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    let running = true;
    let n = 0;
    const one = async () => {
      const key = randomUUID();
      const orderNumber = `${prefix}-${n++}`;
      let attempts = 0;
      let retryAfterSeen = 0;
      for (;;) {
        attempts++;
        const response = await fetch(
          `${lb}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
          {
            method: "POST",
            headers: {
              Authorization: seeded.auth,
              "Content-Type": "application/json",
              "Idempotency-Key": key,
            },
            body: JSON.stringify({
              amount: 125.5,
              orderNumber,
              orderType: "RO",
              customerUuid: seeded.demo.ids.customers.sunriseFull,
              sendAsText: true,
              sendAsEmail: false,
            }),
          },
        ).catch(() => undefined);
        const status = response?.status ?? 0;
        const retryAfter = response?.headers.get("retry-after");
        if (status === 409 && retryAfter) retryAfterSeen++;
        const again =
          status === 0 ||
          status === 502 ||
          status === 503 ||
          status === 504 ||
          (status === 409 && retryAfter);
        if (again && attempts < 50) {
          await response?.body?.cancel();
          // The client's own back-off between tries (Retry-After is whole seconds; a tenth of it here).
          await new Promise((resolve) => setTimeout(resolve, retryAfter ? Number(retryAfter) * 100 : 50));
          continue;
        }
        const body = (await response?.json().catch(() => ({}))) as { textSent?: string };
        answered({ key, orderNumber, status, attempts, textSent: body.textSent, retryAfterSeen });
        return;
      }
    };
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (running) await one();
    });
    return {
      answers,
      /** Resolves once `count` more calls have been answered. */
      untilAnswered: (count: number) =>
        new Promise<void>((resolve) => waiters.push({ count: answers.length + count, resolve })),
      async stop() {
        running = false;
        await Promise.all(clients);
        return answers;
      },
    };
  };

  /** Payment requests made for each call (each call has an order number of its own). */
  const requestsPerCall = async (answers: Answer[]) => {
    const rows = await seeded.store.sql.all<{ order_number: string; requests: number }>(
      "select o.order_number, count(p.uuid)::int as requests from dealer_orders o join invoices i on i.order_uuid = o.uuid join payment_requests p on p.invoice_uuid = i.uuid group by o.order_number",
    );
    const byOrder = new Map(rows.map((r) => [r.order_number, r.requests]));
    return answers.map((a) => byOrder.get(a.orderNumber) ?? 0);
  };

  it("restarts each instance in turn with SIGTERM under load: every call 200, one payment request and one text per key, the chain verifies", async () => {
    const load = startLoad("RO-ROLL");
    await load.untilAnswered(50);
    for (let i = 0; i < INSTANCES; i++) {
      const server = instances[i];
      if (!server) throw new Error("no instance");
      const downs = haproxyLog.join("").split(`Server payreq/payreq${i + 1} is DOWN`).length - 1;
      const ups = haproxyLog.join("").split(`Server payreq/payreq${i + 1} is UP`).length - 1;
      expect(await server.stop("SIGTERM")).toBe(0);
      await untilHaproxySays(i + 1, "DOWN", downs + 1);
      await startInstance(i);
      await untilHaproxySays(i + 1, "UP", ups + 1);
      await load.untilAnswered(50);
    }
    const answers = await load.stop();
    const figures = {
      calls: answers.length,
      non200: answers.filter((a) => a.status !== 200).length,
      retried: answers.filter((a) => a.attempts > 1).length,
      textsFailed: answers.filter((a) => a.textSent !== "SUCCESS").length,
      texts: sms.texts.length,
    };
    console.log(`rolling restart of ${INSTANCES} instances: ${JSON.stringify(figures)}`);
    expect(figures.non200).toBe(0);
    expect(figures.textsFailed).toBe(0);
    expect(figures.retried).toBe(0);

    expect(new Set(await requestsPerCall(answers))).toEqual(new Set([1]));
    // One text per call, each with its own link.
    const links = sms.texts.map((t) => /\/pay\/[^\s]+/.exec(t.form.Body ?? "")?.[0]);
    expect(new Set(links).size).toBe(answers.length);
    expect(sms.texts).toHaveLength(answers.length);

    const verified = await payreq(["audit", "verify"], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });

  it("loses nothing and duplicates nothing when an instance is killed with SIGKILL under load", async () => {
    const textsBefore = sms.texts.length;
    const load = startLoad("RO-KILL");
    await load.untilAnswered(50);
    const victim = instances[1];
    if (!victim) throw new Error("no instance");
    const downs = haproxyLog.join("").split("Server payreq/payreq2 is DOWN").length - 1;
    const ups = haproxyLog.join("").split("Server payreq/payreq2 is UP").length - 1;
    await victim.stop("SIGKILL");
    await untilHaproxySays(2, "DOWN", downs + 1);
    await load.untilAnswered(50);
    await startInstance(1);
    await untilHaproxySays(2, "UP", ups + 1);
    await load.untilAnswered(50);
    const answers = await load.stop();
    const texts = sms.texts.slice(textsBefore);
    const figures = {
      calls: answers.length,
      non200: answers.filter((a) => a.status !== 200).length,
      retried: answers.filter((a) => a.attempts > 1).length,
      retryAfter409: answers.reduce((n, a) => n + a.retryAfterSeen, 0),
      textsNotConfirmed: answers.filter((a) => a.textSent !== "SUCCESS").length,
      texts: texts.length,
    };
    console.log(`SIGKILL of one of ${INSTANCES} instances: ${JSON.stringify(figures)}`);
    // Every call landed, once, with its key.
    expect(figures.non200).toBe(0);
    expect(new Set(await requestsPerCall(answers))).toEqual(new Set([1]));
    // No link texted twice; a text the killed instance may have sent before dying is never sent again.
    const links = texts.map((t) => /\/pay\/[^\s]+/.exec(t.form.Body ?? "")?.[0]);
    expect(new Set(links).size).toBe(links.length);
    expect(texts.length).toBeLessThanOrEqual(answers.length);
    expect(texts.length).toBeGreaterThanOrEqual(answers.length - figures.textsNotConfirmed);
    const verified = await payreq(["audit", "verify"], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});
