/** The people the demo launcher lets you be. Telegram ids are small so they never collide with real ones. */
export interface DemoGuest {
  id: number;
  firstName: string;
  lastName: string;
  username: string;
  languageCode: "ru" | "en";
  /** The phone the demo-only "share phone" control shares for this guest. */
  phone: string;
  role: "new guest" | "known guest" | "manager";
  description: { ru: string; en: string };
}

export const demoGuests: readonly DemoGuest[] = [
  {
    id: 1001,
    firstName: "Анна",
    lastName: "Смирнова",
    username: "anna_demo",
    languageCode: "ru",
    phone: "+79990000101",
    role: "new guest",
    description: {
      ru: "Новый гость: поделится телефоном и зарегистрируется",
      en: "New guest: shares a phone and registers",
    },
  },
  {
    id: 1002,
    firstName: "Alex",
    lastName: "Taylor",
    username: "alex_demo",
    languageCode: "en",
    phone: "+79990000102",
    role: "new guest",
    description: { ru: "Новый гость, интерфейс на английском", en: "New guest, English interface" },
  },
  {
    id: 1003,
    firstName: "Дарья",
    lastName: "Иванова",
    username: "darya_demo",
    languageCode: "ru",
    phone: "+79211921609",
    role: "known guest",
    description: {
      ru: "Есть в базе ресторана: привяжется автоматически",
      en: "Already in the restaurant's guest base: linked automatically",
    },
  },
  {
    id: 1004,
    firstName: "Мария",
    lastName: "Петрова",
    username: "manager_demo",
    languageCode: "ru",
    phone: "+79990000104",
    role: "manager",
    description: { ru: "Менеджер: источники, статистика, импорт", en: "Manager: sources, funnel, import" },
  },
];

export const demoManagerIds = demoGuests.filter((guest) => guest.role === "manager").map((guest) => guest.id);
