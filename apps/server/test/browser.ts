import { mkdirSync } from "node:fs";
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

export const screenshot = async (page: Page, name: string) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
};
