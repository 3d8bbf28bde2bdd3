import { type ComponentType, lazy, Suspense, useMemo, useState } from "react";
import { hasLiveStoredCard } from "./card/card-while-loading";
import { Loading } from "./components/layout";
import { TelegramReady } from "./components/telegram-ready";
import { useBackButton } from "./hooks/use-back-button";
import { type Navigation, NavigationContext, type ScreenName } from "./navigation-context";
import { HomeScreen } from "./screens/home";
import { useSession } from "./session";

/**
 * `startapp=conflict-<id>`, the link under the managers' chat alert: `conflictStartParamPattern` of
 * shared/src/guest-records.ts, repeated here because importing that module would bring its schemas
 * into what every guest downloads before home (web/size-budget.test.ts).
 */
const conflictStartParam = /^conflict-[1-9]\d{0,15}$/;

/** Loads a screen's file only when the guest first opens it (a named export, not a default one). */
function lazyScreen<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): ComponentType {
  return lazy(() => load().then((module) => ({ default: pick(module) })));
}

/** A manager's screen: all of them come from one module, so they share one chunk that only managers load. */
function managerScreen(name: keyof typeof import("./screens/manager")): ComponentType {
  return lazyScreen(
    () => import("./screens/manager"),
    (module) => module[name] as ComponentType,
  );
}

/**
 * The registered guest's screens: one file each in screens/. Home is bundled with the app because
 * every guest sees it first; everything else arrives when opened, so a new screen (or a staff one)
 * adds nothing to what a guest downloads before home.
 */
const screens: Record<ScreenName, ComponentType> = {
  home: HomeScreen,
  card: lazyScreen(
    () => import("./screens/card"),
    (module) => module.CardScreen,
  ),
  points: lazyScreen(
    () => import("./screens/points"),
    (module) => module.PointsScreen,
  ),
  review: lazyScreen(
    () => import("./screens/review"),
    (module) => module.ReviewScreen,
  ),
  "my-data": lazyScreen(
    () => import("./screens/my-data"),
    (module) => module.MyDataScreen,
  ),
  manager: managerScreen("ManagerScreen"),
  "manager-sources": managerScreen("ManagerSourcesScreen"),
  "manager-source": managerScreen("ManagerSourceScreen"),
  "manager-funnel": managerScreen("ManagerFunnelScreen"),
  "manager-settings": managerScreen("ManagerSettingsScreen"),
  "manager-import": managerScreen("ManagerImportScreen"),
  "manager-points": managerScreen("ManagerPointsScreen"),
  "manager-broadcasts": managerScreen("ManagerBroadcastsScreen"),
  "manager-broadcast-new": managerScreen("ManagerBroadcastComposeScreen"),
  "manager-broadcast": managerScreen("ManagerBroadcastScreen"),
  "manager-guests": managerScreen("ManagerGuestsScreen"),
  "manager-guest": managerScreen("ManagerGuestScreen"),
  "manager-conflicts": managerScreen("ManagerConflictsScreen"),
  "manager-conflict": managerScreen("ManagerConflictScreen"),
};

/** A stack of screens with Telegram's BackButton; the URL is left alone because it carries the launch parameters. */
export function GuestNavigator() {
  const { me, launch } = useSession();
  // A guest re-opening the app at the till with a live card lands on it; Back leads home. A manager
  // who opened the alert's link about a phone conflict lands on it; Back leads to the list.
  const [stack, setStack] = useState<ScreenName[]>(() => {
    // The conflict screen reads which one from the start parameter itself (manager/conflicts-screen.tsx).
    if (me.isManager && conflictStartParam.test(launch.startParam ?? "")) {
      return ["home", "manager", "manager-conflicts", "manager-conflict"];
    }
    return hasLiveStoredCard(me.user.id) ? ["home", "card"] : ["home"];
  });
  const navigation = useMemo<Navigation>(
    () => ({
      navigate: (screen) => setStack((current) => [...current, screen]),
      back: () => setStack((current) => (current.length > 1 ? current.slice(0, -1) : current)),
    }),
    [],
  );
  useBackButton(stack.length > 1 ? navigation.back : null);

  const name = stack[stack.length - 1] ?? "home";
  const Screen = screens[name];
  return (
    <NavigationContext.Provider value={navigation}>
      <Suspense fallback={<Loading />}>
        <div className="screen" key={`${stack.length}:${name}`}>
          <Screen />
        </div>
        <TelegramReady />
      </Suspense>
    </NavigationContext.Provider>
  );
}
