// A TCP proxy on loopback between the app and a PostgreSQL server, for outage tests that must never
// touch the shared server itself: `freeze()` stops every byte in both directions (a server stopped
// with SIGSTOP, a stalled disk, a network that drops packets), `down()` closes every connection and
// refuses new ones (a server that is stopped), `restore()` goes back to forwarding.
import { createConnection, createServer, type Server, type Socket } from "node:net";

type Mode = "forward" | "frozen" | "down";

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;

export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: Mode = "forward";
  const pairs = new Set<{ client: Socket; upstream: Socket | undefined }>();
  const waiting: Array<() => void> = [];

  const handle = (client: Socket) => {
    const pair: { client: Socket; upstream: Socket | undefined } = { client, upstream: undefined };
    pairs.add(pair);
    client.on("error", () => undefined);
    client.once("close", () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    const connect = () => {
      if (client.destroyed) return;
      const upstream = createConnection(target.port, target.host);
      pair.upstream = upstream;
      upstream.on("error", () => client.destroy());
      upstream.once("close", () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    };
    // A frozen server still completes the TCP handshake (the kernel does): the connection hangs.
    if (mode === "frozen") {
      client.pause();
      waiting.push(connect);
    } else connect();
  };

  let server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    port,
    /** `url` with its host and port replaced by the proxy's. */
    urlFor(url: string): string {
      const proxied = new URL(url);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(port);
      return proxied.toString();
    },
    freeze() {
      mode = "frozen";
      for (const { client, upstream } of pairs) {
        if (!upstream) continue;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async down() {
      mode = "down";
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { client } of pairs) client.destroy();
      await closed;
    },
    async restore() {
      if (mode === "down") {
        server = createServer(handle);
        await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      }
      const wasFrozen = mode === "frozen";
      mode = "forward";
      for (const { client, upstream } of pairs) {
        if (!upstream || !wasFrozen) continue;
        client.pipe(upstream);
        upstream.pipe(client);
      }
      for (const connect of waiting.splice(0)) connect();
    },
    async close() {
      const closed = server.listening
        ? new Promise<void>((resolve) => server.close(() => resolve()))
        : undefined;
      for (const { client } of pairs) client.destroy();
      await closed;
    },
  };
}
