import { resolve } from 'node:path';
import { z } from 'zod';

const schema = z.object({
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
  /** The hall's public address (what a ticket's QR code opens on a phone), e.g. https://hall.example.cn. */
  ONEWINDOW_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ONEWINDOW_AUTO_DAY_CLOSE: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  autoDayClose: boolean;
  publicUrl: string | undefined;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: resolve(e.ONEWINDOW_DB),
    demo: e.ONEWINDOW_DEMO === '1' || argv.includes('--demo'),
    secret: e.ONEWINDOW_SECRET,
    keyFile: e.ONEWINDOW_KEY_FILE === undefined ? undefined : resolve(e.ONEWINDOW_KEY_FILE),
    keysJson: e.ONEWINDOW_KEYS,
    adminPassword: e.ONEWINDOW_ADMIN_PASSWORD,
    autoDayClose: e.ONEWINDOW_AUTO_DAY_CLOSE === '1',
    publicUrl: e.ONEWINDOW_PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
  };
}
