// The entry: what index.html runs first. It stays tiny on purpose (see first-requests.ts): it sends
// the first requests, then runs the app, whose chunk index.html has been fetching all along
// (<link rel="modulepreload">, added at build time by web/scripts/preload-app.ts).
import { showCannotLoad } from "./cannot-load";
import { startFirstRequests } from "./first-requests";
import "./styles.css";

const first = startFirstRequests();

const loadApp = () => import("./start-app");
// One retry: a chunk request lost on a flaky mobile connection should not cost the whole start.
loadApp()
  .catch(loadApp)
  .then((app) => app.startApp(first), showCannotLoad);
