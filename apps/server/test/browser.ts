import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium: `apt-get install -y chromium` (.ci/run does it); Playwright's own download is unreachable. */
export const CHROMIUM = "/usr/bin/chromium";

/** Screenshots of every page the browser tests visit; gitignored, like the other test reports. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../../reports/screenshots/", import.meta.url));

/**
 * Headless chromium on a fresh profile (Playwright makes a new user-data-dir per launch). The network here is
 * closed, so everything that phones home is off: otherwise it floods the log with refused connections.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });

/**
 * What went wrong in the page that a screenshot would not show: script errors, console errors (CSP
 * violations are reported there), and any dialog, which here can only come from injected script.
 */
export const watchPage = (page: Page) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
};

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.0 and 2.1, levels A and AA: what the console and the payment page must pass. */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe-core's violations of WCAG 2.1 AA on the page as it stands, one line each (rule, impact, the elements).
 * Run through the browser's debugging protocol, so the page's strict Content-Security-Policy needs no exception.
 */
export const accessibilityViolations = async (page: Page): Promise<string[]> => {
  const violations = (await page.evaluate(
    `${AXE_SOURCE};axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(WCAG_21_AA)} } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) })))`,
  )) as { id: string; impact: string; nodes: string[] }[];
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.join(", ")}`);
};

/**
 * A screenshot of the page, which must also pass axe-core's WCAG 2.1 AA rules: every page of ours a test shows
 * (`axe: false` only for /docs, which is Swagger UI's page, not ours).
 */
export const screenshot = async (page: Page, name: string, options: { axe?: boolean } = {}) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
  if (options.axe === false) return;
  const violations = await accessibilityViolations(page);
  if (violations.length > 0)
    throw new Error(`${name}: axe-core WCAG 2.1 AA violations:\n${violations.join("\n")}`);
};
