import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server on loopback; every accepted message is parsed with mailparser. */
export const startSmtpServer = async (
  options: { rejectRecipient?: boolean; user?: string; password?: string } = {},
) => {
  const received: { envelopeTo: string[]; mail: ParsedMail }[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: !options.user,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password)
        return callback(null, { user: auth.username });
      callback(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient) {
        const error = Object.assign(new Error(`Mailbox ${address.address} unavailable`), {
          responseCode: 550,
        });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

export type SmsMode = "accept" | "reject-400" | "fail-500" | "hang";

/** A Twilio-compatible Messages endpoint on loopback that records what it was sent. */
export const startSmsProvider = async (accountSid: string, authToken: string) => {
  const requests: {
    authorization: string | undefined;
    contentType: string | undefined;
    form: URLSearchParams;
    path: string;
  }[] = [];
  let mode: SmsMode = "accept";
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const form = new URLSearchParams(await read(req));
    requests.push({
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      form,
      path: req.url ?? "",
    });
    const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json` || req.method !== "POST")
      return json(404, { code: 20404, message: "Not found" });
    if (req.headers.authorization !== expectedAuth)
      return json(401, { code: 20003, message: "Authenticate" });
    if (mode === "hang") return;
    if (mode === "reject-400")
      return json(400, { code: 21211, message: "The 'To' number is not a valid phone number." });
    if (mode === "fail-500") return json(500, { code: 20500, message: "Internal Server Error" });
    json(201, {
      sid: `SM${requests.length.toString().padStart(32, "0")}`,
      status: "queued",
      to: form.get("To"),
      body: form.get("Body"),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMode: (next: SmsMode) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
