import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False in the server's HTML and until React has taken the page over, true
 * after. A control whose work is all in a handler does nothing if pressed
 * before then — and a form pressed before then would submit natively, its
 * fields in the URL — so such controls wait for this.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
