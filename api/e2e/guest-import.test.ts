// A manager imports the base a restaurant actually has (issue 15 item 1), in a real browser; and an
// import cut off by SIGKILL leaves the base whole after the restart (issue 16 item 6).
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuestImportPreview } from "@guestcard/shared";
import type { Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managerCatalogues } from "../../web/src/manager/manager-catalogue";
import { type LaunchUser, launchFragment, signInitData } from "../src/demo/launch-url";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import { launchChromium, requireWebBuild, screenshotFolder } from "./browser-kit";

const serverStartMs = 150_000;
const excelBase = new URL("../src/guest-import/fixtures/guests-excel-ru.csv", import.meta.url);
const manager: LaunchUser = { id: 78_001, firstName: "Мария", lastName: "Управляющая", languageCode: "ru" };

describe("importing a guest base (e2e)", () => {
  const files = mkdtempSync(join(tmpdir(), "guestcard-e2e-import-"));
  const screenshots = screenshotFolder("import");

  afterAll(() => {
    rmSync(files, { recursive: true, force: true });
  });

  describe("in the browser", () => {
    const dataDir = migratedDataDir("guestcard-e2e-import-browser-");
    let server: ServerProcess;
    let browser: Browser;
    let demoToken: string;

    beforeAll(async () => {
      requireWebBuild();
      [server, browser] = await Promise.all([
        startServer({ DATA_DIR: dataDir, ADMIN_TELEGRAM_IDS: String(manager.id) }, serverStartMs),
        launchChromium(),
      ]);
      demoToken = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
    }, serverStartMs + 60_000);

    afterAll(async () => {
      await browser?.close();
      const exitCode = await server?.stop("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
      expect(exitCode).toBe(0);
    });

    it("a manager imports a Windows-1251 semicolon file with Russian headers: preview, confirm, result", async () => {
      const texts = managerCatalogues.ru;
      const api = (path: string, json: unknown) =>
        fetch(`${server.url}${path}`, {
          method: "POST",
          headers: {
            authorization: `tma ${signInitData(manager, demoToken)}`,
            "content-type": "application/json",
          },
          body: JSON.stringify(json),
        });
      expect((await api("/api/demo/share-phone", { phone: "+79990078001" })).status).toBe(200);
      expect(
        (
          await api("/api/registration", {
            lastName: manager.lastName,
            firstName: manager.firstName,
            consents: { personalData: true },
          })
        ).status,
      ).toBe(201);

      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "ru-RU" });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/${launchFragment(signInitData(manager, demoToken), "light")}`);
        await page.getByRole("button", { name: /Для управляющих/ }).click();
        await page.getByRole("button", { name: new RegExp(texts.importTitle) }).click();
        await page.getByRole("button", { name: texts.downloadTemplate }).waitFor();

        // The file exactly as Excel saved it, under the name a manager gives it.
        const file = join(files, "Гости.csv");
        copyFileSync(excelBase, file);
        await page.locator("input[type=file]").setInputFiles(file);

        const preview = page.getByTestId("import-preview");
        await preview.waitFor();
        expect(await page.getByTestId("preview-create").textContent()).toBe("301");
        expect(await page.getByTestId("preview-skip").textContent()).toBe("0");
        expect(await page.getByTestId("preview-errors").textContent()).toBe("2");
        // The mapping: the Russian headers, each to its field.
        await preview.getByText("→ Дата рождения").waitFor();
        // The first guest as it will be stored: the phone normalised, the date and gender read.
        const firstRow = page.getByTestId("preview-rows").locator("tbody tr").first();
        expect(await firstRow.locator("td").allTextContents()).toEqual([
          "2",
          "+79163000031",
          "Иванова",
          "Дарья",
          "Олеговна",
          "ж",
          "07.02.1955",
          "",
        ]);
        // The broken lines, by number, in Russian.
        await page.getByText(texts.line(302)).waitFor();
        await page.getByText(`${texts.columnNames.phone}: ${texts.fieldErrors.not_a_phone}`).waitFor();
        await page.getByText(texts.line(303)).waitFor();
        await page.screenshot({ path: join(screenshots, "import-preview.png"), fullPage: true });

        // Nothing is written until the manager confirms.
        const before = (await (await previewOf(server, demoToken)).json()) as GuestImportPreview;
        expect(before.create).toBe(301);

        await page.getByRole("button", { name: texts.confirmImport("301") }).click();
        await expect
          .poll(() => page.getByTestId("import-created").textContent(), { timeout: 60_000 })
          .toBe("301");
        expect(await page.getByTestId("import-errors").textContent()).toBe("2");
        await page.screenshot({ path: join(screenshots, "import-result.png"), fullPage: true });

        const after = (await (await previewOf(server, demoToken)).json()) as GuestImportPreview;
        expect([after.create, after.skip]).toEqual([0, 301]);
      } finally {
        await context.close();
      }
    }, 180_000);
  });

  it("an import cut off by SIGKILL is finished after the restart: the base is whole, never half", async () => {
    const dataDir = migratedDataDir("guestcard-e2e-import-kill-");
    // Many batches, so the kill lands between two of them.
    const guests = 20_000;
    const rows = Array.from(
      { length: guests },
      (_, index) => `+7995${String(index).padStart(7, "0")};Гость${index}`,
    );
    const file = Buffer.from(`Телефон;Имя\r\n${rows.join("\r\n")}\r\n`);
    const environment = { DATA_DIR: dataDir, ADMIN_TELEGRAM_IDS: String(manager.id), LOG_LEVEL: "debug" };
    let server = await startServer(environment, serverStartMs);
    try {
      const token = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
      const answer = fetch(`${server.url}/api/manager/accounts/import`, {
        method: "POST",
        headers: { authorization: `tma ${signInitData(manager, token)}`, "content-type": "text/csv" },
        body: file,
      }).then(
        (response) => response.status,
        () => "cut off" as const,
      );
      // Killed once some batches are committed and before the last one is.
      await expect
        .poll(() => server.output().includes("guest import: batch committed"), {
          timeout: 120_000,
          interval: 20,
        })
        .toBe(true);
      expect(server.output()).not.toContain('"done":20000');
      await server.stop("SIGKILL");
      expect(await answer).toBe("cut off");

      server = await startServer(environment, serverStartMs);
      await expect
        .poll(() => server.output().includes("guest import: resumed run done"), { timeout: 120_000 })
        .toBe(true);
      // The base is whole: every guest of the file is there, each once.
      const again = (await (await previewOf(server, token, file)).json()) as GuestImportPreview;
      expect([again.create, again.skip, again.errorCount]).toEqual([0, guests, 0]);
      // The resumed run counted what the cut-off one had written as created, not as skipped.
      const done = server
        .output()
        .split("\n")
        .find((line) => line.includes("guest import: resumed run done"));
      expect(JSON.parse(done ?? "{}")).toMatchObject({ created: guests, skipped: 0 });
    } finally {
      expect(await server.stop("SIGTERM")).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 420_000);
});

function previewOf(server: ServerProcess, token: string, body: Uint8Array = readFileSync(excelBase)) {
  return fetch(`${server.url}/api/manager/accounts/import/preview`, {
    method: "POST",
    headers: { authorization: `tma ${signInitData(manager, token)}`, "content-type": "text/csv" },
    body,
  });
}
