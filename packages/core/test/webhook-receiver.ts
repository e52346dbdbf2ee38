import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type Received = {
  headers: Record<string, string>;
  body: string;
  /** The event, when its signature verified with the secret the receiver was told (standardwebhooks' own check). */
  verified?: { type: string; id: string; data: Record<string, unknown> } | undefined;
  at: number;
};

type Answer = { status: number; delayMs?: number; body?: string; headers?: Record<string, string> };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
  });

/**
 * A dealer's webhook receiver on a loopback port, as integrators write one: it verifies each delivery with the
 * `standardwebhooks` package (the receivers' library, not this service's code) and answers as told (by default
 * 200; `answerNext` queues other answers, slow ones included).
 */
export const startWebhookReceiver = async (options: { secret?: string; delayMs?: number } = {}) => {
  const received: Received[] = [];
  const answers: Answer[] = [];
  let secret = options.secret;
  const waiters: { done: () => boolean; resolve: () => void }[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    let verified: Received["verified"];
    if (secret) {
      try {
        verified = new Webhook(secret).verify(body, headers) as Received["verified"];
      } catch {
        verified = undefined;
      }
    }
    received.push({ headers, body, verified, at: Date.now() });
    for (const waiter of waiters.filter((w) => w.done())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const answer = answers.shift() ?? { status: 200, delayMs: options.delayMs };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
    res.end(answer.body ?? "ok");
  });
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) resolve();
      else waiters.push({ done, resolve });
    });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    /** The receiver now verifies with this secret (a rotation it has taken). */
    useSecret(next: string) {
      secret = next;
    },
    answerNext(...next: Answer[]) {
      answers.push(...next);
    },
    /** Resolves once `count` deliveries have arrived. */
    waitFor: (count: number) => until(() => received.length >= count),
    /** Resolves with the first `count` deliveries that match, once they have arrived. */
    waitForMatching: async (count: number, matches: (delivery: Received) => boolean) => {
      await until(() => received.filter(matches).length >= count);
      return received.filter(matches).slice(0, count);
    },
    /** Resolves once deliveries with `count` different webhook-ids have arrived (repeats not counted). */
    waitForDistinct: (count: number) =>
      until(() => new Set(received.map((r) => r.headers["webhook-id"])).size >= count),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
