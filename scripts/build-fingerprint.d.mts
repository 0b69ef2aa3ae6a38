export function sourceFingerprint(root: string): string;
export const STAMP_FILE: string;
export function buildIsCurrent(root: string): boolean;
