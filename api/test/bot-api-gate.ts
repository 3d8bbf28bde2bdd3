// A pass-through in front of the fake Bot API that can hold one call at a chosen moment, so a test
// can act (stop a worker, SIGKILL a server) while a delivery is really in flight:
// - held before Telegram sees it (the fake has not received the call), or
// - held after Telegram accepted it (the fake has recorded the message) but before our server hears
//   the answer — the one window in which a crash can make a duplicate.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HeldCall {
  /** Resolves once the call has reached the gate (and, for `afterTelegram`, Telegram has answered). */
  arrived: Promise<void>;
  /** Lets the call go on: forwards it if needed and hands Telegram's answer back. */
  release(): Promise<void>;
}

export type BotApiGate = Awaited<ReturnType<typeof startBotApiGate>>;

export async function startBotApiGate(targetRoot: string) {
  const holds: Array<{ method: string; skips: () => boolean; take: (call: PendingCall) => void }> = [];

  interface PendingCall {
    forward(): Promise<{ status: number; body: string }>;
    answer(result: { status: number; body: string }): void;
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const method = /\/bot[^/]+\/(\w+)/.exec(request.url ?? "")?.[1] ?? "";
      const call: PendingCall = {
        forward: async () => {
          const answer = await fetch(`${targetRoot}${request.url}`, {
            method: request.method,
            headers: { "content-type": request.headers["content-type"] ?? "application/json" },
            body: body.length > 0 ? body : undefined,
          });
          return { status: answer.status, body: await answer.text() };
        },
        answer: ({ status, body: text }) => {
          if (response.destroyed) return;
          response.writeHead(status, { "content-type": "application/json" }).end(text);
        },
      };
      const holdIndex = holds.findIndex((hold) => hold.method === method && !hold.skips());
      const hold = holdIndex >= 0 ? holds.splice(holdIndex, 1)[0] : undefined;
      if (hold) hold.take(call);
      else
        void call.forward().then(call.answer, () => {
          response.destroy();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    /**
     * Holds a call of `method` — the next one, or the one after `skip` others went through — before
     * Telegram sees it, or (`afterTelegram`) after Telegram answered it.
     */
    holdNext(method: string, options: { afterTelegram?: boolean; skip?: number } = {}): HeldCall {
      let toSkip = options.skip ?? 0;
      let arrive: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      let pending: { call: PendingCall; answer?: { status: number; body: string } } | undefined;
      holds.push({
        method,
        skips: () => toSkip-- > 0,
        take: (call) => {
          pending = { call };
          if (options.afterTelegram) {
            void call.forward().then((answer) => {
              if (pending) pending.answer = answer;
              arrive();
            });
          } else arrive();
        },
      });
      return {
        arrived,
        release: async () => {
          await arrived;
          if (!pending) return;
          pending.call.answer(pending.answer ?? (await pending.call.forward()));
        },
      };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
