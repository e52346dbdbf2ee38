import { verifyAuditChain } from "@payreq/core";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ConsoleFixture,
  createConsoleFixture,
  FAILED_ORDER,
  IDEMPOTENCY_KEY,
  signedIn,
} from "../../test/ops-fixture.ts";

/** Rows of a page's first table body, as text with the tags taken out. */
const tableRows = (page: string) =>
  (/<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? "")
    .split("</tr>")
    .map((row) =>
      row
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter((row) => row && row !== "Nothing matches.");

const callLinks = (page: string) =>
  [...page.matchAll(/href="\/ops\/calls\/([0-9a-f-]{36})"/g)].map((m) => m[1] ?? "");

const parseCsv = (text: string) =>
  text
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("the ops console over HTTP", () => {
    let t: ConsoleFixture;
    let cookie: string;
    const get = (path: string) => t.app.request(path, { headers: { Cookie: cookie } });
    const page = async (path: string, status = 200) => {
      const res = await get(path);
      const text = await res.text();
      expect(res.status, text.slice(0, 2000)).toBe(status);
      return text;
    };

    beforeAll(async () => {
      t = await createConsoleFixture({ store: kind });
      cookie = await signedIn(t.app, t.demo.credentials.ops);
    });

    describe("calls", () => {
      it("lists every call newest first with the CLI's filters", async () => {
        const all = tableRows(await page("/ops/calls"));
        const audited = await t.auditRows();
        expect(all).toHaveLength(audited.length);
        expect(all[0]).toContain("ops.sign-in");
        const rejected = tableRows(await page("/ops/calls?outcome=REJECTED"));
        expect(rejected).toHaveLength(2);
        expect(tableRows(await page("/ops/calls?httpStatus=401&username=sunrise-sender"))).toHaveLength(1);
        expect(tableRows(await page("/ops/calls?errorCode=100006"))[0]).toContain("100006");
        const byOrder = tableRows(await page(`/ops/calls?orderNumber=${FAILED_ORDER}`));
        expect(byOrder).toHaveLength(1);
        expect(byOrder[0]).toContain("FAILURE");
        const harbor = tableRows(await page(`/ops/calls?departmentUuid=${t.demo.ids.departments.harbor}`));
        expect(harbor).toHaveLength(2);
        expect(harbor.every((row) => row.includes("Harbor Auto Group · Service"))).toBe(true);
        expect(
          tableRows(await page(`/ops/calls?since=1h&customerUuid=${t.demo.ids.customers.harborFull}`)),
        ).toHaveLength(2);
        expect(tableRows(await page("/ops/calls?since=2000-01-01&until=2000-01-02"))).toEqual([]);
      });

      it("pages with a cursor in the link, never repeating or skipping a call", async () => {
        const ids: string[] = [];
        let path: string | undefined = "/ops/calls?limit=3";
        while (path) {
          const html = await page(path);
          ids.push(...new Set(callLinks(html)));
          path = /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replaceAll("&amp;", "&");
        }
        const expected = (await t.auditRows()).map((row) => String(row.request_id)).reverse();
        expect(ids).toEqual(expected);
      });

      it("drops empty fields from the link a filter form sends", async () => {
        const res = await get("/ops/calls?departmentUuid=&since=&outcome=FAILED&orderNumber=+");
        expect(res.status).toBe(303);
        expect(res.headers.get("location")).toBe("/ops/calls?outcome=FAILED");
      });

      it("explains bad filter values on the page with 400, never a 500", async () => {
        const cases: [string, string][] = [
          [
            "since=yesterday",
            "since must be a duration ago (24h, 7d), a date (2026-11-23) or an ISO date-time",
          ],
          ["until=2026-13-45", "until must be"],
          ["since=2026-02-31", "since must be a duration ago"],
          ["limit=500", "limit must be at most 200"],
          ["limit=abc", "limit must be a number"],
          ["httpStatus=abc", "httpStatus must be a number"],
          ["errorCode=1.5", "errorCode must be an integer"],
          ["outcome=MAYBE", "outcome"],
          ["departmentUuid=not%20a%20uuid", "departmentUuid must be 1-64 characters"],
          ["cursor=%21%21", "cursor must be a value returned as nextCursor"],
          ["colour=blue", "colour"],
        ];
        for (const [query, message] of cases) {
          const html = await page(`/ops/calls?${query}`, 400);
          expect(html).toContain("Check the filters");
          expect(html).toContain(message);
        }
        expect(await page("/ops/outbox?channel=pigeon", 400)).toContain("channel must be text or email");
        expect(await page("/ops/outbox?since=soon", 400)).toContain("since must be a duration ago");
      });
    });

    describe("one call", () => {
      it("shows what it touched, its messages with the provider's answer, and its timeline", async () => {
        const id = callLinks(await page(`/ops/calls?orderNumber=${FAILED_ORDER}`))[0];
        const html = await page(`/ops/calls/${id}`);
        expect(html).toContain("TEXT_DELIVERY_FAILED");
        expect(html).toContain("Harbor Auto Group · Service");
        expect(html).toContain("Jane Doe");
        const messages = tableRows(html);
        expect(messages).toHaveLength(2);
        expect(messages.find((m) => m.includes(" text "))).toContain(
          "carrier refused the message: unreachable handset",
        );
        expect(messages.find((m) => m.includes(" email "))).toContain("&lt;0001@mail.example.test&gt;");
        for (const step of ["department", "order", "invoice", "payment-request", "delivery"]) {
          expect(html).toContain(`<td>${step}</td>`);
        }
        expect(html).toMatch(/<pre tabindex="0" aria-label="Request body">\{\n {2}&quot;amount&quot;: 125.5/);
      });

      it("shows the idempotency key and every call made with it, the replay marked", async () => {
        const html = await page(`/ops/calls/${t.firstKeyedCall}`);
        expect(html).toContain(`Key <code>${IDEMPOTENCY_KEY}</code>.`);
        const sameKey = /<table>\s*<caption id="same-key-caption">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
        expect(tableRows(sameKey)).toHaveLength(2);
        expect(sameKey).toContain("(this call)");
        const replay = callLinks(sameKey).find((id) => id !== t.firstKeyedCall);
        const replayPage = await page(`/ops/calls/${replay}`);
        expect(replayPage).toContain(
          `this call was a replay (stored response of request ${t.firstKeyedCall})`,
        );
      });

      it("answers an unknown request id with 404 and a too long one with 400, on a page", async () => {
        expect(await page("/ops/calls/01a20000-0000-7000-8000-000000000000", 404)).toContain("No such call");
        expect(await page(`/ops/calls/${"x".repeat(300)}`, 400)).toContain("Not a request id");
      });
    });

    describe("CSV export", () => {
      it("exports every call the filters select, whatever page is shown", async () => {
        const res = await get(
          `/ops/calls.csv?departmentUuid=${t.demo.ids.departments.harbor}&limit=1&cursor=zz`,
        );
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
        expect(res.headers.get("content-disposition")).toMatch(
          /^attachment; filename="payreq-calls-\d{4}-\d\d-\d\d\.csv"$/,
        );
        const [header, ...rows] = parseCsv(await res.text());
        expect(header?.slice(0, 4)).toEqual(["recordedAt", "receivedAt", "requestId", "departmentUuid"]);
        expect(rows).toHaveLength(2);
        const column = (name: string) => rows.map((row) => row[header?.indexOf(name) ?? -1]);
        expect(column("textSent")).toEqual(["FAILURE", "FAILURE"]);
        expect(column("orderNumber")).toEqual(["RO-2002", FAILED_ORDER]);
      });

      it("keeps a spreadsheet from running a value as a formula", async () => {
        await t.post(t.body({ orderNumber: "=HYPERLINK(1)" }));
        const text = await (await get("/ops/calls.csv?orderNumber=%3DHYPERLINK(1)")).text();
        expect(text).toContain(",'=HYPERLINK(1),");
      });

      it("exports the outbox with the provider's answers", async () => {
        const res = await get("/ops/outbox.csv?status=FAILED");
        const [header, ...rows] = parseCsv(await res.text());
        expect(header).toContain("providerRef");
        expect(rows).toHaveLength(2);
        expect(rows.every((row) => row.includes("carrier refused the message: unreachable handset"))).toBe(
          true,
        );
      });

      it("answers a bad filter in an export with 400 and the reason as text", async () => {
        const res = await get("/ops/calls.csv?since=someday");
        expect(res.status).toBe(400);
        expect(await res.text()).toContain("since must be");
      });
    });

    describe("outbox", () => {
      it("lists messages with channel, status, provider id and error, filterable, linked to their call", async () => {
        const all = tableRows(await page("/ops/outbox"));
        expect(all.length).toBeGreaterThanOrEqual(8);
        const failedTexts = await page(
          `/ops/outbox?channel=text&status=FAILED&departmentUuid=${t.demo.ids.departments.harbor}`,
        );
        const rows = tableRows(failedTexts);
        expect(rows).toHaveLength(2);
        expect(rows[0]).toContain("unreachable handset");
        expect(callLinks(failedTexts)).toHaveLength(2);
        expect(tableRows(await page("/ops/outbox?channel=email&status=FAILED"))).toEqual([]);
        const paged = await page("/ops/outbox?limit=2");
        expect(tableRows(paged)).toHaveLength(2);
        expect(paged).toMatch(
          /<a href="\/ops\/outbox\?limit=2&amp;cursor=[0-9a-f-]{36}" rel="next">Older<\/a>/,
        );
      });
    });

    describe("overview", () => {
      it("counts the last 30 days by outcome, the top errors, delivery rates, and verifies the chain on request", async () => {
        const html = await page("/ops");
        const rejected = (await t.auditRows()).filter((r) => r.outcome === "REJECTED").length;
        expect(html).toContain(`<strong>${rejected}</strong> rejected`);
        expect(html.match(/<a href="[^"]+" aria-label="\d{4}-\d\d-\d\d: /g)).toHaveLength(30);
        expect(html).toContain("WRONG_CREDENTIAL");
        expect(html).toContain("INVALID_REQUEST_DATA");
        const texts = tableRows(/<caption id="delivery-caption">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "");
        expect(texts[0]).toMatch(/^Texts \d+ 2 \d+\.\d %$/);
        expect(html).toContain("Not verified since the service started.");

        const verify = await t.app.request("/ops/verify-chain", {
          method: "POST",
          headers: {
            Cookie: cookie,
            Origin: "http://localhost",
            "Content-Type": "application/x-www-form-urlencoded",
          },
        });
        expect(verify.status).toBe(303);
        const after = await page("/ops");
        const report = await verifyAuditChain(t.store.sql);
        expect(after).toContain(`${report.rowsChecked} rows checked from seq 1`);
        expect(after).toContain(report.headHash);
      });

      it("narrows to one department", async () => {
        const html = await page(`/ops?departmentUuid=${t.demo.ids.departments.harbor}`);
        expect(html).toContain("<strong>0</strong> rejected");
        expect(html).not.toContain("WRONG_CREDENTIAL");
        expect(await page("/ops?departmentUuid=bad%20value", 400)).toContain("departmentUuid must be");
      });
    });

    it("serves its stylesheet and script with an ETag, and 304 when unchanged", async () => {
      const css = await get("/ops/assets/ops.css");
      expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
      const etag = css.headers.get("etag") ?? "";
      const again = await t.app.request("/ops/assets/ops.css", { headers: { "If-None-Match": etag } });
      expect(again.status).toBe(304);
      expect((await get("/ops/assets/ops.js")).headers.get("content-type")).toBe(
        "text/javascript; charset=utf-8",
      );
    });
  });
});
