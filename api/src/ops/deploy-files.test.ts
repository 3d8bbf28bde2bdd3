import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config";

// The example systemd unit and nginx site of README's Deploy section (deploy/): checked by the tools
// themselves where this machine has them (`systemd-analyze verify`, `nginx -t`; .ci/run installs
// nginx), else read for plain syntax; and their timeouts paired with the server's defaults either way.
const deploy = fileURLToPath(new URL("../../../deploy/", import.meta.url));
const unitText = readFileSync(join(deploy, "guestcard.service"), "utf8");
const nginxText = readFileSync(join(deploy, "nginx.conf"), "utf8");
const defaults = parseConfig({});
const work = mkdtempSync(join(tmpdir(), "guestcard-deploy-"));

const installed = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** The unit's settings, `Section.Key` → values (a key may repeat, as Environment= does). */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const line of text.split("\n").map((raw) => raw.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const header = line.match(/^\[(\w+)\]$/);
    if (header) {
      section = header[1] ?? "";
      continue;
    }
    const setting = line.match(/^([A-Za-z]+)=(.*)$/);
    if (!setting || section === "") throw new Error(`not a unit file line: ${line}`);
    const key = `${section}.${setting[1]}`;
    settings.set(key, [...(settings.get(key) ?? []), setting[2] ?? ""]);
  }
  return settings;
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("deploy/guestcard.service", () => {
  const settings = unitSettings(unitText);
  const one = (key: string) => settings.get(key)?.at(-1);

  it("restarts on failure, reads an environment file, owns its data directory, stops within the server's drain", () => {
    expect(one("Service.Restart")).toBe("on-failure");
    expect(one("Service.EnvironmentFile")).toMatch(/^\/etc\/guestcard\/guestcard\.env$/);
    expect(one("Service.User")).toBe("guestcard");
    expect(one("Service.StateDirectory")).toBe("guestcard");
    expect(settings.get("Service.Environment")).toContain("DATA_DIR=/var/lib/guestcard");
    expect(one("Service.ExecStart")).toBe("/usr/bin/node dist/main.js");
    // systemd sends SIGKILL after TimeoutStopSec: it must outlast the server's own drain deadline.
    expect(Number(one("Service.TimeoutStopSec")) * 1000).toBeGreaterThan(defaults.http.shutdownTimeoutMs);
    expect(Number(one("Service.TimeoutStopSec")) * 1000).toBeLessThanOrEqual(
      defaults.http.shutdownTimeoutMs + 10_000,
    );
  });

  it(`is a valid unit (${installed("systemd-analyze") ? "systemd-analyze verify" : "systemd-analyze is not installed here: syntax only"})`, () => {
    if (!installed("systemd-analyze")) {
      // unitSettings() above threw on any line that is not a comment, a section or Key=Value.
      expect([...settings.keys()].every((key) => /^(Unit|Service|Install)\./.test(key))).toBe(true);
      return;
    }
    // The unit as installed, but with node where this machine has it (verify checks the executable).
    const unit = join(work, "guestcard.service");
    writeFileSync(unit, unitText.replace("ExecStart=/usr/bin/node", `ExecStart=${process.execPath}`));
    const result = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
    // verify exits 0 on settings it ignores, but names the unit when it does: no such line either.
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/guestcard\.service/);
    expect(result.status).toBe(0);
  });
});

describe("deploy/nginx.conf", () => {
  it("closes idle upstream connections before the server does, and passes the request id and large imports", () => {
    const upstream = nginxText.match(/upstream guestcard \{([^}]*)\}/)?.[1] ?? "";
    const idleSeconds = Number(upstream.match(/keepalive_timeout (\d+)s;/)?.[1]);
    expect(upstream).toMatch(/keepalive \d+;/);
    expect(idleSeconds * 1000).toBeLessThan(defaults.http.keepAliveTimeoutMs);
    expect(nginxText).toContain('proxy_set_header Connection "";');
    expect(nginxText).toContain("proxy_http_version 1.1;");
    expect(nginxText).toContain("proxy_set_header X-Request-Id $request_id;");
    expect(nginxText).toContain("client_max_body_size 21m;");
  });

  it(`is a valid site (${installed("nginx") ? "nginx -t" : "nginx is not installed here: braces and semicolons only"})`, () => {
    if (!installed("nginx") || !installed("openssl")) {
      const code = nginxText.replace(/#.*$/gm, "");
      expect(code.split("{").length).toBe(code.split("}").length);
      for (const line of code.split("\n").map((raw) => raw.trim())) {
        if (line !== "") expect(line, line).toMatch(/[;{}]$/);
      }
      return;
    }
    // nginx -t reads the certificates: a throwaway pair stands in for Let's Encrypt's.
    const [certificate, key] = [join(work, "cert.pem"), join(work, "key.pem")];
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=card.example.com"].concat(
        ["-keyout", key, "-out", certificate],
      ),
      { stdio: "ignore" },
    );
    const site = join(work, "guestcard.conf");
    writeFileSync(
      site,
      nginxText
        .replace(/ssl_certificate +\S+;/, `ssl_certificate ${certificate};`)
        .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${key};`),
    );
    const main = join(work, "nginx.conf");
    writeFileSync(
      main,
      [
        `pid ${join(work, "nginx.pid")};`,
        `error_log ${join(work, "error.log")};`,
        "events {}",
        `http { access_log off; include ${site}; }`,
      ].join("\n"),
    );
    const result = spawnSync("nginx", ["-t", "-q", "-p", work, "-c", main], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
