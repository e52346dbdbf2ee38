import { readFile } from "node:fs/promises";
import { createTemplateStore, systemClock, TEMPLATE_KINDS, TemplateError } from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { openConfiguredStore } from "../server.ts";
import { readStdin } from "./stdin.ts";

const USAGE = `usage: payreq templates list <dealerUuid> [--json]
       payreq templates set <dealerUuid> <kind> --file <path>   (or the template on stdin)
       payreq templates reset <dealerUuid> <kind>
kinds: ${TEMPLATE_KINDS.join(", ")}`;

/** Per-dealer wording of the three texts and the email; every text and email body must keep the pay link `_payurl`. */
export const runTemplates = async (
  config: Config,
  args: string[],
  flags: { json: boolean; file?: string | undefined },
) => {
  const [action, dealerUuid, kind, ...rest] = args;
  if (!action || !dealerUuid || rest.length > 0) throw new UsageError(USAGE);
  const database = await openConfiguredStore(config);
  const store = createTemplateStore(database, systemClock);
  try {
    switch (action) {
      case "list": {
        if (kind) throw new UsageError(USAGE);
        const templates = await store.list(dealerUuid);
        if (flags.json) console.log(JSON.stringify(templates, null, 2));
        else
          console.log(
            formatTable(
              ["KIND", "SOURCE", "TEMPLATE"],
              templates.map((t) => [t.kind, t.own ? "dealer" : "default", t.body.replaceAll("\n", "\\n")]),
            ),
          );
        return 0;
      }
      case "set": {
        if (!kind) throw new UsageError(USAGE);
        const body = flags.file
          ? await readFile(flags.file, "utf8").catch(() => {
              throw new UsageError(`cannot read ${flags.file}`);
            })
          : await readStdin();
        await store.set(dealerUuid, kind, body.replace(/\r?\n$/, ""));
        console.log(
          flags.json
            ? JSON.stringify({ dealerUuid, kind, saved: true })
            : `Saved the ${kind} template of ${dealerUuid}.`,
        );
        return 0;
      }
      case "reset": {
        if (!kind) throw new UsageError(USAGE);
        const removed = await store.reset(dealerUuid, kind);
        console.log(
          flags.json
            ? JSON.stringify({ dealerUuid, kind, reset: removed })
            : removed
              ? `The ${kind} template of ${dealerUuid} is the default again.`
              : `${dealerUuid} had no ${kind} template of its own.`,
        );
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } catch (error) {
    if (error instanceof TemplateError) throw new UsageError(error.message);
    throw error;
  } finally {
    await database.close();
  }
};
