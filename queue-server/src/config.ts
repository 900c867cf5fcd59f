import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseSmsConfig, type SmsConfig } from './service/sms/gateway.ts';

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    ONEWINDOW_DB: z.string().min(1).default('./data/onewindow.db'),
    /** Seed the demo hall (config, catalog, demo staff) into an empty database. */
    ONEWINDOW_DEMO: z.enum(['0', '1']).default('0'),
    /** The hall's key file (SEC-KEY-1): made by `init`, kept outside the database, mode 0600. */
    ONEWINDOW_KEY_FILE: z.string().min(1).optional(),
    /** The key file's JSON itself, for halls whose secrets come from the environment. */
    ONEWINDOW_KEYS: z.string().min(1).optional(),
    /** Before keys lived in a key file: the holder secret; only read to carry it into a new key file. */
    ONEWINDOW_SECRET: z.string().min(16).optional(),
    /** Password of the first admin account, required when the database has no staff and no demo. */
    ONEWINDOW_ADMIN_PASSWORD: z
      .string()
      .min(12, 'at least 12 characters (the staff password policy)')
      .optional(),
    /**
     * Password of a second admin (`admin2`), created once when set: granting manager or admin needs
     * two admins (SPEC SEC-ACC-1), so a real hall starts with both.
     */
    ONEWINDOW_SECOND_ADMIN_PASSWORD: z
      .string()
      .min(12, 'at least 12 characters (the staff password policy)')
      .optional(),
    /** The hall's public address (what a ticket's QR code opens on a phone), e.g. https://hall.example.cn. */
    ONEWINDOW_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    ONEWINDOW_AUTO_DAY_CLOSE: z.enum(['0', '1']).default('1'),
    /** Days a kiosk form is kept after its ticket's day or its case closed (SEC-MIN-2). */
    ONEWINDOW_FORM_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** The CJK font every PDF embeds (half-year report HYR-4, archive ARC-3): a .ttf/.otf, or a .ttc with `#PostScriptName`. */
    ONEWINDOW_CJK_FONT: z.string().min(1).optional(),
    /** Hours between scheduled fixity checks of the page store and archive (SPEC ARC-6); 0 turns it off. */
    ONEWINDOW_FIXITY_EVERY_HOURS: z.coerce.number().int().min(0).max(8760).default(24),
    /** Hours between sweeps of the page store's orphans and unfinished writes (SPEC MAT-SWEEP-3); 0 turns it off. */
    ONEWINDOW_PAGE_SWEEP_EVERY_HOURS: z.coerce.number().int().min(0).max(8760).default(24),
    /** Where verified backups go (default: `backups/` beside the database; better another disk). */
    ONEWINDOW_BACKUP_DIR: z.string().min(1).optional(),
    /** Minutes between online backups while serving; 0 turns the schedule off. */
    ONEWINDOW_BACKUP_EVERY_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /** How many backups to keep (the oldest go first). */
    ONEWINDOW_BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(48),
    /**
     * Reverse proxies whose X-Forwarded-For is believed, comma-separated: addresses, CIDRs or
     * loopback/linklocal/uniquelocal. None by default (the socket's peer is the client).
     */
    ONEWINDOW_TRUST_PROXY: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== ''),
      )
      .pipe(
        z.array(
          z.union(
            [z.enum(['loopback', 'linklocal', 'uniquelocal']), z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()],
            {
              error: 'each entry must be an IP address, a CIDR, or loopback/linklocal/uniquelocal',
            },
          ),
        ),
      ),
    /**
     * Where SMS notices go (SPEC NOTE-GW-1): `log` (DEV ONLY: logged with the phone masked, never
     * sent), `smpp://system_id:password@host:port[?source=…]` or `https://appKey:secret@host/path`.
     */
    ONEWINDOW_SMS: z
      .string()
      .default('log')
      .transform((v, ctx): SmsConfig => {
        const c = parseSmsConfig(v.trim());
        if ('error' in c) {
          ctx.addIssue({ code: 'custom', message: c.error });
          return z.NEVER;
        }
        return c;
      }),
    /** The regional center this hall replicates to (RGN-REP-1), e.g. https://center.example.cn; unset: none. */
    ONEWINDOW_CENTER_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** This hall's id at the center (registered there with `npm run center -- add-hall`). */
    ONEWINDOW_CENTER_HALL_ID: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
      .optional(),
    /** The credential the center gave this hall (kept like a password; only its hash is at the center). */
    ONEWINDOW_CENTER_CREDENTIAL: z.string().min(20).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((e, ctx) => {
    if (e.ONEWINDOW_CENTER_URL === undefined) return;
    for (const k of ['ONEWINDOW_CENTER_HALL_ID', 'ONEWINDOW_CENTER_CREDENTIAL'] as const)
      if (e[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'required with ONEWINDOW_CENTER_URL' });
  });

export type ServerConfig = {
  port: number;
  host: string;
  dbPath: string;
  demo: boolean;
  secret: string | undefined;
  keyFile: string | undefined;
  keysJson: string | undefined;
  adminPassword: string | undefined;
  secondAdminPassword: string | undefined;
  autoDayClose: boolean;
  formRetentionDays: number;
  cjkFont: string | undefined;
  fixityEveryHours: number;
  pageSweepEveryHours: number;
  publicUrl: string | undefined;
  backup: { dir: string; everyMinutes: number; keep: number };
  trustProxy: string[];
  sms: SmsConfig;
  /** The regional center to replicate to (RGN-REP-1), when configured. */
  center: { url: string; hallId: string; credential: string } | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
};

/**
 * Reads the environment once at boot and names every bad key at once, so an operator fixes
 * the whole list in one go instead of one crash at a time.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dbPath = resolve(e.ONEWINDOW_DB);
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath,
    demo: e.ONEWINDOW_DEMO === '1' || argv.includes('--demo'),
    secret: e.ONEWINDOW_SECRET,
    keyFile: e.ONEWINDOW_KEY_FILE === undefined ? undefined : resolve(e.ONEWINDOW_KEY_FILE),
    keysJson: e.ONEWINDOW_KEYS,
    adminPassword: e.ONEWINDOW_ADMIN_PASSWORD,
    secondAdminPassword: e.ONEWINDOW_SECOND_ADMIN_PASSWORD,
    autoDayClose: e.ONEWINDOW_AUTO_DAY_CLOSE === '1',
    formRetentionDays: e.ONEWINDOW_FORM_RETENTION_DAYS,
    cjkFont: e.ONEWINDOW_CJK_FONT,
    fixityEveryHours: e.ONEWINDOW_FIXITY_EVERY_HOURS,
    pageSweepEveryHours: e.ONEWINDOW_PAGE_SWEEP_EVERY_HOURS,
    publicUrl: e.ONEWINDOW_PUBLIC_URL,
    backup: {
      dir: resolve(e.ONEWINDOW_BACKUP_DIR ?? join(dirname(dbPath), 'backups')),
      everyMinutes: e.ONEWINDOW_BACKUP_EVERY_MINUTES,
      keep: e.ONEWINDOW_BACKUP_KEEP,
    },
    trustProxy: e.ONEWINDOW_TRUST_PROXY,
    sms: e.ONEWINDOW_SMS,
    center:
      e.ONEWINDOW_CENTER_URL === undefined
        ? undefined
        : {
            url: e.ONEWINDOW_CENTER_URL,
            hallId: e.ONEWINDOW_CENTER_HALL_ID as string,
            credential: e.ONEWINDOW_CENTER_CREDENTIAL as string,
          },
    logLevel: e.LOG_LEVEL,
  };
}

/** What the process was asked to do: `tsx src/main.ts [command] [args] [--demo]`. */
export type ServerCommand =
  | { name: 'serve' }
  | { name: 'init' }
  | { name: 'backup' }
  | { name: 'restore'; file: string }
  | { name: 'accept-loss'; acceptSeq: number }
  | { name: 'rotate-keys'; holder: boolean };

const USAGE = `usage: main.ts [serve | init | backup | restore <backup file> | accept-loss --accept-seq <seq> | rotate-keys [--holder]] [--demo]`;

/** Reads the subcommand and its arguments; flags (`--demo`) may stand anywhere. */
export function parseCommand(argv: readonly string[]): ServerCommand {
  const words = argv.filter((a) => a !== '--demo');
  const [name = 'serve', ...rest] = words;
  const fail = (why: string): never => {
    throw new Error(`${why}\n${USAGE}`);
  };
  switch (name) {
    case 'serve':
    case 'init':
    case 'backup':
      if (rest.length > 0) fail(`${name} takes no arguments (got ${rest.join(' ')})`);
      return { name };
    case 'restore':
      if (rest.length !== 1 || rest[0]!.startsWith('--')) fail('restore needs the backup file');
      return { name, file: resolve(rest[0]!) };
    case 'accept-loss': {
      const i = rest.indexOf('--accept-seq');
      const seq = i >= 0 ? rest[i + 1] : undefined;
      if (seq === undefined || !/^\d+$/.test(seq) || rest.length !== 2)
        fail('accept-loss needs --accept-seq <the seq the database holds>, as the refusal message shows it');
      return { name, acceptSeq: Number(seq) };
    }
    case 'rotate-keys':
      if (rest.some((a) => a !== '--holder')) fail(`rotate-keys takes only --holder (got ${rest.join(' ')})`);
      return { name, holder: rest.includes('--holder') };
    default:
      return fail(`unknown command ${name}`);
  }
}
