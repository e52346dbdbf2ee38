import type { Receipt, TextMessage } from "../../ports/notifier.ts";

export type TwilioSettings = {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  /** Where the provider reports each text's fate (delivered, undelivered, failed); none when unset. */
  statusCallbackUrl?: string | undefined;
};

/** The provider refused or failed; `message` is safe to record (no credentials, no full phone number). */
export class ProviderError extends Error {}

/**
 * A Twilio-compatible Messages client: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded To/From/Body, HTTP Basic AccountSid:AuthToken. Accepted only on a 2xx with a message sid.
 */
export const createTwilioSmsSender = (settings: TwilioSettings) => {
  const url = `${settings.baseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString("base64")}`;
  return async (message: TextMessage, signal: AbortSignal): Promise<Receipt> => {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        Authorization: authorization,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      },
      body: new URLSearchParams({
        To: message.to,
        From: settings.from,
        Body: message.body,
        ...(settings.statusCallbackUrl ? { StatusCallback: settings.statusCallbackUrl } : {}),
      }),
      signal,
    });
    const text = await response.text();
    let body: { sid?: unknown; status?: unknown; message?: unknown; code?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not JSON: the status alone tells.
    }
    if (!response.ok || typeof body.sid !== "string") {
      const detail = typeof body.message === "string" ? `: ${body.message}` : "";
      const code = body.code === undefined ? "" : ` (code ${String(body.code)})`;
      throw new ProviderError(`SMS provider answered ${response.status}${code}${detail}`);
    }
    return { provider: "sms", providerRef: body.sid };
  };
};
