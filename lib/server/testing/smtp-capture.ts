import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the SMTP server received it, its text part decoded. */
export type CapturedMail = {
  /** The envelope's recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
};

const WAIT_MS = 5_000;

/**
 * A real SMTP server on 127.0.0.1 port 0 that keeps every message it is
 * given: what a relay without TLS or login looks like to our mailer.
 */
export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<SmtpCapture> {
    let capture: SmtpCapture | null = null;
    const server = new SMTPServer({
      authOptional: true,
      // A local relay: no TLS to negotiate, no login.
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
          capture?.receive({ ...parseMail(raw), to, raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    capture = new SmtpCapture(server);
    return capture;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** What SMTP_URL would say for this server. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private receive(mail: CapturedMail) {
    this.messages.push(mail);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Messages received so far for this address. */
  to(address: string): CapturedMail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((mail) => mail.to.includes(wanted));
  }

  /** The `count`-th message for this address (1 = the first), waiting for it to arrive. */
  async nth(address: string, count: number, timeoutMs = WAIT_MS): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(address)[count - 1];
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail #${count} for ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The first http(s) link in a mail's text part. */
export function linkIn(mail: CapturedMail): URL {
  const found = mail.text.match(/https?:\/\/\S+/);
  if (!found) throw new Error(`no link in the mail "${mail.subject}":\n${mail.text}`);
  return new URL(found[0]);
}

type Part = { headers: Map<string, string>; body: string };

function splitPart(raw: string): Part {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? "" : raw.slice(at).replace(/^\r?\n\r?\n/, "");
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64")
    return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = part.body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return part.body;
}

/** Just enough MIME for our own mails: one level of multipart, QP or base64 parts. */
function parseMail(raw: string): Omit<CapturedMail, "to" | "raw"> {
  const message = splitPart(raw);
  const type = message.headers.get("content-type") ?? "text/plain";
  const parts: Part[] = [];
  const boundary = type.match(/boundary="?([^";]+)"?/i)?.[1];
  if (boundary) {
    for (const chunk of message.body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith("--")) break;
      parts.push(splitPart(chunk.replace(/^\r?\n/, "")));
    }
  } else parts.push(message);
  const ofType = (wanted: string) => {
    const part = parts.find((p) =>
      (p.headers.get("content-type") ?? "text/plain").startsWith(wanted),
    );
    return part ? decodeBody(part) : "";
  };
  return {
    from: message.headers.get("from") ?? "",
    subject: message.headers.get("subject") ?? "",
    text: ofType("text/plain"),
    html: ofType("text/html"),
  };
}
