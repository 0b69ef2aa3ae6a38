import { io } from "socket.io-client";
import type { ChatClientSocket } from "../../lib/client/room-client";
import type { RequestEvent, RequestOf, Result, ResultOf } from "../../lib/shared/protocol";

const ACK_TIMEOUT_MS = 10_000;
/** How long one message may keep being refused as rate limited or unavailable before the bot gives up. */
const SAY_TIMEOUT_MS = 60_000;

function ask<E extends RequestEvent>(
  socket: ChatClientSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<Result<ResultOf<E>>> {
  const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
    emitWithAck(event: E, payload: RequestOf<E>): Promise<Result<ResultOf<E>>>;
  };
  return emitter.emitWithAck(event, payload);
}

/** Someone who talks through the protocol rather than the page, for traffic the test needs in bulk. */
export class ChatBot {
  private sent = 0;

  private constructor(
    private readonly socket: ChatClientSocket,
    private readonly room: string,
  ) {}

  static async join(url: string, room: string, name = "Bot"): Promise<ChatBot> {
    const socket: ChatClientSocket = io(url, {
      transports: ["websocket"],
      forceNew: true,
      auth: { name },
    });
    const joined = await ask(socket, "room:join", { room });
    if (!joined.ok) throw new Error(`bot could not join: ${joined.error.message}`);
    return new ChatBot(socket, room);
  }

  /** Sends each text in turn, waiting out rate limits, until every one is acknowledged. */
  async say(texts: readonly string[]): Promise<void> {
    for (const text of texts) {
      const clientId = `bot-${process.pid}-${this.sent++}`;
      const deadline = Date.now() + SAY_TIMEOUT_MS;
      for (;;) {
        const result = await ask(this.socket, "message:send", { room: this.room, text, clientId });
        if (result.ok) break;
        if (result.error.code !== "rate_limited" && result.error.code !== "unavailable")
          throw new Error(`bot message refused: ${result.error.message}`);
        if (Date.now() > deadline)
          throw new Error(
            `bot message "${text}" still refused (${result.error.code}) after waiting`,
          );
        await new Promise((resolve) => setTimeout(resolve, result.error.retryAfterMs ?? 200));
      }
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}
