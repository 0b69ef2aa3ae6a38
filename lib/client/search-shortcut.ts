/** A key press, as much of it as the shortcut needs (a KeyboardEvent has all of it). */
export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** An input method is composing: its keys are not shortcuts. */
  isComposing?: boolean;
  defaultPrevented?: boolean;
};

/**
 * Whether a key press should focus the search field: `/` when the person is
 * not typing somewhere (there it is a slash), Ctrl+K or ⌘K anywhere (as in
 * Slack and Mattermost: nobody types that as text).
 */
export function isSearchShortcut(press: KeyPress, typing: boolean): boolean {
  if (press.defaultPrevented || press.isComposing || press.altKey) return false;
  if (press.key === "/") return !typing && !press.ctrlKey && !press.metaKey;
  if (press.key === "k" || press.key === "K") return press.ctrlKey !== press.metaKey;
  return false;
}

/** The element takes typed text: a text field, a text area, or anything editable. */
export function isTypingTarget(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLElement && element.isContentEditable) return true;
  if (element instanceof HTMLTextAreaElement) return !element.readOnly;
  if (element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement) {
    const nonText = [
      "button",
      "checkbox",
      "radio",
      "submit",
      "reset",
      "file",
      "image",
      "range",
      "color",
    ];
    return !nonText.includes(element.type) && !element.readOnly;
  }
  return false;
}
