import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = "500" | "timeout" | "drop" | "lose-answer";

type Rule = { pathIncludes: string; fault: Fault; times: number };

/**
 * A controllable layer between the aggregator and the upstream: forwards every request, unless a rule for its
 * path says to answer 500, never answer, drop the connection, or forward it and then drop the answer (the
 * upstream did the work; the aggregator cannot know).
 */
export const startFaultProxy = async (target: string) => {
  const rules: Rule[] = [];
  const seen: { method: string; path: string; idempotencyKey: string | undefined; fault: Fault | "none" }[] =
    [];
  const targetUrl = new URL(target);
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const upstream = httpRequest(
        {
          hostname: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c) => chunks.push(c as Buffer));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers as Record<string, string>,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c as Buffer));
    req.on("end", async () => {
      const rule = rules.find((r) => r.times > 0 && (req.url ?? "").includes(r.pathIncludes));
      if (rule) rule.times--;
      const fault = rule?.fault ?? "none";
      seen.push({
        method: req.method ?? "",
        path: req.url ?? "",
        idempotencyKey: req.headers["idempotency-key"] as string | undefined,
        fault,
      });
      if (fault === "500") {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            errors: [
              {
                errorCode: 100007,
                errorTitle: "INTERNAL_SERVER_ERROR",
                errorMessage: "boom",
                errorDescription: "injected",
              },
            ],
            warnings: [],
          }),
        );
        return;
      }
      if (fault === "timeout") return;
      if (fault === "drop") {
        req.socket.destroy();
        return;
      }
      try {
        const answer = await forward(req, Buffer.concat(chunks));
        if (fault === "lose-answer") {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, {
          "content-type": answer.headers["content-type"] ?? "application/json",
        });
        res.end(answer.body);
      } catch {
        req.socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    inject(pathIncludes: string, fault: Fault, times = 1) {
      rules.push({ pathIncludes, fault, times });
    },
    clear() {
      rules.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
