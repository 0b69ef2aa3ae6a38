/**
 * Whether the browser says it has a network. `navigator.onLine` false is
 * reliable (no network at all); true only means that some network is up, so
 * the socket still decides whether the server can be reached.
 */
export type NetworkStatus = {
  online(): boolean;
  /** Calls back on the browser's `online` and `offline` events. */
  subscribe(onChange: () => void): () => void;
};

/** Where there is no browser to ask (servers, bots, tests of the sync engine alone). */
export const alwaysOnline: NetworkStatus = {
  online: () => true,
  subscribe: () => () => {},
};

export function browserNetwork(): NetworkStatus {
  return {
    online: () => navigator.onLine,
    subscribe(onChange) {
      window.addEventListener("online", onChange);
      window.addEventListener("offline", onChange);
      return () => {
        window.removeEventListener("online", onChange);
        window.removeEventListener("offline", onChange);
      };
    },
  };
}
