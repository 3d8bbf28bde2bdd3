/**
 * The app's code or its texts could not be fetched (a lost connection while starting): without
 * texts React has nothing to say, so this is the one message that needs none.
 */
export function showCannotLoad(): void {
  const root = document.getElementById("root") as HTMLElement;
  root.textContent = "⚠︎ No connection · Нет связи — reload / обновите страницу";
  root.className = "cannot-load";
}
