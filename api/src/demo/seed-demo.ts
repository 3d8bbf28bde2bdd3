import { readFileSync } from "node:fs";
import type { Database } from "../db/client";
import { accounts } from "../db/schema";
import { importGuests } from "../guest-import/guest-import";
import { demoGuests } from "./demo-guests";

/** 1,000 fictional guests (a copy of shared/testdata): the demo restaurant's existing guest base. */
const demoGuestBase = new URL("./guests-1000.csv", import.meta.url);

/** The demo's "known guest" is in the restaurant's guest base before they ever open the bot. */
export async function seedDemo(db: Database): Promise<void> {
  await db
    .insert(accounts)
    .values(
      demoGuests
        .filter((guest) => guest.role === "known guest")
        .map((guest) => ({
          phone: guest.phone,
          lastName: guest.lastName,
          firstName: guest.firstName,
          middleName: "Олеговна",
          gender: "female" as const,
          birthday: "1985-02-07",
          origin: "import" as const,
        })),
    )
    .onConflictDoNothing();
  // Through the manager's import code, as a restaurant would bring its base; idempotent across restarts.
  await importGuests(db, readFileSync(demoGuestBase));
}
