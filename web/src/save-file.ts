import { downloadFile } from "@telegram-apps/sdk-react";
import { host } from "./telegram";

// A module of its own: only the screens that save files load it, not what every guest downloads first.
/**
 * Saves a file the server serves at `url` (a path of this server). Telegram's mobile apps ignore
 * `<a download>`; their `downloadFile` (Bot API 8.0) asks the guest and downloads the URL itself, so the
 * URL must work without initData: the server hands out short-lived signed links for this. In a plain
 * tab, or a client too old for it, an ordinary link with `download` does the job.
 */
export async function saveFile(url: string, fileName: string): Promise<"saved" | "declined"> {
  const absolute = new URL(url, window.location.href).href;
  if (host() === "telegram" && downloadFile.isAvailable()) {
    try {
      await downloadFile(absolute, fileName);
      return "saved";
    } catch {
      return "declined";
    }
  }
  const link = document.createElement("a");
  link.href = absolute;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  return "saved";
}
