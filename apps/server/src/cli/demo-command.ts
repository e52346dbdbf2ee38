import { createCredentialStore, seedDemo, systemClock } from "@payreq/core";
import type { Config } from "../config.ts";
import { UsageError } from "../formats/output.ts";
import { openConfiguredStore } from "../server.ts";

export const runDemoSeed = async (config: Config, args: string[], json: boolean): Promise<number> => {
  if (args[0] !== "seed" || args.length !== 1) throw new UsageError("usage: payreq demo seed [--json]");
  const database = await openConfiguredStore(config);
  try {
    const demo = await seedDemo(database, createCredentialStore(database, systemClock), systemClock);
    if (!demo) {
      console.error(
        `payreq: ${database.location} already holds data; demo data is seeded only into an empty database`,
      );
      return 1;
    }
    if (json) {
      console.log(JSON.stringify(demo, null, 2));
    } else {
      console.log(`Seeded ${database.location}`);
      console.log(
        `Departments: sunrise ${demo.ids.departments.sunrise}, harbor ${demo.ids.departments.harbor}`,
      );
      for (const credential of Object.values(demo.credentials)) {
        console.log(
          `  ${credential.username}  ${credential.password}  ${credential.scope} on ${credential.departmentUuid}`,
        );
      }
    }
    return 0;
  } finally {
    await database.close();
  }
};
