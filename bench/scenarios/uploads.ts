import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { cleanImage } from "../../lib/server/files/image-variants";
import { type BenchSettings, type Progress, sleep, startOptionsFor } from "../lib/context";
import { processRssBytes } from "../lib/proc-stats";
import { BENCH_SESSION_SECRET, identityCookieOf, seedRoomMembers } from "../lib/seed-members";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import { createAndPatch, postWhole, stampedSource } from "../lib/tus-client";
import { BENCH_ROOM } from "../lib/wire";
import { type FanoutOptions, type FanoutStep, fanoutOptions, fanoutRun, targetsOf } from "./fanout";

/**
 * Files: many people uploading large files at once over tus (POST, then one
 * PATCH with the whole body, as tus-js-client does by default), against the
 * production server. The claim is streaming: the server's RSS while twenty
 * 25 MiB bodies arrive together stays near its baseline, far below the bytes
 * in flight. Beside it, the time a photo takes from its POST to the answer
 * (sniffing, hashing, orientation, metadata stripped, two variants, the
 * placeholder), next to the same bytes uploaded as a plain file, and fan-out
 * of messages without attachments, to show the files work left it as it was.
 */

export type UploadsOptions = {
  clients: number;
  bytesPerClient: number;
  /** Photos timed one after another (a quiet server, what one person waits). */
  photos: number;
  photoWidth: number;
  photoHeight: number;
  /**
   * Fan-out of plain messages: the fan-out scenario's clients and senders, at
   * these loads only; null leaves it out (the harness test, which measures
   * fan-out on its own).
   */
  fanout: FanoutOptions | null;
};

export function uploadsOptions(settings: BenchSettings): UploadsOptions {
  const fanout = fanoutOptions(settings);
  if (settings.quick)
    return {
      clients: 20,
      bytesPerClient: 25 * 1024 * 1024,
      photos: 5,
      photoWidth: 4_000,
      photoHeight: 3_000,
      fanout: { ...fanout, ramp: [fanout.moderateDeliveriesPerSecond], refinements: 0 },
    };
  return {
    clients: 20,
    bytesPerClient: 25 * 1024 * 1024,
    photos: 20,
    photoWidth: 4_000,
    photoHeight: 3_000,
    fanout: {
      ...fanout,
      ramp: [fanout.moderateDeliveriesPerSecond, 2 * fanout.moderateDeliveriesPerSecond],
      refinements: 0,
    },
  };
}

export type RssSample = { atMs: number; rssMb: number };

export type UploadRound = {
  run: number;
  clients: number;
  bytesPerClient: number;
  seconds: number;
  totalMbPerSecond: number;
  perClientMbPerSecond: number[];
  /** After two full GCs, before the first request. */
  rssBaselineMb: number;
  rssPeakMb: number;
  /** After two full GCs, once every upload was answered. */
  rssAfterMb: number;
  /** Sampled every RSS_SAMPLE_MS from the first request to the last answer. */
  rss: RssSample[];
};

export type PhotoTiming = {
  bytes: number;
  /** `cleanImage` alone (orientation, metadata stripped, variants, ThumbHash), in the bench's process. */
  moduleMs: number;
  imageMs: number;
  plainMs: number;
};

export type UploadsResult = {
  clients: number;
  bytesPerClient: number;
  rounds: UploadRound[];
  totalMbPerSecond: Spread;
  perClientMbPerSecond: Spread;
  rssBaselineMb: Spread;
  rssPeakMb: Spread;
  rssAfterMb: Spread;
  photo: { width: number; height: number; count: number; meanBytes: number };
  photos: PhotoTiming[];
  /** The image work alone, through the files module. */
  moduleMs: { p50: number; p99: number };
  /** From the POST carrying the photo to its answer, ms. */
  imageMs: { p50: number; p99: number };
  /** The same bytes as a plain file (no image work): the upload and storing alone. */
  plainMs: { p50: number; p99: number };
  fanout: {
    clients: number;
    senders: number;
    stepSeconds: number;
    steps: (FanoutStep & { target: string; run: number })[];
  };
};

const RSS_SAMPLE_MS = 100;
const MB = 1024 * 1024;

/**
 * Each seeded member uploads with its guest identity cookie, as a browser
 * does (the routes take only an account's `sbb_` bot token as a bearer).
 */
const withCookie = (cookie: string) => ({ cookie });

/** Upload quotas and the size limit set out of the way: one address plays twenty people. */
export const UPLOADS_BENCH_ENV: Record<string, string> = {
  MAX_UPLOAD_BYTES: String(64 * MB),
  UPLOAD_QUOTA_BYTES_PER_DAY: String(1024 * 1024 * MB),
  UPLOAD_QUOTA_BYTES_PER_ADDRESS_PER_DAY: String(1024 * 1024 * MB),
  RATE_LIMIT_UPLOADS_PER_MINUTE: "100000",
};

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * A photo-like JPEG: smooth colour fields (noise upscaled) with a little
 * grain, so it compresses like a camera picture, not like flat colour or
 * pure noise; EXIF with an orientation, so the server has to rotate it.
 */
export async function makePhoto(width: number, height: number): Promise<Buffer> {
  const fields = await sharp({
    create: {
      width: Math.ceil(width / 100),
      height: Math.ceil(height / 100),
      channels: 3,
      background: "#000",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "#000",
      noise: { type: "gaussian", mean: 0, sigma: 14 },
    },
  })
    .raw()
    .toBuffer();
  return sharp(fields)
    .resize(width, height, { kernel: "cubic" })
    .composite([{ input: grain, raw: { width, height, channels: 3 }, blend: "add" }])
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 88 })
    .toBuffer();
}

async function uploadRound(
  target: Target,
  cookies: string[],
  options: UploadsOptions,
  run: number,
  progress: Progress,
): Promise<UploadRound> {
  const block = randomBytes(MB);
  const baseline = await target.afterGc();
  const rss: RssSample[] = [];
  const startedAt = performance.now();
  const sample = () =>
    rss.push({
      atMs: Math.round(performance.now() - startedAt),
      rssMb: processRssBytes(target.pid) / MB,
    });
  // One at the start and one at the end too: a small round can finish within one interval.
  sample();
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const uploads = await Promise.all(
    cookies.map((cookie, client) =>
      createAndPatch(
        target.url,
        withCookie(cookie),
        `bench-${run}-${client}.bin`,
        stampedSource(options.bytesPerClient, client + run * 1_000, block),
      ),
    ),
  ).finally(() => {
    clearInterval(sampler);
    sample();
  });
  const seconds = (performance.now() - startedAt) / 1000;
  for (const upload of uploads)
    if (upload.finished.attachment.size !== options.bytesPerClient)
      throw new Error(`an upload finished with ${upload.finished.attachment.size} bytes`);
  const after = await target.afterGc();
  const totalMb = (options.bytesPerClient * uploads.length) / MB;
  const round: UploadRound = {
    run,
    clients: uploads.length,
    bytesPerClient: options.bytesPerClient,
    seconds,
    totalMbPerSecond: totalMb / seconds,
    perClientMbPerSecond: uploads.map((u) => options.bytesPerClient / MB / (u.finishedMs / 1000)),
    rssBaselineMb: baseline.rss / MB,
    rssPeakMb: Math.max(...rss.map((s) => s.rssMb), processRssBytes(target.pid) / MB),
    rssAfterMb: after.rss / MB,
    rss,
  };
  progress(
    `  run ${run}: ${uploads.length} × ${options.bytesPerClient / MB} MiB in ${seconds.toFixed(1)} s = ${round.totalMbPerSecond.toFixed(0)} MB/s (per client median ${spread(round.perClientMbPerSecond).median.toFixed(1)} MB/s); RSS ${round.rssBaselineMb.toFixed(0)} → peak ${round.rssPeakMb.toFixed(0)} → ${round.rssAfterMb.toFixed(0)} MB`,
  );
  return round;
}

async function photoTimings(
  target: Target,
  cookie: string,
  options: UploadsOptions,
  workDir: string,
  progress: Progress,
): Promise<PhotoTiming[]> {
  const timings: PhotoTiming[] = [];
  // One untimed round first: sharp's thread pool and the JIT warm up on it.
  for (let i = -1; i < options.photos; i++) {
    const photo = await makePhoto(options.photoWidth, options.photoHeight);
    const source = join(workDir, `photo-${i}.jpg`);
    writeFileSync(source, photo);
    const moduleStart = performance.now();
    const cleaned = await cleanImage(source, "image/jpeg", workDir, `cleaned-${i}`);
    const moduleMs = performance.now() - moduleStart;
    if (!cleaned) throw new Error("the files module did not take a photo for a picture");
    rmSync(source);
    for (const path of [cleaned.originalPath, ...cleaned.variants.map((v) => v.path)])
      rmSync(path, { force: true });
    const plain = Buffer.concat([
      Buffer.from("plain bytes, not a picture\n"),
      randomBytes(photo.length - 27),
    ]);
    const image = await postWhole(target.url, withCookie(cookie), `photo-${i}.jpg`, photo);
    if (image.finished.attachment.type !== "image/jpeg")
      throw new Error(`a photo came back as ${image.finished.attachment.type}`);
    const other = await postWhole(target.url, withCookie(cookie), `photo-${i}.bin`, plain);
    if (i >= 0)
      timings.push({ bytes: photo.length, moduleMs, imageMs: image.ms, plainMs: other.ms });
  }
  const p50 = (pick: (t: PhotoTiming) => number) => quantile(timings.map(pick), 0.5).toFixed(0);
  progress(
    `  photos: ${timings.length} × ${options.photoWidth}×${options.photoHeight} JPEG (${(spread(timings.map((t) => t.bytes)).median / MB).toFixed(1)} MB): image work p50 ${p50((t) => t.moduleMs)} ms; through the route p50 ${p50((t) => t.imageMs)} ms, the same bytes as a plain file ${p50((t) => t.plainMs)} ms`,
  );
  return timings;
}

export async function uploadsScenario(
  settings: BenchSettings,
  progress: Progress,
  options: UploadsOptions = uploadsOptions(settings),
): Promise<UploadsResult> {
  progress(
    `uploads · ${options.clients} clients × ${options.bytesPerClient / MB} MiB at once · ${options.photos} photos · fan-out without attachments`,
  );
  const rounds: UploadRound[] = [];
  let photos: PhotoTiming[] = [];
  const workDir = mkdtempSync(join(tmpdir(), "scrollback-bench-uploads-"));
  try {
    const file = join(workDir, "members.db");
    const credentials = await seedRoomMembers(file, BENCH_ROOM, "public", options.clients);
    const target = await Target.start("scrollback", {
      ...startOptionsFor(settings, "scrollback"),
      databaseFile: file,
      env: { SESSION_SECRET: BENCH_SESSION_SECRET, ...UPLOADS_BENCH_ENV },
    });
    try {
      const cookies = credentials.map(identityCookieOf);
      for (let run = 1; run <= settings.repeats; run++) {
        rounds.push(await uploadRound(target, cookies, options, run, progress));
        await sleep(1_000);
      }
      photos = await photoTimings(target, cookies[0] ?? "", options, workDir, progress);
      if (!target.alive) throw new Error(`the server died:\n${target.log}`);
    } finally {
      await target.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  const steps: UploadsResult["fanout"]["steps"] = [];
  // Both builds take turns within each repeat, so that a noisy minute hits both.
  const fanout = options.fanout;
  if (fanout)
    for (let run = 1; run <= settings.repeats; run++)
      for (const kind of targetsOf(settings).filter(
        (k) => k === "scrollback" || k === "previous",
      )) {
        progress(`  fan-out without attachments · ${kind} · run ${run}/${settings.repeats}`);
        const measured = await fanoutRun(settings, kind, run, fanout, progress);
        steps.push(...measured.steps.map((s) => ({ ...s, target: kind, run })));
      }

  return {
    clients: options.clients,
    bytesPerClient: options.bytesPerClient,
    rounds,
    totalMbPerSecond: spread(rounds.map((r) => r.totalMbPerSecond)),
    perClientMbPerSecond: spread(rounds.map((r) => spread(r.perClientMbPerSecond).median)),
    rssBaselineMb: spread(rounds.map((r) => r.rssBaselineMb)),
    rssPeakMb: spread(rounds.map((r) => r.rssPeakMb)),
    rssAfterMb: spread(rounds.map((r) => r.rssAfterMb)),
    photo: {
      width: options.photoWidth,
      height: options.photoHeight,
      count: photos.length,
      meanBytes: photos.reduce((s, p) => s + p.bytes, 0) / Math.max(1, photos.length),
    },
    photos,
    moduleMs: {
      p50: quantile(
        photos.map((p) => p.moduleMs),
        0.5,
      ),
      p99: quantile(
        photos.map((p) => p.moduleMs),
        0.99,
      ),
    },
    imageMs: {
      p50: quantile(
        photos.map((p) => p.imageMs),
        0.5,
      ),
      p99: quantile(
        photos.map((p) => p.imageMs),
        0.99,
      ),
    },
    plainMs: {
      p50: quantile(
        photos.map((p) => p.plainMs),
        0.5,
      ),
      p99: quantile(
        photos.map((p) => p.plainMs),
        0.99,
      ),
    },
    fanout: {
      clients: fanout?.clients ?? 0,
      senders: fanout?.senders ?? 0,
      stepSeconds: (fanout?.stepMs ?? 0) / 1000,
      steps,
    },
  };
}
