// Preloaded into a server under a file-size limit (small-disk.ts): a write past
// the limit then fails with EFBIG, as a write to a full disk fails with ENOSPC,
// instead of SIGXFSZ ending the process.
process.on("SIGXFSZ", () => {});
