import { Client } from 'pg';

/** Reads a service's database directly: tests check state, services never do this. */
export async function queryDatabase<T = any>(url: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}
