import { randomBytes } from "node:crypto";
import { CredentialError, createCredentialStore, systemClock } from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { openConfiguredStore } from "../server.ts";
import { readStdin } from "./stdin.ts";

const expect = (args: string[], count: number, usage: string) => {
  if (args.length !== count) throw new UsageError(`usage: payreq credentials ${usage}`);
  return args;
};

export const runCredentials = async (config: Config, args: string[], json: boolean): Promise<number> => {
  const [action, ...rest] = args;
  const database = await openConfiguredStore(config);
  const store = createCredentialStore(database, systemClock);
  const say = (human: string, data: unknown) => console.log(json ? JSON.stringify(data) : human);
  try {
    switch (action) {
      case "add": {
        const [username] = expect(rest, 1, "add <username>");
        const given = await readStdin();
        const password = given || randomBytes(18).toString("base64url");
        await store.add(username!, password);
        if (given) say(`Added ${username}.`, { username });
        else say(`Added ${username}. Password (shown once): ${password}`, { username, password });
        return 0;
      }
      case "password": {
        const [username] = expect(rest, 1, "password <username>");
        const given = await readStdin();
        const password = given || randomBytes(18).toString("base64url");
        await store.setPassword(username!, password);
        if (given) say(`Changed the password of ${username}.`, { username });
        else say(`New password of ${username} (shown once): ${password}`, { username, password });
        return 0;
      }
      case "grant": {
        const [username, scope, department] = expect(rest, 3, "grant <username> <scope> <departmentUuid|*>");
        await store.grant(username!, scope!, department!);
        say(`Granted ${scope} on ${department} to ${username}.`, {
          username,
          scope,
          departmentUuid: department,
        });
        return 0;
      }
      case "revoke": {
        const [username, scope, department] = expect(rest, 3, "revoke <username> <scope> <departmentUuid|*>");
        const removed = await store.revoke(username!, scope!, department!);
        say(
          removed ? `Revoked ${scope} on ${department} from ${username}.` : `${username} held no such grant.`,
          {
            username,
            scope,
            departmentUuid: department,
            revoked: removed,
          },
        );
        return 0;
      }
      case "disable": {
        const [username] = expect(rest, 1, "disable <username>");
        await store.disable(username!);
        say(`Disabled ${username}.`, { username, disabled: true });
        return 0;
      }
      case "list": {
        expect(rest, 0, "list");
        const users = await store.list();
        if (json) {
          console.log(JSON.stringify(users, null, 2));
        } else {
          const rows = users.map((u) => [
            u.username,
            u.disabled ? "disabled" : "active",
            u.grants.map((g) => `${g.scope}@${g.departmentUuid}`).join(" ") || "(none)",
          ]);
          console.log(formatTable(["USERNAME", "STATUS", "GRANTS"], rows));
        }
        return 0;
      }
      default:
        throw new UsageError("usage: payreq credentials add|password|grant|revoke|disable|list ...");
    }
  } catch (error) {
    if (error instanceof CredentialError) throw new UsageError(error.message);
    throw error;
  } finally {
    await database.close();
  }
};
