import { ANY_DEPARTMENT, Scopes, type WebhookDelivery, type WebhookEndpoint } from "@payreq/contracts";
import {
  type Core,
  departmentOfEndpoint,
  type ManageResult,
  type Principal,
  recordCall,
  silentLogger,
} from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { toIsoTime } from "../formats/relative-time.ts";
import { buildCore, openConfiguredStore } from "../server.ts";

const USAGE = `usage: payreq webhooks add --department D --url URL [--events a,b] [--description text] [--dealer-wide] [--json]
       payreq webhooks list [--department D] [--json]
       payreq webhooks show|disable|enable|remove|rotate-secret <endpointId> [--json]
       payreq webhooks deliveries [--endpoint ID] [--status pending|delivering|delivered|failed] [--limit n] [--json]
       payreq webhooks replay <deliveryId> | --endpoint ID --since T [--json]`;

export type WebhookFlags = {
  json: boolean;
  department?: string | undefined;
  url?: string | undefined;
  events?: string | undefined;
  description?: string | undefined;
  "dealer-wide"?: boolean | undefined;
  endpoint?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
};

/** Whoever runs the command on the service's database is its operator: every department is theirs. */
const OPERATOR: Principal = {
  userId: 0,
  username: "cli",
  grants: [{ scope: Scopes.webhooksManage, departmentUuid: ANY_DEPARTMENT }],
  authVersion: 0,
};

const when = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 19) : "");

const printEndpoints = (endpoints: WebhookEndpoint[]) =>
  console.log(
    formatTable(
      ["ID", "DEPARTMENT", "URL", "EVENTS", "ENABLED", "DISABLED BECAUSE", "CREATED (UTC)"],
      endpoints.map((e) => [
        e.id,
        e.departmentUuid ?? `dealer ${e.dealerUuid}`,
        e.url,
        e.events?.join(",") ?? "all",
        e.enabled ? "yes" : "no",
        e.disabledReason ?? "",
        when(e.createdAt),
      ]),
    ),
  );

const printDeliveries = (deliveries: WebhookDelivery[]) =>
  console.log(
    formatTable(
      ["DELIVERY", "EVENT", "TYPE", "STATUS", "ATTEMPTS", "LAST ANSWER", "NEXT TRY (UTC)"],
      deliveries.map((d) => {
        const last = d.attempts.at(-1);
        return [
          d.id,
          d.eventId,
          d.eventType,
          d.status,
          d.attempts.length,
          last
            ? last.statusCode !== null
              ? `${last.statusCode} in ${last.latencyMs} ms`
              : (last.error ?? "")
            : "",
          when(d.nextAttemptAt),
        ];
      }),
    ),
  );

/**
 * `payreq webhooks`: the same operations as the REST endpoints, run by the operator on the database. Changes are
 * audited (transport cli); a new secret is printed once.
 */
export const runWebhooks = async (config: Config, args: string[], flags: WebhookFlags): Promise<number> => {
  const [action, id, ...rest] = args;
  if (!action || rest.length > 0) throw new UsageError(USAGE);
  const database = await openConfiguredStore(config);
  const core = buildCore(config, database, silentLogger);
  try {
    const api = core.webhooks;
    let acting: string | undefined;
    const call = (departmentUuid: string | undefined) => {
      acting = departmentUuid;
      return { principal: OPERATOR, departmentUuid, requestId: core.ids.next() };
    };
    /** The department to act in: the flag, or the endpoint's own. */
    const departmentFor = async (endpointId: string | undefined) => {
      if (!endpointId) throw new UsageError(USAGE);
      const department = await departmentOfEndpoint(database.sql, endpointId);
      if (!department) throw new CliRefusal(`no webhook endpoint ${endpointId}`);
      return department;
    };
    const settle = async <T>(
      operation: string,
      result: ManageResult<T>,
      audit: boolean,
      requestBody?: unknown,
    ) => {
      if (audit) await auditCli(core, operation, acting, result, requestBody);
      if (!result.ok) {
        const [first] = result.body.errors;
        throw new CliRefusal(`${first?.errorTitle}: ${first?.errorDescription}`);
      }
      return result.body;
    };
    const print = (value: unknown, human: () => void) =>
      flags.json ? console.log(JSON.stringify(value, null, 2)) : human();

    switch (action) {
      case "add": {
        if (id || !flags.department || !flags.url) throw new UsageError(USAGE);
        const body = {
          url: flags.url,
          ...(flags.events ? { events: flags.events.split(",").map((e) => e.trim()) } : {}),
          ...(flags.description ? { description: flags.description } : {}),
          ...(flags["dealer-wide"] ? { dealerWide: true } : {}),
        };
        const { endpoint } = await settle(
          "webhooks.create",
          await api.create(call(flags.department), body),
          true,
          body,
        );
        print(endpoint, () => {
          printEndpoints([endpoint]);
          console.log(`\nsigning secret (shown once): ${endpoint.secret}`);
        });
        return 0;
      }
      case "list": {
        if (id) throw new UsageError(USAGE);
        const departments = flags.department
          ? [flags.department]
          : (await database.sql.all<{ uuid: string }>("select uuid from departments order by uuid")).map(
              (d) => d.uuid,
            );
        const seen = new Map<string, WebhookEndpoint>();
        for (const department of departments) {
          const { endpoints } = await settle("webhooks.list", await api.list(call(department)), false);
          for (const endpoint of endpoints) seen.set(endpoint.id, endpoint);
        }
        const endpoints = [...seen.values()];
        print(endpoints, () => printEndpoints(endpoints));
        return 0;
      }
      case "show":
      case "disable":
      case "enable":
      case "remove":
      case "rotate-secret": {
        const target = call(await departmentFor(id));
        if (action === "remove") {
          const removed = await settle("webhooks.remove", await api.remove(target, id), true);
          print(removed, () => console.log(`removed ${removed.removed}`));
          return 0;
        }
        if (action === "rotate-secret") {
          const { endpoint } = await settle(
            "webhooks.rotate-secret",
            await api.rotateSecret(target, id),
            true,
          );
          print(endpoint, () => {
            printEndpoints([endpoint]);
            console.log(`\nnew signing secret (shown once): ${endpoint.secret}`);
            console.log(`the previous secret signs too until ${endpoint.previousSecretExpiresAt}`);
          });
          return 0;
        }
        const { endpoint } =
          action === "show"
            ? await settle("webhooks.show", await api.show(target, id), false)
            : await settle(`webhooks.${action}`, await api.setEnabled(target, id, action === "enable"), true);
        print(endpoint, () => printEndpoints([endpoint]));
        return 0;
      }
      case "deliveries": {
        if (id) throw new UsageError(USAGE);
        const endpointIds = flags.endpoint
          ? [flags.endpoint]
          : (
              await database.sql.all<{ id: string }>("select id from webhook_endpoints order by created_at")
            ).map((e) => e.id);
        const deliveries: WebhookDelivery[] = [];
        for (const endpointId of endpointIds) {
          const query = {
            ...(flags.status ? { status: flags.status } : {}),
            ...(flags.limit ? { limit: flags.limit } : {}),
          };
          const result = await api.deliveries(call(await departmentFor(endpointId)), endpointId, query);
          deliveries.push(...(await settle("webhooks.deliveries", result, false)).deliveries);
        }
        deliveries.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        print(deliveries, () => printDeliveries(deliveries));
        return 0;
      }
      case "replay": {
        let result: ManageResult<{ replayed: string[] }>;
        if (id) {
          const owner = await database.sql.get<{ endpointId: string }>(
            `select endpoint_id as "endpointId" from webhook_deliveries where id = ?`,
            [id],
          );
          if (!owner) throw new CliRefusal(`no webhook delivery ${id}`);
          result = await api.replayDelivery(
            call(await departmentFor(owner.endpointId)),
            owner.endpointId,
            id,
          );
        } else {
          if (!flags.endpoint || !flags.since) throw new UsageError(USAGE);
          const since = toIsoTime(flags.since, "--since", core.clock.now());
          result = await api.replaySince(call(await departmentFor(flags.endpoint)), flags.endpoint, {
            since,
          });
        }
        const { replayed } = await settle("webhooks.replay", result, true, {
          deliveryId: id,
          since: flags.since,
        });
        print({ replayed }, () => console.log(`queued again: ${replayed.length} ${replayed.join(" ")}`));
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } catch (error) {
    if (!(error instanceof CliRefusal)) throw error;
    console.error(`payreq: ${error.message}`);
    return 1;
  } finally {
    core.close();
    await database.close();
  }
};

class CliRefusal extends Error {}

/** A change made from the command line is audited like one made over REST (its secret never stored). */
const auditCli = (
  core: Core,
  operation: string,
  departmentUuid: string | undefined,
  result: ManageResult<unknown>,
  requestBody: unknown,
) =>
  recordCall(core.deps, {
    entry: {
      meta: { requestId: core.ids.next(), transport: "cli", operation, receivedAt: core.clock.now() },
      username: OPERATOR.username,
      departmentUuid,
      status: result.status,
      response: result.body as Record<string, unknown>,
      requestBody,
    },
  });
