/**
 * DEV/TEST ONLY: a fake social security card.
 *
 * {@link FakeSsseCard} answers APDUs from a built-in SSSE file system (pure, usable without
 * any daemon); {@link FakeVpcdCard} puts it in the virtual reader of vsmartcard's vpcd
 * driver, so the whole PC/SC stack (pcscd, the binding, the driver) is exercised.
 *
 * vpcd wire format: `[uint16 BE length][payload]` both ways. A 1-byte payload from vpcd is a
 * control code (0 power off, 1 power on, 2 reset, 4 "send your ATR"); anything longer is a
 * command APDU, answered with one response APDU. Connecting inserts the card, closing the
 * socket removes it.
 *
 * Like a real card, the fake must keep answering while the PC/SC client waits: pcscd asks
 * vpcd for the ATR on every presence poll, including inside a synchronous SCardDisconnect.
 * A fake card on the driver's own event loop therefore deadlocks it; use
 * {@link ThreadedFakeCard}, which runs the card on a worker thread, next to a driver.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import iconv from 'iconv-lite';
import { buildRecord, EF05_SFI, EF06_SFI, SSSE_AID } from './apdu.ts';

/** The holder data the fake card carries, as printed on a card. */
export interface SampleCard {
  cardNumber: string;
  idNumber: string;
  name: string;
  /** GB/T 2261.1: '1' male, '2' female. */
  sex: '1' | '2' | '0' | '9';
  /** GB 3304 code, 2 digits. */
  nation: string;
  /** EF05 rec 03; '3.00' and '2.00' lay EF06 out with 姓名扩展 as rec 03. */
  specVersion: string;
  /** `YYYY-MM-DD`. */
  issuedAt: string;
  /** `YYYY-MM-DD`. */
  expiresAt: string;
}

/** 张三, the GB 11643 example number (born 1949-12-31, female). Invented data. */
export const SAMPLE_CARD: Readonly<SampleCard> = {
  cardNumber: 'A12345678',
  idNumber: '11010519491231002X',
  name: '张三',
  sex: '2',
  nation: '01',
  specVersion: '3.00',
  issuedAt: '2021-06-15',
  expiresAt: '2031-06-15',
};

/** How the fake card misbehaves, to exercise the reader's error paths. */
export interface FakeCardOptions {
  /** Overrides of {@link SAMPLE_CARD}. */
  card?: Partial<SampleCard>;
  /**
   * Answer the first READ RECORD of every record with `6Cxx` (xx = the record's length),
   * whatever Le was, so the reader has to send it again. A wrong Le always gets `6Cxx`.
   */
  wrongLeFirst?: boolean;
  /** Answer SELECT with `61xx` and hand out the FCI through GET RESPONSE, as T=0 cards do. */
  selectGetResponse?: boolean;
  /** Refuse READ RECORD in EF06 with `6982` (holder data behind VERIFY PIN). */
  requirePin?: boolean;
  /** Answer SELECT with `6A82`, as any other card would. */
  notSsc?: boolean;
}

type FileSystem = ReadonlyMap<number, ReadonlyMap<number, Buffer>>;

/** The card's logic: one command APDU in, one response APDU out. Pure apart from its own state. */
export class FakeSsseCard {
  /** Every command received, for tests to inspect. */
  readonly commands: Buffer[] = [];
  private readonly files: FileSystem;
  private readonly asked = new Set<string>();
  private selected = false;
  private pending: Buffer | null = null;

  constructor(private readonly options: FakeCardOptions = {}) {
    this.files = buildFileSystem({ ...SAMPLE_CARD, ...options.card });
  }

  /** Power-on or reset: nothing selected, nothing pending. */
  reset(): void {
    this.selected = false;
    this.pending = null;
    this.asked.clear();
  }

  respond(apdu: Buffer): Buffer {
    this.commands.push(Buffer.from(apdu));
    if (apdu.length < 4) {
      return sw(0x6700);
    }
    if (apdu[0] !== 0x00) {
      return sw(0x6e00);
    }
    const ins = apdu[1]!;
    if (ins !== 0xc0) {
      this.pending = null;
    }
    switch (ins) {
      case 0xa4:
        return this.select(apdu);
      case 0xb2:
        return this.readRecord(apdu);
      case 0xc0:
        return this.getResponse(apdu);
      default:
        return sw(0x6d00);
    }
  }

  private select(apdu: Buffer): Buffer {
    const lc = apdu[4] ?? 0;
    const name = apdu.subarray(5, 5 + lc);
    if (apdu[2] !== 0x04 || this.options.notSsc || !name.equals(SSSE_AID)) {
      return sw(0x6a82);
    }
    this.selected = true;
    if (this.options.selectGetResponse) {
      // FCI: 6F { 84 DF-name, A5 {} }
      const inner = Buffer.concat([
        Buffer.from([0x84, SSSE_AID.length]),
        SSSE_AID,
        Buffer.from([0xa5, 0x00]),
      ]);
      this.pending = Buffer.concat([Buffer.from([0x6f, inner.length]), inner]);
      return sw(0x6100 | this.pending.length);
    }
    return sw(0x9000);
  }

  private getResponse(apdu: Buffer): Buffer {
    if (this.pending === null) {
      return sw(0x6985);
    }
    const le = apdu[4] === 0 ? 256 : (apdu[4] ?? 256);
    const chunk = this.pending.subarray(0, le);
    this.pending = this.pending.length > le ? this.pending.subarray(le) : null;
    const rest = this.pending?.length ?? 0;
    return Buffer.concat([chunk, sw(rest > 0 ? 0x6100 | Math.min(rest, 0xff) : 0x9000)]);
  }

  private readRecord(apdu: Buffer): Buffer {
    if (!this.selected) {
      return sw(0x6a82);
    }
    const recordNumber = apdu[2]!;
    const p2 = apdu[3]!;
    if ((p2 & 0x07) !== 0x04) {
      return sw(0x6a86);
    }
    const sfi = p2 >> 3;
    const file = this.files.get(sfi);
    if (file === undefined) {
      return sw(0x6a82);
    }
    if (sfi === EF06_SFI && this.options.requirePin) {
      return sw(0x6982);
    }
    const record = file.get(recordNumber);
    if (record === undefined) {
      return sw(0x6a83);
    }
    const le = apdu.length >= 5 ? (apdu[4] === 0 ? 256 : apdu[4]!) : 0;
    const key = `${sfi}/${recordNumber}`;
    const firstAsk = !this.asked.has(key);
    this.asked.add(key);
    if (le !== record.length || (this.options.wrongLeFirst && firstAsk)) {
      return sw(0x6c00 | record.length);
    }
    return Buffer.concat([record, sw(0x9000)]);
  }
}

/** A vpcd client that presents a {@link FakeSsseCard} to pcscd. */
export class FakeVpcdCard {
  private socket: net.Socket | null = null;
  private buffered = Buffer.alloc(0);

  constructor(
    readonly card: FakeSsseCard,
    private readonly endpoint: { host?: string; port?: number } = {},
    /** T=0 card, no interface bytes beyond TB1/TC1, historical bytes "SSSE FAKE!". */
    private readonly atr: Buffer = Buffer.from('3b6a0000535353452046414b4521', 'hex'),
  ) {}

  get inserted(): boolean {
    return this.socket !== null;
  }

  /** Connects to vpcd: the card is in the reader once pcscd polls it (within ~0.5 s). */
  async insert(): Promise<void> {
    if (this.socket !== null) {
      return;
    }
    const socket = net.connect({
      host: this.endpoint.host ?? '127.0.0.1',
      port: this.endpoint.port ?? 35963,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {
      // vpcd went away (pcscd stopped): the card is out of the reader.
      this.socket = null;
    });
    socket.on('close', () => {
      if (this.socket === socket) {
        this.socket = null;
      }
    });
    socket.on('data', (chunk) => this.onData(socket, chunk));
    this.buffered = Buffer.alloc(0);
    this.card.reset();
    this.socket = socket;
  }

  /** Closes the connection: vpcd reports the card removed. */
  async remove(): Promise<void> {
    const socket = this.socket;
    if (socket === null) {
      return;
    }
    this.socket = null;
    if (socket.closed) {
      return;
    }
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      socket.destroySoon();
    });
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (this.buffered.length < 2 + length) {
        return;
      }
      const payload = this.buffered.subarray(2, 2 + length);
      this.buffered = this.buffered.subarray(2 + length);
      const reply = this.handle(payload);
      if (reply !== null && !socket.destroyed) {
        const header = Buffer.alloc(2);
        header.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([header, reply]));
      }
    }
  }

  private handle(payload: Buffer): Buffer | null {
    if (payload.length === 1) {
      switch (payload[0]) {
        case 0x01:
        case 0x02:
          this.card.reset();
          return null;
        case 0x04:
          return this.atr;
        default:
          return null;
      }
    }
    return this.card.respond(payload);
  }
}

/** What the test side asks the card thread; see `fake-card.worker.ts`. */
export type FakeCardRequest = { id: number; op: 'insert' | 'remove' | 'commands' };
export type FakeCardReply =
  | { id: number; ok: true; commands?: string[] }
  | { id: number; ok: false; error: string };
/** What the card thread is started with. */
export interface FakeCardWorkerData {
  options: FakeCardOptions;
  endpoint: { host?: string; port?: number };
}

/**
 * A {@link FakeVpcdCard} on its own worker thread, so that it answers pcscd even while the
 * thread that drives PC/SC is blocked in a synchronous call. The worker loads TypeScript
 * through tsx (a dev dependency), like the rest of this dev/test-only file.
 */
export class ThreadedFakeCard {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: FakeCardReply) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: FakeCardReply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async start(
    options: FakeCardOptions = {},
    endpoint: { host?: string; port?: number } = {},
  ): Promise<ThreadedFakeCard> {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./fake-card.worker.ts', import.meta.url).href;
    // An eval'd CommonJS bootstrap: register tsx's loader in this thread, then load the entry.
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); });`;
    const workerData: FakeCardWorkerData = { options, endpoint };
    const worker = new Worker(bootstrap, { eval: true, workerData });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (message: unknown) =>
        message === 'ready' ? resolve() : reject(new Error(String(message))),
      );
      worker.once('error', reject);
    });
    return new ThreadedFakeCard(worker);
  }

  /** Puts the card into vpcd's reader. */
  async insert(): Promise<void> {
    await this.request('insert');
  }

  /** Takes the card out. */
  async remove(): Promise<void> {
    await this.request('remove');
  }

  /** Every command APDU the card has received, as upper-case hex. */
  async commands(): Promise<string[]> {
    return (await this.request('commands')).commands ?? [];
  }

  /** Removes the card and ends the thread. */
  async close(): Promise<void> {
    await this.remove().catch(() => {});
    await this.worker.terminate();
  }

  private request(op: FakeCardRequest['op']): Promise<Extract<FakeCardReply, { ok: true }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))));
      this.worker.postMessage({ id, op } satisfies FakeCardRequest);
    });
  }
}

function sw(value: number): Buffer {
  return Buffer.from([value >> 8, value & 0xff]);
}

function buildFileSystem(card: SampleCard): FileSystem {
  const ascii = (s: string, length: number) => Buffer.from(s.padEnd(length, ' ').slice(0, length), 'latin1');
  const bcdDate = (iso: string) => Buffer.from(iso.replace(/-/g, ''), 'hex');
  const name = Buffer.alloc(30);
  iconv.encode(card.name, 'gbk').copy(name);
  const birthplace = Buffer.from(card.idNumber.slice(0, 6), 'hex');
  const birthDate = Buffer.from(card.idNumber.slice(6, 14), 'hex');
  const laterGeneration = card.specVersion.startsWith('2.') || card.specVersion.startsWith('3.');

  const ef05 = new Map<number, Buffer>([
    [0x01, buildRecord(0x01, ascii(`${card.idNumber.slice(0, 6)}D15600000500`, 16))],
    [0x02, buildRecord(0x02, Buffer.from([0x03]))],
    [0x03, buildRecord(0x03, ascii(card.specVersion, 4))],
    [0x04, buildRecord(0x04, ascii('FAKEINIT0001', 12))],
    [0x05, buildRecord(0x05, bcdDate(card.issuedAt))],
    [0x06, buildRecord(0x06, bcdDate(card.expiresAt))],
    [0x07, buildRecord(0x07, ascii(card.cardNumber, 9))],
  ]);
  const holder = [
    buildRecord(0x0a, ascii(card.sex, 1)),
    buildRecord(0x0b, Buffer.from(card.nation, 'hex')),
    buildRecord(0x0c, birthplace),
    buildRecord(0x0d, birthDate),
  ];
  const ef06 = new Map<number, Buffer>([
    [0x01, buildRecord(0x08, ascii(card.idNumber, 18))],
    [0x02, buildRecord(0x09, name)],
  ]);
  let next = 0x03;
  if (laterGeneration) {
    ef06.set(next++, buildRecord(0x4e, Buffer.alloc(20)));
  }
  for (const record of holder) {
    ef06.set(next++, record);
  }
  return new Map([
    [EF05_SFI, ef05],
    [EF06_SFI, ef06],
  ]);
}
