#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ConfigError, readConfig } from "../config.ts";
import { UsageError } from "../formats/output.ts";
import { AUDIT_FLAG_OPTIONS, runAudit } from "./audit-command.ts";
import { runCredentials } from "./credentials-command.ts";
import { runDealers } from "./dealers-command.ts";
import { runDemoSeed } from "./demo-command.ts";
import { runInvoices } from "./invoices-command.ts";
import { runMigrate } from "./migrate-command.ts";
import { runOutbox } from "./outbox-command.ts";
import { runReminders } from "./reminders-command.ts";
import { runServe } from "./serve-command.ts";
import { runTemplates } from "./templates-command.ts";
import { runWebhooks } from "./webhooks-command.ts";

const USAGE = `Usage: payreq <command> [options]

Commands:
  serve                                        run the HTTP service (pnpm start)
  migrate [--json]                             bring the database's schema up to this build's (for
                                               deploys that start instances with PAYREQ_MIGRATE=off)
  demo seed [--json]                           seed the demo dealers, customers and credentials
  credentials add <username> [--json]          password from stdin, or generated and printed once
  credentials password <username>              new password from stdin, or generated and printed once
  credentials grant <username> <scope> <departmentUuid|*>
  credentials revoke <username> <scope> <departmentUuid|*>
  credentials disable <username>
  credentials list [--json]
  audit list [filters] [--json|--csv]          newest first; filters: --department --since --until --outcome
                                               --status --error-code --username --order-number --order-uuid
                                               --invoice-uuid --customer-uuid --idempotency-key --request-id
                                               --limit --cursor (times: 24h, 7d, 2026-11-23 or ISO)
  audit show <requestId> [--json|--csv]        one call with its timeline, request and response
  audit stats [--department --since --until]   calls by outcome per department per day; top error codes
  audit verify                                 check the hash chain; exits 1 naming the first bad row
  audit prune --before <date>                  remove older rows; the chain still verifies
  outbox list [--channel --status --payment-request --customer-uuid --limit] [--json]
                                               every message sent or tried, newest first
  templates list <dealerUuid> [--json]         the dealer's texts and email (own or default)
  templates set <dealerUuid> <kind> --file f   save a dealer's template (stdin without --file)
  templates reset <dealerUuid> <kind>          back to the default
  reminders list [--status --invoice-uuid --department --limit] [--json]
                                               invoice reminders, pending first, then by due time
  reminders run-due [--json]                   send the reminders that are due now (serve does this itself)
  invoices show <invoiceUuid> [--json]         an invoice with its payment and refund
  invoices mark-paid <invoiceUuid> [--paid-date ISO] [--amount n] [--refunded-amount n]
                                               record a payment (date: now by default) and/or a refund
  invoices void <invoiceUuid>                  cancel an open invoice
  webhooks add --department D --url URL [--events a,b] [--description text] [--dealer-wide] [--json]
                                               register an endpoint; prints its signing secret once
  webhooks list [--department D]               the endpoints (a dealer-wide one covers every department)
  webhooks show|disable|enable|remove|rotate-secret <endpointId>
  webhooks deliveries [--endpoint ID] [--status failed]
                                               deliveries with their attempts, newest first
  webhooks replay <deliveryId> | --endpoint ID --since T
                                               queue deliveries again, with their original webhook-id
  dealers list|show <dealerUuid> [--json]      the dealers' payment settings (Stripe account, currency)
  dealers stripe-account <dealerUuid> <acct_…|none>
                                               connect (or disconnect) the dealer's Stripe account

Every command prints JSON with --json. Configuration comes from the environment (see the README:
PORT, HOST, PAYREQ_DATABASE, ...); PAYREQ_DATABASE is relative to the directory the command runs in.`;

const main = async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      csv: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      ...AUDIT_FLAG_OPTIONS,
      channel: { type: "string" },
      "payment-request": { type: "string" },
      file: { type: "string" },
      "paid-date": { type: "string" },
      amount: { type: "string" },
      "refunded-amount": { type: "string" },
      url: { type: "string" },
      events: { type: "string" },
      description: { type: "string" },
      "dealer-wide": { type: "boolean" },
      endpoint: { type: "string" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = readConfig();
  switch (command) {
    case "serve":
      return runServe(config);
    case "migrate":
      return runMigrate(config, rest, values.json);
    case "demo":
      return runDemoSeed(config, rest, values.json);
    case "credentials":
      return runCredentials(config, rest, values.json);
    case "audit":
      return runAudit(config, rest, values);
    case "outbox":
      return runOutbox(config, rest, values);
    case "templates":
      return runTemplates(config, rest, values);
    case "reminders":
      return runReminders(config, rest, values);
    case "invoices":
      return runInvoices(config, rest, values);
    case "webhooks":
      return runWebhooks(config, rest, values);
    case "dealers":
      return runDealers(config, rest, values);
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || !process.argv.includes("serve")) process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`payreq: ${(error as Error).message}`);
      if (error instanceof UsageError) console.error("Run 'pnpm payreq --help' for usage.");
      process.exitCode = 2;
      return;
    }
    console.error(`payreq: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  },
);
