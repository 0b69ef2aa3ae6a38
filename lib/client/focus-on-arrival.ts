/**
 * Whether opening a room should put the cursor in the message box. Not where
 * the main pointer is a finger: focusing a text box there can open the
 * on-screen keyboard unasked, which hides half the messages the person came
 * to read; they tap the box when they mean to write.
 */
export function shouldFocusOnArrival(): boolean {
  if (window.matchMedia("(pointer: coarse)").matches) return false;
  // Whatever the person already chose to focus stays focused.
  const active = document.activeElement;
  return active === null || active === document.body;
}
