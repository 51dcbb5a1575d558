import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { createDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabaseUrl: string | null;
  }
}

/**
 * With DATABASE_URL (CI, and any developer with a server) every test file gets its own
 * real PostgreSQL database cloned from a migrated template; without it, each file runs
 * on an in-memory PGlite. The banner says which one ran.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('\n[db] DATABASE_URL is not set: database tests run on in-memory PGlite (embedded default).\n');
    project.provide('templateDatabaseUrl', null);
    return async () => {};
  }
  const base = new URL(url);
  // Unique per run, so concurrent runs against one server don't drop each other's template.
  const templateName = `${base.pathname.slice(1) || 'postgres'}_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists "${templateName}" with (force)`);
  await admin.query(`create database "${templateName}"`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${templateName}`;
  const template = await createDatabase({ kind: 'postgres', url: templateUrl.toString(), poolMax: 2 });
  await migrateToLatest(template.db);
  await template.close();
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
  console.log(`\n[db] database tests run on real PostgreSQL ${version} at ${base.hostname}:${base.port || 5432} (one database per test file).\n`);
  project.provide('templateDatabaseUrl', templateUrl.toString());
  return async () => {
    await admin.query(`drop database if exists "${templateName}" with (force)`);
    await admin.end();
  };
}
