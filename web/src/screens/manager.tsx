// The manager's screens, one chunk loaded when a manager first opens them: none of this (nor the
// manager texts and styles) is part of what a guest downloads.
export { ManagerBroadcastComposeScreen } from "../manager/broadcast-compose-screen";
export { ManagerBroadcastScreen, ManagerBroadcastsScreen } from "../manager/broadcasts-screen";

export { ManagerConflictScreen, ManagerConflictsScreen } from "../manager/conflicts-screen";
export { ManagerFunnelScreen } from "../manager/funnel-screen";
export { ManagerGuestScreen } from "../manager/guest-record-screen";
export { ManagerGuestsScreen } from "../manager/guests-screen";
export { ManagerImportScreen } from "../manager/import-screen";
export { ManagerScreen } from "../manager/manager-home";
export { ManagerPointsScreen } from "../manager/points-programme-screen";
export { ManagerSettingsScreen } from "../manager/settings-screen";
export { ManagerSourceScreen } from "../manager/source-screen";
export { ManagerSourcesScreen } from "../manager/sources-screen";
