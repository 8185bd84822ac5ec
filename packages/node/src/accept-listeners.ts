import net from 'node:net';

/**
 * The default of `acceptListeners`: 8 on Linux, 1 elsewhere. Node (libuv) accepts at most one
 * connection per listening socket per event-loop turn, and a saturated gateway's turn lasts
 * 15-200 ms, so one socket accepts 5-60 connections a second: a burst of 256 new clients waited
 * seconds in the kernel's accept queue (bench/README.md 6b). Eight sockets on the port
 * (`SO_REUSEPORT`, which the kernel balances between them) accept eight per turn.
 */
export const DEFAULT_ACCEPT_LISTENERS = process.platform === 'linux' ? 8 : 1;

/**
 * Listens on `port` and `host` with every server of `servers` (one handler behind them all): the
 * first alone when there is one, else all with `reusePort`, the first picking the port when it is
 * 0. A fixed port is first bound alone, so a port another process holds (another gateway
 * included, which would otherwise share it through `reusePort`) fails with EADDRINUSE as before.
 * Resolves with the address; rejects with the listen error after closing what did listen.
 */
export async function listenAll(
  servers: readonly net.Server[],
  port: number,
  host: string | undefined,
): Promise<net.AddressInfo> {
  const [first, ...rest] = servers;
  if (first === undefined) throw new RangeError('listenAll needs at least one server');
  const shared = rest.length > 0;
  try {
    if (shared && port !== 0) await close(await listen(new net.Server(), { port, host }));
    const address = (await listen(first, { port, host, reusePort: shared })).address() as net.AddressInfo;
    await Promise.all(rest.map((server) => listen(server, { port: address.port, host, reusePort: true })));
    return address;
  } catch (error) {
    await Promise.all(servers.filter((server) => server.listening).map(close));
    throw error;
  }
}

function listen(server: net.Server, options: net.ListenOptions): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        error.message = `port ${options.port} is already in use: pick another port`;
      reject(error);
    };
    server.once('error', onError);
    server.listen(options, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
