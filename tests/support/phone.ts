/**
 * The citizen's phone in tests (SPEC MOB-*): a test SMSC that catches the SMS codes the server
 * sends (the `smpp` package's own server as the operator, the hall's real SMPP gateway in front
 * of it), and a Chromium at phone size opened on the phone app. m-book and m-queue tests reuse both:
 *
 *   const smsc = await startSmsc();
 *   const server = await startTestServer({ sms: smsc.sms });
 *   const token = await signIn(server, smsc, '13800138000');           // REST, for server tests
 *   const phone = await openPhone(server.url);                          // Chromium, 390×844, touch
 *   await phone.page.goto(`${server.url}/m/#/progress`);
 */
import pino from 'pino';
import type { Page } from 'playwright-core';
import { SmppGateway } from '../../queue-server/src/service/sms/smpp.gateway.ts';
import { SmppOperator } from '../../queue-server/src/service/sms/testing.ts';
import { launchChromium, SCREENSHOTS } from './browser.ts';
import type { TestServer } from './server.ts';

export interface TestSmsc {
  operator: SmppOperator;
  /** Pass to `startTestServer({ sms })`. */
  sms: { gateway: SmppGateway; pollMs: number };
  /** The code of the newest sign-in SMS to `phone` among those received after `after` (waits up to 5 s). */
  codeFor(phone: string, opts?: { after?: number; timeoutMs?: number }): Promise<string>;
  /** How many SMS the operator received so far (to wait for the next one). */
  count(): number;
  close(): Promise<void>;
}

export async function startSmsc(): Promise<TestSmsc> {
  const operator = new SmppOperator();
  await operator.start();
  const gateway = new SmppGateway({
    host: '127.0.0.1',
    port: operator.port,
    systemId: 'hall',
    password: 'secret',
    sourceAddr: '10690000',
    enquireLinkMs: 1000,
    responseTimeoutMs: 2000,
    log: pino({ level: 'silent' }),
  });
  return {
    operator,
    sms: { gateway, pollMs: 200 },
    count: () => operator.received.length,
    async codeFor(phone, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 5000);
      for (;;) {
        // The sign-in template's code (another notice to the same phone may carry other digits).
        const code = operator.received
          .slice(opts.after ?? 0)
          .filter((m) => m.to === phone)
          .map((m) => /验证码\D{0,2}(\d{6})/.exec(m.text)?.[1])
          .filter((c) => c !== undefined)
          .at(-1);
        if (code !== undefined) return code;
        if (Date.now() > deadline) throw new Error(`no SMS code reached ${phone}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => operator.stop(),
  };
}

/** Signs a phone in over REST with the code caught at the SMSC; returns the citizen token. */
export async function signIn(server: TestServer, smsc: TestSmsc, phone: string): Promise<string> {
  const before = smsc.count();
  const sent = await server.rest('POST', '/api/citizen/otp', { body: { phone } });
  if (!sent.body.ok) throw new Error(`otp for ${phone}: ${sent.body.error.message}`);
  const code = await smsc.codeFor(phone, { after: before });
  const r = await server.rest<{ token: string }>('POST', '/api/citizen/session', { body: { phone, code } });
  if (!r.body.ok) throw new Error(`sign-in ${phone}: ${r.body.error.message}`);
  return r.body.data.token;
}

/** The phone size the e2e tests use (an iPhone 12–15 class screen, CSS pixels). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };

export interface OpenPhone {
  page: Page;
  /** Saves a screenshot to test-results/screenshots/<name>.png (look at it). */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Chromium as a phone (390×844 CSS px, device scale 2, `isMobile`, touch) with one page open on
 * the phone app at `${baseUrl}/m/` (or `path`).
 */
export async function openPhone(baseUrl: string, path = '/m/'): Promise<OpenPhone> {
  const { browser, close } = await launchChromium({
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${baseUrl}${path}`);
  return {
    page,
    async shot(name) {
      const file = `${SCREENSHOTS}/${name}.png`;
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close,
  };
}
