import type { Notifier } from "@payreq/core";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../test/harness.ts";
import { startServer } from "./server.ts";

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("a real listening port", () => {
    it("serves the published endpoint over HTTP", async () => {
      const t = await createTestApp({ store: kind });
      const server = await startServer(t, { host: "127.0.0.1", port: 0 });
      try {
        const res = await fetch(`${server.url}${t.sendPath()}`, {
          method: "POST",
          headers: { Authorization: t.sender, "Content-Type": "application/json" },
          body: JSON.stringify(t.body()),
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { paymentUrl: string }).paymentUrl).toMatch(
          /^https:\/\/pay\.example\.test\/p\//,
        );
      } finally {
        await server.shutdown(100);
      }
    });

    it("finishes an in-flight call on shutdown, refuses new connections, then closes the database", async () => {
      let releaseEmail!: () => void;
      let emailStarted!: () => void;
      const started = new Promise<void>((resolve) => {
        emailStarted = resolve;
      });
      const notifier: Notifier = {
        sendText: async () => ({ provider: "test" }),
        sendEmail: () => {
          emailStarted();
          return new Promise((resolve) => {
            releaseEmail = () => resolve({ provider: "test", providerRef: "slow-1" });
          });
        },
      };
      const t = await createTestApp({ store: kind, notifier, deliveryTimeoutMs: 10_000 });
      const server = await startServer(t, { host: "127.0.0.1", port: 0 });
      const inFlight = fetch(`${server.url}${t.sendPath()}`, {
        method: "POST",
        headers: { Authorization: t.sender, "Content-Type": "application/json" },
        body: JSON.stringify(t.body()),
      });
      await started;
      const stopping = server.shutdown(5_000);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      expect(await t.store.ready()).toBe(true);
      releaseEmail();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { emailSent: string }).emailSent).toBe("SUCCESS");
      await stopping;
      expect(await t.store.ready()).toBe(false);
    });
  });
});
