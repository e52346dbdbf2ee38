import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { EventEmitter } from "node:events";
import { isIP, type LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { Agent } from "undici";
import { type WebhookAnswer, type WebhookSender, WebhookUnanswered } from "../../ports/webhook-sender.ts";
import { describe, isBlockedAddress, urlRefusal } from "./destinations.ts";

/** How much of a receiver's answer is kept with the attempt. */
const SNIPPET = 200;

class DestinationRefused extends Error {}

/**
 * Resolves like the system does, then refuses any address a webhook may not reach: checked when the connection
 * is made, so a name that resolved to a public address at registration and to a private one now is refused now.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const found = addresses as LookupAddress[];
    const blocked = found.find((a) => isBlockedAddress(a.address));
    if (blocked || found.length === 0) {
      const refused = new DestinationRefused(
        blocked
          ? `${hostname} resolves to a ${describe(blocked.address)} address`
          : `${hostname} has no address`,
      );
      return callback(refused as NodeJS.ErrnoException, "", 0);
    }
    if (options.all) return callback(null, found);
    const [first] = found;
    callback(null, first?.address ?? "", first?.family ?? 4);
  });
};

/** The start of the answer only: a receiver cannot make this process read a large body. */
const readStart = async (body: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
    if (size >= SNIPPET * 4) break;
  }
  body.destroy();
  return Buffer.concat(chunks).toString("utf8").slice(0, SNIPPET);
};

const retryAfterOf = (header: string | string[] | undefined): number | undefined => {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

/** The error's own message can quote the URL; keep its code, or the refusal. */
const reasonOf = (error: unknown): string => {
  const refused = [error, (error as { cause?: unknown }).cause].find((e) => e instanceof DestinationRefused);
  if (refused) return (refused as DestinationRefused).message;
  const code = (error as { code?: unknown }).code;
  return `could not reach the endpoint (${String(code ?? (error as Error).name)})`;
};

/**
 * Webhooks over HTTP(S) with keep-alive connections (a few per endpoint), a timeout per attempt, no redirects
 * followed (a 3xx is a failed attempt), and destinations checked at registration and at every connection, unless
 * `allowPrivate` (tests, on-premises DMSs) lets http:// and private addresses through.
 */
export const createHttpWebhookSender = (options: { allowPrivate: boolean }): WebhookSender => {
  const { allowPrivate } = options;
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 8,
    connect: allowPrivate ? {} : { lookup: guardedLookup },
  });
  const refusal = async (url: string): Promise<string | undefined> => {
    const form = urlRefusal(url, allowPrivate);
    if (form || allowPrivate) return form;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) !== 0) return undefined;
    return new Promise((resolve) =>
      guardedLookup(host, { all: true }, (error) =>
        resolve(
          error
            ? error instanceof DestinationRefused
              ? error.message
              : `${host} does not resolve`
            : undefined,
        ),
      ),
    );
  };
  return {
    refusal,
    async post({ url, headers, body, timeoutMs }): Promise<WebhookAnswer> {
      // An address written in the URL is never looked up: judged here instead.
      const form = urlRefusal(url, allowPrivate);
      if (form) throw new WebhookUnanswered(form);
      const target = new URL(url);
      // One timer for the whole attempt (connect, answer, the start of its body); an emitter as the signal costs
      // far less than an AbortSignal per attempt.
      const signal = new EventEmitter();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        signal.emit("abort");
      }, timeoutMs);
      try {
        const response = await agent.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: "POST",
          headers,
          body,
          signal,
        });
        return {
          status: response.statusCode,
          body: await readStart(response.body),
          retryAfterMs: retryAfterOf(response.headers["retry-after"]),
        };
      } catch (error) {
        throw new WebhookUnanswered(timedOut ? `no answer within ${timeoutMs} ms` : reasonOf(error));
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
};
