import type { DownloadLink } from "@guestcard/shared";
import type { ClientResponse } from "hono/client";
import { useCallback, useState } from "react";
import { ApiFailure } from "../api";
import { saveFile } from "../save-file";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { failureText, useManagerTexts } from "./manager-texts";

/** A file a manager's screen made, or fetched from the API, ready to save. */
export interface ManagerFile {
  blob: Blob;
  fileName: string;
}

/**
 * Saving a file from a manager's screen (a poster, a CSV), the one way files are saved (save-file.ts):
 * inside Telegram the bytes go to `POST /api/manager/downloads` for a short-lived link that
 * `downloadFile` fetches; elsewhere the browser saves them as they are. `saving` is true while a file
 * is made and handed over; `failure` says, in the manager's language, why the last one was not.
 */
export function useManagerDownload() {
  const { api, request, launch } = useSession();
  const texts = useManagerTexts();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const handOver = useCallback(
    (blob: Blob, fileName: string) =>
      request(
        // The body is the file itself, not JSON: the typed client has no shape for it, only the URL.
        fetch(api.manager.downloads.$url({ query: { fileName } }), {
          method: "POST",
          headers: { authorization: `tma ${launch.rawInitData}`, "content-type": blob.type },
          body: blob,
        }) as Promise<ClientResponse<DownloadLink, 201, "json">>,
      ),
    [api, request, launch],
  );

  const save = useCallback(
    async (make: () => Promise<ManagerFile>) => {
      setSaving(true);
      setFailure(null);
      try {
        const { blob, fileName } = await make();
        if ((await saveFile({ blob, handOver }, fileName)) === "saved") haptic.success();
      } catch (error) {
        haptic.error();
        setFailure(error instanceof ApiFailure ? failureText(texts, error) : texts.failed);
      } finally {
        setSaving(false);
      }
    },
    [handOver, texts],
  );

  return { save, saving, failure };
}

/** A file the API answered (the funnel's CSV, the import template), or an ApiFailure. */
export async function fileFromResponse(response: Response, fileName: string): Promise<ManagerFile> {
  if (!response.ok) throw new ApiFailure(response.status, "unexpected", `HTTP ${response.status}`);
  return { blob: await response.blob(), fileName };
}
