import { createTestContext } from "../test/test-app";
const ctx = await createTestContext({ POS_API_KEYS: "till1:secret-till-1" });
const r = await ctx.app.request("/api/openapi.json");
console.log(r.status);
const doc = await r.json();
await import("node:fs").then((fs) => fs.writeFileSync("/tmp/openapi.json", JSON.stringify(doc, null, 2)));
console.log(Object.keys(doc.paths));
console.log(ctx.app.routes.map((x) => `${x.method} ${x.path}`).join("\n"));
await ctx.close();
