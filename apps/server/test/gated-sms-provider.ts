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
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", async () => {
      const held = gate;
      gate = undefined;
      if (held) {
        held.arrived();
        await held.released;
      }
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ sid: `SM${String(++sent).padStart(32, "0")}`, status: "queued" }));
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
