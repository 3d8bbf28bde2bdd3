import { createContext, useContext } from "react";

/** Names of the screens a registered guest can move between (the registry is in navigation.tsx). */
export type ScreenName =
  | "home"
  | "card"
  | "points"
  | "review"
  | "my-data"
  | "manager"
  | "manager-sources"
  | "manager-source"
  | "manager-funnel"
  | "manager-settings"
  | "manager-import"
  | "manager-points"
  | "manager-broadcasts"
  | "manager-broadcast-new"
  | "manager-broadcast"
  | "manager-guests"
  | "manager-guest"
  | "manager-conflicts"
  | "manager-conflict";

export interface Navigation {
  navigate(screen: ScreenName): void;
  back(): void;
}

export const NavigationContext = createContext<Navigation>({ navigate() {}, back() {} });

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}
