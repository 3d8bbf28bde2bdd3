import postgres from "postgres";
import { connectPostgres } from "../src/db/client";
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice: () => {} });
for (let round = 0; round < 3; round++) {
  const name = `race_${Date.now()}`;
  await admin.unsafe(`create database ${name}`);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const a = connectPostgres(url), b = connectPostgres(url);
  const results = await Promise.allSettled([a.migrate(), b.migrate()]);
  console.log(results.map((r) => r.status === "fulfilled" ? "ok" : String((r.reason as any)?.cause?.message ?? r.reason?.message).slice(0, 120)));
  await a.close(); await b.close();
  await admin.unsafe(`drop database ${name} with (force)`);
}
await admin.end();
