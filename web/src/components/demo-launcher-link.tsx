import { useEffect, useState } from "react";

/**
 * A link to the /demo launcher, shown only when this server runs in demo mode. Outside demo mode
 * /demo is not a route and the server answers it with the Mini App's own page, which we recognise
 * by its root element.
 */
export function DemoLauncherLink({ children }: { children: string }) {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let active = true;
    fetch("/demo", { headers: { accept: "text/html" } })
      .then(async (response) => response.ok && !(await response.text()).includes('id="root"'))
      .then((isLauncher) => active && setAvailable(isLauncher))
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, []);
  return available ? (
    <a className="button" href="/demo">
      {children}
    </a>
  ) : null;
}
