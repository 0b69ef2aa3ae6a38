"use client";

import { useCallback, useEffect, useId, useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { authErrorText } from "@/lib/client/auth-text";
import { describeDevice } from "@/lib/client/user-agent";
import { Button, ErrorMessage, StatusMessage } from "./form-parts";
import { Detail, Loading, Row, Rows, Section } from "./Section";

type ShownPasskey = { id: string; name: string; createdAt: Date };

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/**
 * Passkeys of the account: added here (the browser asks the device or a
 * security key to make one), then enough to sign in alone.
 */
export function PasskeyList() {
  const [passkeys, setPasskeys] = useState<ShownPasskey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const idPrefix = useId();

  const load = useCallback(async () => {
    const result = await attempt(() => authClient().passkey.listUserPasskeys());
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    setPasskeys(
      result.data.map((passkey, index) => ({
        id: passkey.id,
        name: passkey.name || `Passkey ${index + 1}`,
        createdAt: new Date(passkey.createdAt),
      })),
    );
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function add() {
    if (busy) return;
    setBusy("add");
    setError(null);
    setAdded(null);
    const name = describeDevice(navigator.userAgent);
    const result = await attempt(() => authClient().passkey.addPasskey({ name }));
    setBusy(null);
    if (!result.ok) {
      setError(
        result.failure.code === "AUTH_CANCELLED" || result.failure.code === "ERROR_CEREMONY_ABORTED"
          ? "No passkey was added: the browser's request was cancelled."
          : authErrorText(result.failure),
      );
      return;
    }
    setAdded(`Passkey added (${name}). You can now sign in with it alone.`);
    await load();
  }

  async function remove(passkey: ShownPasskey) {
    if (busy) return;
    setBusy(passkey.id);
    setError(null);
    setAdded(null);
    const result = await attempt(() => authClient().passkey.deletePasskey({ id: passkey.id }));
    setBusy(null);
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    setPasskeys((all) => all?.filter((p) => p.id !== passkey.id) ?? null);
  }

  return (
    <Section
      title="Passkeys"
      about="A passkey signs you in with this device's lock (fingerprint, face or PIN) or a security key, without a password."
    >
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {added && <StatusMessage>{added}</StatusMessage>}
      {!passkeys ? (
        !error && <Loading what="passkeys" />
      ) : passkeys.length === 0 ? (
        <p className="text-sm">No passkeys yet.</p>
      ) : (
        <Rows label="Passkeys">
          {passkeys.map((passkey) => {
            const describedBy = `${idPrefix}-${passkey.id}`;
            return (
              <Row key={passkey.id}>
                <div id={describedBy} className="min-w-0">
                  <p className="font-medium">{passkey.name}</p>
                  <Detail>Added {dateFormat.format(passkey.createdAt)}</Detail>
                </div>
                <Button
                  variant="danger"
                  aria-describedby={describedBy}
                  busy={busy === passkey.id}
                  onClick={() => remove(passkey)}
                >
                  Delete
                </Button>
              </Row>
            );
          })}
        </Rows>
      )}
      <div>
        <Button variant="secondary" busy={busy === "add"} onClick={add}>
          Add a passkey
        </Button>
      </div>
    </Section>
  );
}
