import { maskEmail, maskPhone } from "./mask.ts";

/** Whitespace-free runs, tested one by one: a single pattern over the whole text would backtrack quadratically. */
const TOKEN = /[^\s"'<>]+/g;
const EMAIL = /^[^@]+@[^@]+\.[^@]+$/;
/** 9 to 15 digits, with at most two separators ("+1 (312) 555-0101") between any two of them. */
const PHONE = /\+?\d(?:[\s().-]{0,2}\d){8,14}/g;

/** Fields that hold identifiers, dates or enums: they are kept as they are so operators can search by them. */
const STRUCTURED_KEY = /(Uuid|Guid|Id|Date|^orderNumber|^orderType|^textSent|^emailSent|Title)$/;

/** The ids of webhook endpoints, events and deliveries (a UUID's hex after a prefix): digits, never a phone. */
const WEBHOOK_ID = /^(ep|evt|dlv)_[0-9a-f]{32}$/;

/** The phone pattern without the global flag: a first test spares the replace for the many strings with none. */
const HAS_PHONE = new RegExp(PHONE.source);

/**
 * Masks anything that looks like an email address or a phone number inside a string. Each pass runs only when the
 * string could hold what it masks: most strings of a call (names, ids, amounts) hold none of them.
 */
export const redactText = (text: string): string => {
  let out = text.length > 64 ? maskPaymentTokens(text) : text;
  if (out.includes("@"))
    out = out.replace(TOKEN, (token) =>
      token.includes("@") && EMAIL.test(token) ? maskEmail(token) : token,
    );
  return HAS_PHONE.test(out) ? out.replace(PHONE, (m) => maskPhone(m)) : out;
};

/** Fields that hold a secret (a webhook endpoint's signing secret, answered once at creation): never stored. */
const SECRET_KEY = /^(secret|previousSecret|webhookSecret)$/;

/** A webhook signing secret anywhere in text: whsec_ and base64. */
const SIGNING_SECRET = /whsec_[A-Za-z0-9+/=]{8,}/g;

/**
 * A copy of a JSON value with free text redacted (descriptions and attributes may hold contact details) and
 * secrets cut to their prefix.
 */
export const redactPersonalData = (value: unknown, key = ""): unknown => {
  if (typeof value === "string") {
    if (SECRET_KEY.test(key)) return value.startsWith("whsec_") ? "whsec_…" : "…";
    if (STRUCTURED_KEY.test(key) || WEBHOOK_ID.test(value)) return value;
    return redactText(value.includes("whsec_") ? value.replace(SIGNING_SECRET, "whsec_…") : value);
  }
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, key));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redactText(k), redactPersonalData(v, k)]),
    );
  }
  return value;
};

/** A payment link's token (64 characters after a slash): bearer links are cut to their first 6 characters. */
const PAYMENT_TOKEN = /(?<=\/)([A-Za-z0-9_-]{6})[A-Za-z0-9_-]{58}(?![A-Za-z0-9_-])/g;

export const maskPaymentTokens = (text: string): string => text.replace(PAYMENT_TOKEN, "$1…");
