import {
  type DemoSharePhoneResponse,
  demoSharePhoneRequestSchema,
  demoSharePhoneResponseSchema,
} from "@guestcard/shared";
import { Hono } from "hono";
import { html } from "hono/html";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { acceptVerifiedPhone } from "../guests/guests";
import { normalizePhone } from "../guests/phone";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse } from "../http/route-schema";
import { recordSourceEvent } from "../sources/attribution";
import { demoGuests } from "./demo-guests";
import { launchFragment, signInitData } from "./launch-url";

/** The demo launcher: open the real Mini App as a demo guest, with initData signed by the demo token. */
export function demoPages(deps: {
  demoToken: string;
  /** The demo till's POS key, when demo mode made one: the cashier page link carries it. */
  demoTillKey?: string;
}) {
  return new Hono()
    .get("/", (c) => {
      const theme = c.req.query("theme") === "dark" ? "dark" : "light";
      const startParam = c.req.query("startapp");
      const query = (id: number) => {
        const params = new URLSearchParams({ theme, ...(startParam ? { startapp: startParam } : {}) });
        return `/demo/open/${id}?${params}`;
      };
      return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Guestcard demo</title>
    <style>
      body { font: 16px/1.45 system-ui, sans-serif; margin: 0; background: #f0f0f5; color: #111; }
      main { max-width: 560px; margin: 0 auto; padding: 24px 16px; }
      h1 { font-size: 24px; margin: 0 0 4px; }
      p.lead { color: #555; margin: 0 0 20px; }
      a.guest { display: block; background: #fff; border-radius: 12px; padding: 14px 16px; margin: 0 0 10px;
        color: inherit; text-decoration: none; box-shadow: 0 1px 2px rgb(0 0 0 / 8%); }
      a.guest:hover { outline: 2px solid #2481cc; }
      .name { font-weight: 600; } .role { color: #2481cc; font-size: 13px; text-transform: uppercase; }
      .hint { color: #666; font-size: 14px; }
      nav a { color: #2481cc; margin-right: 16px; }
    </style>
  </head>
  <body>
    <main>
      <h1>Guestcard demo</h1>
      <p class="lead">No Telegram needed: pick who you are and the real Mini App opens as that person.</p>
      ${demoGuests.map(
        (guest) => html`<a class="guest" data-guest-id="${guest.id}" href="${query(guest.id)}">
          <div class="role">${guest.role}</div>
          <div class="name">${guest.firstName} ${guest.lastName}</div>
          <div class="hint">${guest.description.en} · ${guest.description.ru}</div>
        </a>`,
      )}
      <nav>
        <a href="/demo?theme=${theme === "dark" ? "light" : "dark"}">${theme === "dark" ? "Light" : "Dark"} theme</a>
        <a href="/cashier${deps.demoTillKey ? `#pos-key=${encodeURIComponent(deps.demoTillKey)}` : ""}" target="_blank">Cashier page</a>
        <a href="/demo/managers-chat" target="_blank">Managers' chat</a>
      </nav>
    </main>
  </body>
</html>`);
    })
    .get("/open/:id", (c) => {
      const guest = demoGuests.find((candidate) => String(candidate.id) === c.req.param("id"));
      if (!guest) return c.redirect("/demo");
      const startParam = c.req.query("startapp");
      const initData = signInitData(guest, deps.demoToken, {
        startParam: startParam && /^[A-Za-z0-9_-]{1,64}$/.test(startParam) ? startParam : undefined,
      });
      return c.redirect(`/${launchFragment(initData, c.req.query("theme") === "dark" ? "dark" : "light")}`);
    });
}

/**
 * Demo mode's stand-in for the one step that needs Telegram: sharing the phone with the bot.
 * It runs the same domain code as the bot's contact handler. Mounted in every mode (the demo group
 * answers 404 outside demo mode), so the web's typed client covers it.
 */
export function demoApi(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const sharePhone = group.route({
    method: "post",
    path: "/share-phone",
    summary: "Share a phone as if through the bot (demo mode only)",
    description: "Without `phone`, the demo guest's own number is used.",
    request: { body: jsonRequestBody(demoSharePhoneRequestSchema) },
    responses: { 200: jsonResponse("What sharing the phone did", demoSharePhoneResponseSchema) },
  });
  return group.routes().openapi(sharePhone, async (c) => {
    const { user } = c.get("launch");
    const requested = c.req.valid("json").phone;
    const fallback =
      demoGuests.find((guest) => guest.id === user.id)?.phone ??
      `+7999${String(user.id).padStart(7, "0").slice(-7)}`;
    const phone = normalizePhone(requested ?? fallback);
    if (!phone)
      throw new ApiError("validation_failed", "That is not a phone number.", {
        phone: { code: "not_a_phone" },
      });
    const { outcome, state } = await acceptVerifiedPhone(deps.db, user, phone);
    // The same funnel steps the bot's contact handler records.
    await recordSourceEvent(deps.db, user.id, "phone_shared");
    if (outcome === "linked") await recordSourceEvent(deps.db, user.id, "registered");
    const body: DemoSharePhoneResponse = { outcome, status: state.status };
    return c.json(body, 200);
  });
}
