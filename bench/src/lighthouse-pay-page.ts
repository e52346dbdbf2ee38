import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStripeStandIn } from "@payreq/core/testing/stripe";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { startBenchStores } from "./bench-stores.ts";
import { startProcess } from "./processes.ts";
import { publishedBody, SEND_PATH } from "./published-call.ts";
import { payreqCommand } from "./service-command.ts";
import { webhookDatabase } from "./webhook-dispatch.ts";

const SERVER_DIR = fileURLToPath(new URL("../../apps/server", import.meta.url));
const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "whsec_bGlnaHRob3VzZS1iZW5jaC1zaWduaW5nLXNlY3JldA==";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

type Scores = Record<(typeof CATEGORIES)[number], number>;

/**
 * What the Pay button costs the payment page: Lighthouse (mobile profile, its default) on a payment link of a
 * service without card payments (no button) and of one with them (a Stripe stand-in), in the same run, each
 * `runs` times (the medians are reported).
 */
const main = async () => {
  const runs = Number(process.argv[2] ?? "3");
  const stores = await startBenchStores(["sqlite"]);
  const stripe = await startStripeStandIn({ webhookSecret: SECRET });
  const chrome = await chromeLauncher.launch({
    chromePath: "/usr/bin/chromium",
    chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const results: Record<string, Scores[]> = {};
  try {
    const command = payreqCommand(SERVER_DIR);
    for (const [name, env] of [
      ["without the button", {}],
      [
        "with the Pay button",
        {
          PAYREQ_STRIPE_SECRET_KEY: "sk_test_lighthouse",
          PAYREQ_STRIPE_WEBHOOK_SECRET: SECRET,
          PAYREQ_STRIPE_API_URL: stripe.url,
        },
      ],
    ] as const) {
      const db = await webhookDatabase(stores, "sqlite", `lighthouse_${Object.keys(results).length}`);
      const { username, password } = db.demo.credentials.sunriseSender;
      await db.close();
      const service = await startProcess(
        [...command, "serve"],
        { ...db.env, PORT: "0", PAYREQ_METRICS: "off", ...env },
        SERVER_DIR,
      );
      try {
        const answer = await fetch(`${service.url}${SEND_PATH}`, {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
            "content-type": "application/json",
          },
          body: publishedBody(db.demo.ids.customers.sunriseFull, "RO-LH")(1),
        });
        const { paymentUrl } = (await answer.json()) as { paymentUrl: string };
        const url = `${service.url}${new URL(paymentUrl).pathname}`;
        results[name] = [];
        for (let i = 0; i < runs; i++) {
          const report = await lighthouse(url, {
            port: chrome.port,
            output: "json",
            logLevel: "error",
            onlyCategories: [...CATEGORIES],
          });
          const categories = report?.lhr.categories ?? {};
          results[name].push(
            Object.fromEntries(
              CATEGORIES.map((c) => [c, Math.round((categories[c]?.score ?? 0) * 100)]),
            ) as Scores,
          );
        }
      } finally {
        await service.stop();
      }
    }
  } finally {
    chrome.kill();
    await stripe.close();
    stores.close();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log(`Lighthouse, mobile profile, the payment page (median of ${runs})`);
  console.log(`${"".padEnd(22)}${CATEGORIES.map((c) => c.padStart(16)).join("")}`);
  for (const [name, scores] of Object.entries(results)) {
    console.log(
      `${name.padEnd(22)}${CATEGORIES.map((c) => String(median(scores.map((s) => s[c]))).padStart(16)).join("")}`,
    );
  }
  const at = new Date();
  mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
  const file = join(
    BENCH_DIR,
    "results",
    `lighthouse-${at
      .toISOString()
      .replace(/:/g, "-")
      .replace(/\.\d+Z$/, "Z")}.json`,
  );
  writeFileSync(file, `${JSON.stringify({ at: at.toISOString(), runs, results }, null, 2)}\n`);
  console.log(`wrote ${file}`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
