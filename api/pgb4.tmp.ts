import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { connectPglite } from "./src/db/client";

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const measure = async (label: string, f: () => Promise<unknown>, n = 5) => {
  const c: number[] = [],
    w: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = cpu(),
      w0 = performance.now();
    await f();
    c.push(cpu() - c0);
    w.push(performance.now() - w0);
  }
  console.log(
    label.padEnd(22),
    "cpu",
    c.map((x) => x.toFixed(0)).join(" "),
    "| wall",
    w.map((x) => x.toFixed(0)).join(" "),
  );
};
const c0 = cpu();
const first = await PGlite.create({ loadDataDir: new Blob([readFileSync("/tmp/tt/dump.tar")]) });
await first.query("select 1");
console.log("first load (wasm compile)", (cpu() - c0).toFixed(0));
const blob = new Blob([readFileSync("/tmp/tt/dump.tar")]);
await measure("loadDataDir", async () => {
  const p = await PGlite.create({ loadDataDir: blob });
  await p.query("select 1");
  await p.close();
});
await measure("clone", async () => {
  const p = await first.clone();
  await p.query("select 1");
  await p.close();
});
await measure(
  "fresh+migrate",
  async () => {
    const p = await PGlite.create();
    await connectPglite(p).migrate();
    await p.close();
  },
  3,
);
await measure("read tar + Blob", async () => {
  new Blob([readFileSync("/tmp/tt/dump.tar")]);
});
const tables = (
  await first.query<{ t: string }>("select tablename as t from pg_tables where schemaname='public'")
).rows.map((r) => `"${r.t}"`);
await measure("truncate all", async () => {
  await first.exec(`truncate ${tables.join(",")} restart identity cascade`);
});
