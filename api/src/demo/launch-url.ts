import { sign } from "@telegram-apps/init-data-node";

export interface LaunchUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

/** initData as Telegram would hand it to the Mini App, signed with the given bot token. */
export function signInitData(
  user: LaunchUser,
  botToken: string,
  options: { startParam?: string; authDate?: Date } = {},
): string {
  return sign(
    {
      user: {
        id: user.id,
        first_name: user.firstName,
        last_name: user.lastName,
        username: user.username,
        language_code: user.languageCode,
        allows_write_to_pm: true,
      },
      query_id: `demo-${user.id}-${Date.now()}`,
      chat_type: "sender",
      chat_instance: "0",
      start_param: options.startParam,
    },
    botToken,
    options.authDate ?? new Date(),
  );
}

const themes = {
  light: {
    bg_color: "#ffffff",
    secondary_bg_color: "#f0f0f5",
    text_color: "#000000",
    hint_color: "#8e8e93",
    link_color: "#2481cc",
    button_color: "#2481cc",
    button_text_color: "#ffffff",
    header_bg_color: "#ffffff",
    section_bg_color: "#ffffff",
    section_header_text_color: "#6d6d72",
    subtitle_text_color: "#8e8e93",
    accent_text_color: "#2481cc",
    destructive_text_color: "#ff3b30",
  },
  dark: {
    bg_color: "#1c1c1d",
    secondary_bg_color: "#000000",
    text_color: "#ffffff",
    hint_color: "#98989e",
    link_color: "#3e88f7",
    button_color: "#3e88f7",
    button_text_color: "#ffffff",
    header_bg_color: "#1a1a1a",
    section_bg_color: "#2c2c2e",
    section_header_text_color: "#8d8e93",
    subtitle_text_color: "#98989e",
    accent_text_color: "#3e88f7",
    destructive_text_color: "#eb5545",
  },
} as const;

export type ThemeName = keyof typeof themes;

/** The URL fragment Telegram appends when it opens a Mini App (README.md, Quick start: the demo). */
export function launchFragment(initData: string, theme: ThemeName = "light"): string {
  const params = new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: "8.0",
    tgWebAppPlatform: "web",
    tgWebAppThemeParams: JSON.stringify(themes[theme]),
  });
  return `#${params.toString()}`;
}
