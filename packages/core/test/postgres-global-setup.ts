import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPostgresStore } from "../src/store/postgres/open-postgres.ts";
import { startPostgresServer } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test server's maintenance database; tests create their own from `payreq_template`. */
    postgresAdminUrl: string;
  }
}

export const TEMPLATE_DATABASE = "payreq_template";

/** One PostgreSQL server per test run, with a migrated template that each test's database is copied from. */
export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.urlOf("postgres") });
  await admin.connect();
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const template = await openPostgresStore(server.urlOf(TEMPLATE_DATABASE));
  await template.close();
  project.provide("postgresAdminUrl", server.urlOf("postgres"));
  return () => server.destroy();
}
