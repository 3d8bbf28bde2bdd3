import { type GuestSummary, guestSearchQuerySchema } from "@guestcard/shared";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Cell, Loading, Notice, Page, Section } from "../components/layout";
import { formatDate, formatPhone, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { useGuestRecordTexts } from "./guest-records-texts";
import { openGuest } from "./manager-state";
import { failureText, useManagerTexts } from "./manager-texts";
import "./manager.css";

/** The search a manager typed last, so Back from a record finds the list as it was. */
let lastSearch: { query: string; guests: GuestSummary[] } | null = null;

export const guestName = (guest: { lastName: string; firstName: string; middleName: string | null }) =>
  [guest.lastName, guest.firstName, guest.middleName].filter(Boolean).join(" ");

/** Find a guest by phone (any spelling) or name; a tap opens the record. */
export function ManagerGuestsScreen() {
  const { api, request } = useSession();
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  const guestTexts = useTexts();
  const { navigate } = useNavigation();
  const [query, setQuery] = useState(lastSearch?.query ?? "");
  const [guests, setGuests] = useState<GuestSummary[] | null>(lastSearch?.guests ?? null);
  const [searching, setSearching] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  async function search() {
    const parsed = guestSearchQuerySchema.safeParse({ q: query });
    if (!parsed.success) return;
    setSearching(true);
    setFailure(null);
    try {
      const found = await request(api.manager.guests.$get({ query: { q: parsed.data.q } }));
      setGuests(found.guests);
      lastSearch = { query, guests: found.guests };
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      setFailure(error);
    } finally {
      setSearching(false);
    }
  }

  return (
    <Page title={texts.guests}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void search();
        }}
      >
        <Section footer={texts.searchHint}>
          <div className="search-row">
            <label className="input-cell">
              <span className="input-label">{texts.searchLabel}</span>
              <input
                name="q"
                type="search"
                enterKeyHint="search"
                autoComplete="off"
                placeholder={texts.searchPlaceholder}
                value={query}
                onChange={(event) => setQuery(event.target.value)}
              />
            </label>
            <button
              type="submit"
              className="button button-small"
              disabled={searching || query.trim().length < 2}
            >
              {texts.search}
            </button>
          </div>
        </Section>
      </form>
      {searching && <Loading />}
      {failure && <Notice tone="error">{failureText(managerTexts, failure)}</Notice>}
      {!searching && guests && guests.length === 0 && <Notice>{texts.nothingFound}</Notice>}
      {!searching && guests && guests.length > 0 && (
        <Section>
          {guests.map((guest) => (
            <Cell
              key={guest.accountId}
              title={guestName(guest)}
              hint={`${formatPhone(guest.phone)} · ${texts.registeredOn(formatDate(guestTexts, guest.registeredAt))}`}
              onClick={() => {
                openGuest(guest.accountId);
                navigate("manager-guest");
              }}
            />
          ))}
        </Section>
      )}
    </Page>
  );
}
