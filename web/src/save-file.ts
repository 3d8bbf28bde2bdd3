import type { DownloadLink } from "@guestcard/shared";
import { downloadFile } from "@telegram-apps/sdk-react";
import { host } from "./telegram";

// A module of its own: only the screens that save files load it, not what every guest downloads first.

/**
 * What to save: a file the server already serves at a link that works without initData (the guest's
 * export), or bytes made here (a manager's poster or CSV) with the way to hand them to the server for
 * such a link — asked for only when Telegram's `downloadFile` will fetch it.
 */
export type FileToSave =
  | { url: string }
  | { blob: Blob; handOver: (blob: Blob, fileName: string) => Promise<DownloadLink> };

/**
 * Saves a file, the one way for every screen (docs/decisions/025-manager-downloads.md). Telegram's
 * mobile apps ignore `<a download>`; their `downloadFile` (Bot API 8.0) asks the person and downloads
 * a URL itself, without initData — so inside Telegram bytes made here go to the server first, for a
 * short-lived link. In a plain tab, or a Telegram client without `downloadFile`, an ordinary link with
 * `download` does the job, and bytes never leave the device.
 *
 * "declined": the person said no in Telegram's dialog (or it could not open). A failed hand-over
 * throws, as the request that failed does, for the screen to say so.
 */
export async function saveFile(file: FileToSave, fileName: string): Promise<"saved" | "declined"> {
  if (host() === "telegram" && downloadFile.isAvailable()) {
    const link = "url" in file ? { url: file.url, fileName } : await file.handOver(file.blob, fileName);
    try {
      await downloadFile(new URL(link.url, window.location.href).href, link.fileName);
      return "saved";
    } catch {
      return "declined";
    }
  }
  if ("url" in file) {
    clickDownloadLink(new URL(file.url, window.location.href).href, fileName);
  } else {
    const url = URL.createObjectURL(file.blob);
    clickDownloadLink(url, fileName);
    // Some browsers read the blob after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return "saved";
}

/** What a browser (Telegram Desktop and the web clients too) saves to its download folder. */
function clickDownloadLink(href: string, fileName: string): void {
  const link = document.createElement("a");
  link.href = href;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
}
