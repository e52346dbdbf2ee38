#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ConfigError, readConfig } from "../config.ts";
import { runCredentials } from "./credentials-command.ts";
import { runDemoSeed } from "./demo-command.ts";
import { UsageError } from "./output.ts";
import { runServe } from "./serve-command.ts";

const USAGE = `Usage: payreq <command> [options]

Commands:
  serve                                        run the HTTP service (pnpm start)
  demo seed [--json]                           seed the demo dealers, customers and credentials
  credentials add <username> [--json]          password from stdin, or generated and printed once
  credentials password <username>              new password from stdin, or generated and printed once
  credentials grant <username> <scope> <departmentUuid|*>
  credentials revoke <username> <scope> <departmentUuid|*>
  credentials disable <username>
  credentials list [--json]

Configuration comes from the environment (see README: PORT, HOST, PAYREQ_DATABASE, ...).`;

const main = async (argv: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
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
    case "demo":
      return runDemoSeed(config, rest, values.json);
    case "credentials":
      return runCredentials(config, rest, values.json);
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
      if (error instanceof UsageError) console.error("Run 'payreq --help' for usage.");
      process.exitCode = 2;
      return;
    }
    console.error(`payreq: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  },
);
