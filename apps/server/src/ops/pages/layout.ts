import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type NavItem = "overview" | "calls" | "outbox" | "webhooks" | "payments";

const NAV: readonly [NavItem, string, string][] = [
  ["overview", "/ops", "Overview"],
  ["calls", "/ops/calls", "Calls"],
  ["outbox", "/ops/outbox", "Outbox"],
  ["webhooks", "/ops/webhooks", "Webhooks"],
  ["payments", "/ops/payments", "Payments"],
];

export type PageFrame = {
  title: string;
  /** Absent on the sign-in and refusal pages: nothing to navigate to yet. */
  username?: string | undefined;
  active?: NavItem | undefined;
};

const header = ({ username, active }: PageFrame) =>
  username === undefined
    ? html`<header class="top"><span class="brand">payreq ops</span></header>`
    : html`<header class="top">
<span class="brand">payreq ops</span>
<nav aria-label="Console"><ul>${NAV.map(
        ([item, href, label]) =>
          html`<li><a href="${href}"${item === active ? html` aria-current="page"` : ""}>${label}</a></li>`,
      )}</ul></nav>
<form method="post" action="/ops/sign-out" class="sign-out">
<span>Signed in as <strong>${username}</strong></span> <button type="submit">Sign out</button>
</form>
</header>`;

/** Every console page: its own stylesheet and script only, so the strict Content-Security-Policy holds. */
export const layout = (frame: PageFrame, body: Html) => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${frame.title} · payreq ops</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ops/assets/ops.css">
<script src="/ops/assets/ops.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header(frame)}
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>`;
