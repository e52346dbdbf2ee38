import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SendPaymentRequestBody } from "@payreq/contracts";
import { createCore, openSqliteStore, type SqliteStore, seedDemo } from "@payreq/core";
import {
  type AuditColumns,
  AuditTrail,
  createPaymentRequest,
  DEFAULT_TEMPLATES,
  dialectOf,
  ensureOpenInvoice,
  hashAuditRow,
  insertOutbox,
  invoiceFieldsOf,
  orderRequestOf,
  renderEmail,
  renderText,
  resolveOrder,
  toAuditColumns,
} from "@payreq/core/profiling";
import { parseJsonStrictly } from "@payreq/server/parse-json";
import { DEMO_CUSTOMER, publishedBody } from "./published-call.ts";

/**
 * One call of Send Payment Request, part by part, in CPU microseconds: each part run on its own many times in this
 * process, on a SQLite file as the service keeps it (WAL, the write queue). What a loaded service adds on top
 * (HTTP, scheduling, garbage collection across parts) is in the load figures of `pnpm bench`.
 */

const N = Number(process.env.PROFILE_CALLS ?? 2500);

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * CPU microseconds per run of `work`, after a warm-up, as the median of 5 rounds. With `around`, each round runs
 * inside it (a transaction: writes are measured as they run in a batch, without their commit).
 */
const measure = async (
  work: (i: number) => unknown | Promise<unknown>,
  around: (round: () => Promise<void>) => Promise<void> = (round) => round(),
): Promise<number> => {
  let i = 0;
  await around(async () => {
    for (const end = i + 200; i < end; i++) await work(i);
  });
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    let spent = 0;
    await around(async () => {
      const start = cpuMicros();
      for (const end = i + N; i < end; i++) await work(i);
      spent = cpuMicros() - start;
    });
    rounds.push(spent / N);
  }
  return rounds.sort((a, b) => a - b)[2] ?? 0;
};

const bodyText = publishedBody(DEMO_CUSTOMER, "RO-PROFILE");

export const profileCall = async () => {
  const dir = mkdtempSync(join(tmpdir(), "payreq-profile-"));
  const store: SqliteStore = openSqliteStore(join(dir, "profile.db"));
  try {
    const core = createCore({
      store,
      paymentUrls: { baseUrl: "http://127.0.0.1:3000/pay", ttlMs: 86_400_000 },
    });
    const demo = await seedDemo(store, core.credentials, core.clock);
    if (!demo) throw new Error("fresh database was not empty");
    const { username, password } = demo.credentials.sunriseSender;
    const department = await core.deps.platform.getDepartment(demo.ids.departments.sunrise);
    if (!department) throw new Error("no demo department");
    const { clock, ids } = core;
    const forUpdate = dialectOf("sqlite").forUpdate;
    const rows: [string, number][] = [];
    const add = (part: string, micros: number) => rows.push([part, micros]);
    /**
     * Writes as the write queue batches them under load: a commit every 25 calls, its cost (the WAL pages the
     * writes dirtied, written out) shared among them; the WAL sync, which runs off the thread, is left out.
     */
    const batched =
      (work: (i: number) => unknown | Promise<unknown>) =>
      async (i: number): Promise<void> => {
        if (i % 25 === 0) store.sqlite.exec("begin immediate");
        await work(i);
        if (i % 25 === 24) store.sqlite.exec("commit");
      };

    add("JSON parse and hostile-input checks", await measure((i) => parseJsonStrictly(bodyText(i))));
    const body = SendPaymentRequestBody.parse(JSON.parse(bodyText(0)));
    add(
      "zod validation of the body",
      await measure(() => SendPaymentRequestBody.safeParse(JSON.parse(bodyText(0)))),
    );
    await core.authenticator.authenticate(username, password, "127.0.0.1");
    add(
      "authentication (verified credential: throttle and version reads)",
      await measure(() => core.authenticator.authenticate(username, password, "127.0.0.1")),
    );
    add("department lookup", await measure(() => core.deps.platform.getDepartment(department.uuid)));

    // Steps 1-3 inside write-queue transactions, 50 calls to a commit as under load; commits measured apart.
    const steps = { order: 0, invoice: 0, paymentRequest: 0 };
    let prepared = 0;
    const stepRound = async (round: number) => {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          store.writes.run(async () => {
            const tx = store.sql;
            const context = { tx, clock, ids, forUpdate };
            const call = SendPaymentRequestBody.parse(JSON.parse(bodyText(1_000_000 + round * 50 + j)));
            let t = cpuMicros();
            const resolved = await resolveOrder(context, orderRequestOf(department, call));
            steps.order += cpuMicros() - t;
            t = cpuMicros();
            const ensured = await ensureOpenInvoice(context, resolved.order, invoiceFieldsOf(call));
            steps.invoice += cpuMicros() - t;
            t = cpuMicros();
            await createPaymentRequest(context, core.paymentUrls, {
              invoice: ensured.invoice,
              flags: { attachInvoice: true, esignRequired: false, sendAsText: true, sendAsEmail: true },
              requestId: ids.next(),
              mayHaveReminder: !ensured.created || call.reminderDate !== undefined,
            });
            steps.paymentRequest += cpuMicros() - t;
            prepared++;
          }),
        ),
      );
    };
    for (let round = 0; round < 20; round++) await stepRound(round);
    steps.order = steps.invoice = steps.paymentRequest = 0;
    prepared = 0;
    const commitsBefore = store.writes.stats.batches;
    const roundsStart = cpuMicros();
    for (let round = 20; round < 20 + N / 50; round++) await stepRound(round);
    const roundsTotal = (cpuMicros() - roundsStart) / prepared;
    add("step 1: find or create the order", steps.order / prepared);
    add("step 2: find or create the open invoice", steps.invoice / prepared);
    add("step 3: the payment request and its link", steps.paymentRequest / prepared);
    const commitShare = roundsTotal - (steps.order + steps.invoice + steps.paymentRequest) / prepared;
    add(
      `transaction, commit and WAL sync of steps 1-3 (${(prepared / (store.writes.stats.batches - commitsBefore)).toFixed(0)} calls to a commit)`,
      commitShare,
    );

    const context = {
      dealerName: department.dealerName,
      orderType: "RO",
      orderNumber: "RO-1001",
      amountCents: 12550,
      description: body.description,
      customerFirstName: "Jane",
      customerHasEmail: true,
      paymentUrl: `http://127.0.0.1:3000/pay/${"A".repeat(64)}`,
      invoiceUrl: `http://127.0.0.1:3000/pay/${"A".repeat(64)}/invoice`,
      attachInvoice: true,
      esignRequired: false,
    };
    add(
      "rendering the text and the email",
      await measure(() => [renderText(DEFAULT_TEMPLATES, context), renderEmail(DEFAULT_TEMPLATES, context)]),
    );

    const payment = await store.sql.get<{ uuid: string }>("select uuid from payment_requests limit 1");
    const message = {
      channel: "text" as const,
      customerUuid: demo.ids.customers.sunriseFull,
      recipient: "*********01",
      body: renderText(DEFAULT_TEMPLATES, context),
      status: "DELIVERED" as const,
      provider: "outbox",
    };
    add(
      "outbox: two message rows, with their share of the commit",
      await measure(
        batched(async () => {
          const now = clock.now();
          for (const channel of ["text", "email"] as const)
            await insertOutbox(
              store.sql,
              { ...message, channel, uuid: ids.next(), paymentRequestUuid: payment?.uuid ?? "" },
              now,
            );
        }),
      ),
    );

    const trail = new AuditTrail(clock);
    for (const step of ["department", "order", "invoice", "payment-request", "delivery"])
      trail.note(step, "ok", "created 01a20f3e-5c81-710d-95bb-9bf23537a628");
    const entry = (i: number) => ({
      meta: {
        requestId: `req-${i}`,
        transport: "rest" as const,
        operation: "payment-requests.send",
        receivedAt: clock.now(),
        clientAddress: "127.0.0.1",
      },
      username,
      departmentUuid: department.uuid,
      status: 200,
      requestBody: JSON.parse(bodyText(i)),
      response: {
        errors: [],
        warnings: [],
        paymentUrl: context.paymentUrl,
        textSent: "SUCCESS",
        emailSent: "SUCCESS",
        orderUuid: ids.next(),
        invoiceUuid: ids.next(),
        paymentRequestUuid: ids.next(),
        orderCreated: true,
        invoiceCreated: true,
        requestId: ids.next(),
      },
      timeline: trail.timeline,
      touched: {
        orderNumber: "RO-1001",
        orderUuid: ids.next(),
        orderCreated: true,
        invoiceUuid: ids.next(),
        invoiceCreated: true,
        paymentRequestUuid: ids.next(),
        customerUuid: demo.ids.customers.sunriseFull,
      },
    });
    add("audit row: redaction and serialization", await measure((i) => toAuditColumns(entry(i), clock)));
    const columns = toAuditColumns(entry(0), clock);
    const row: AuditColumns = { ...columns, seq: 1, recorded_at: clock.now(), prev_hash: "0".repeat(64) };
    add("audit row: SHA-256 over the row", await measure(() => hashAuditRow(row)));

    // The same insert into the audit table and into a copy of it without its secondary indexes.
    store.sqlite.exec("create table audit_plain as select * from audit_log where 0");
    const names = Object.keys({ ...row, row_hash: "" });
    const insertInto = (table: string) =>
      store.sqlite.prepare(
        `insert into ${table} (${names.join(", ")}) values (${names.map(() => "?").join(", ")})`,
      );
    const indexed = insertInto("audit_log");
    const plain = insertInto("audit_plain");
    let seq = 1_000_000;
    const insertRun = (statement: typeof indexed) => () => {
      seq++;
      // Distinct values per row, as calls have: each index takes the row where real traffic would put it.
      const values = {
        ...row,
        seq,
        request_id: ids.next(),
        order_number: `RO-${(seq * 7919) % 100_000}`,
        order_uuid: ids.next(),
        invoice_uuid: ids.next(),
        payment_request_uuid: ids.next(),
        customer_uuid: `customer-${seq % 5000}`,
        row_hash: "f".repeat(64),
      };
      statement.run(...names.map((n) => values[n as keyof typeof values]));
    };
    const withIndexes = await measure(batched(insertRun(indexed)));
    const withoutIndexes = await measure(batched(insertRun(plain)));
    add("audit row: insert and its share of the commit (the row itself)", withoutIndexes);
    add(
      "audit row: index maintenance and its share of the commit (11 indexes)",
      withIndexes - withoutIndexes,
    );
    return rows;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

export const formatProfile = (rows: [string, number][]) =>
  rows.map(([part, micros]) => `${part.padEnd(72)} ${micros.toFixed(1).padStart(7)} µs`).join("\n");

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatProfile(await profileCall()));
}
