import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export const SMS_ACCOUNT = "AC00000000000000000000000000000016";

/**
 * A Twilio-compatible Messages endpoint that accepts every text, and can hold the next one: `hold()` gives a
 * promise that settles when that text arrives and a `release` that answers it. A test can so keep a call in
 * its delivery step for exactly as long as it needs, with no timing guesses.
 */
export const startGatedSmsProvider = async () => {
  let gate: { arrived: () => void; released: Promise<void> } | undefined;
  let sent = 0;
  /** Each text's form as posted (To, From, Body, StatusCallback), with the sid it was given. */
  const texts: { sid: string; form: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", async () => {
      const sid = `SM${String(++sent).padStart(32, "0")}`;
      texts.push({ sid, form: Object.fromEntries(new URLSearchParams(body).entries()) });
      const held = gate;
      gate = undefined;
      if (held) {
        held.arrived();
        await held.released;
      }
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ sid, status: "queued" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      PAYREQ_SMS_URL: url,
      PAYREQ_SMS_ACCOUNT_SID: SMS_ACCOUNT,
      PAYREQ_SMS_AUTH_TOKEN: "gated-sms-token",
      PAYREQ_SMS_FROM: "+13125550000",
    },
    texts,
    hold: () => {
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const arrived = new Promise<void>((resolve) => {
        gate = { arrived: resolve, released };
      });
      return { arrived, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
