/**
 * The kiosk screen's identity (issue #5): the touchscreen browser of a kiosk must be the same
 * paired device as its terminal agent, so the card reads the agent relays reach that screen and
 * nothing else. The agent hands its device token to the browser on the same machine through a
 * loopback-only redirect: the kiosk browser starts at `http://127.0.0.1:<port>/screen`, which
 * answers 302 to `<server>/kiosk/#device=<token>`. The token travels in the URL fragment, which
 * browsers never send to a server or in a Referer; the kiosk app stores it and strips it from
 * the address bar at once.
 */
import { createServer, type Server } from 'node:http';

/** Where the kiosk screen starts, carrying the device token in the fragment. */
export function kioskScreenUrl(serverUrl: string, deviceToken: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/kiosk/#device=${encodeURIComponent(deviceToken)}`;
}

/** Answers GET /screen with the redirect; anything else 404. Never logs the token. */
export function screenHandoffHandler(
  target: () => string | null,
): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void {
  return (req, res) => {
    const url = target();
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/screen' || url === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res
      .writeHead(302, { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
      .end();
  };
}

/** The loopback listener of a kiosk's agent (`ONEWINDOW_SCREEN_PORT`, default 7310). */
export async function startScreenHandoff(opts: {
  port: number;
  target: () => string | null;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer(screenHandoffHandler(opts.target));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : opts.port);
    });
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
