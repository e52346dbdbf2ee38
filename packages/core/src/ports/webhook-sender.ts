/** One attempt at an event's delivery: the body as stored, the Standard Webhooks headers signed for it. */
export type WebhookRequest = {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
};

/** What the receiver answered: its status, the start of its body, and a Retry-After it asked for. */
export type WebhookAnswer = { status: number; body: string; retryAfterMs?: number | undefined };

/** The attempt got no answer: refused connection, timeout, a destination refused at connect time. */
export class WebhookUnanswered extends Error {}

/** Posts events to dealers' endpoints over HTTP, only to destinations this service may call. */
export type WebhookSender = {
  /** Why this service may not call `url` (a private address, not https), or undefined when it may. */
  refusal(url: string): Promise<string | undefined>;
  post(request: WebhookRequest): Promise<WebhookAnswer>;
  close(): Promise<void>;
};
