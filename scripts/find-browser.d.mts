export function findChromium(options?: { allowDownload?: boolean }): Promise<string>;
