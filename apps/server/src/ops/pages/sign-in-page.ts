import { html } from "hono/html";
import { layout } from "./layout.ts";
import { problemBox } from "./parts.ts";

export type SignInNotice = "expired" | "signed-out" | "invalid" | "changed";

const NOTICES: Record<SignInNotice, string> = {
  expired: "Your session expired. Sign in again.",
  "signed-out": "You are signed out.",
  invalid: "Your session is not valid any more. Sign in again.",
  changed: "Your credential was changed or disabled since you signed in. Sign in again.",
};

export const isSignInNotice = (value: string | undefined): value is SignInNotice =>
  value !== undefined && Object.hasOwn(NOTICES, value);

export const signInPage = (options: {
  next: string;
  username?: string | undefined;
  notice?: SignInNotice | undefined;
  problem?: string | undefined;
}) =>
  layout(
    { title: "Sign in" },
    html`<div class="narrow">
<h1>Sign in</h1>
<p>The ops console shows the audit log and the outbox to credentials holding <code>payment.audit.read</code>.</p>
${options.notice ? html`<p class="notice" role="status">${NOTICES[options.notice]}</p>` : ""}
${options.problem ? problemBox("Not signed in", [options.problem]) : ""}
<form method="post" action="/ops/sign-in" class="stack">
<input type="hidden" name="next" value="${options.next}">
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required maxlength="64" value="${options.username ?? ""}">
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
</div>
<button type="submit">Sign in</button>
</form>
</div>`,
  );
