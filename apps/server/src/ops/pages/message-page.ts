import { html } from "hono/html";
import { type Html, layout, type PageFrame } from "./layout.ts";

/** A page that only says something: a refusal, a record not found, a failure. */
export const messagePage = (frame: PageFrame, heading: string, paragraphs: readonly (Html | string)[]) =>
  layout(
    frame,
    html`<div class="narrow">
<h1>${heading}</h1>
${paragraphs.map((p) => html`<p>${p}</p>`)}
</div>`,
  );

/** A credential that verified but may not read the audit log. */
export const notAllowedPage = (username: string) =>
  messagePage({ title: "Not allowed" }, "This credential cannot use the ops console", [
    html`<strong>${username}</strong> does not hold <code>payment.audit.read</code>, which the console needs.
Ask for a credential that holds it, for your departments or for all.`,
    html`<a href="/ops/sign-in">Sign in with another credential</a>`,
  ]);
