import type { Database } from "../db/client";
import { accounts } from "../db/schema";
import { demoGuests } from "./demo-guests";

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
}
