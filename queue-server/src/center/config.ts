/** The center's configuration (RGN-OPS-1): read once at boot, every bad key named at once. */
import { z } from 'zod';

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8090),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** `postgresql://user:password@host:port/db`; without it, the PG* variables libpq uses (PGHOST, PGDATABASE …). */
    ONEWINDOW_CENTER_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL')
      .optional(),
    PGHOST: z.string().optional(),
    PGDATABASE: z.string().optional(),
    /** The regional admin's bearer token (publishes documents, registers halls): at least 24 characters. */
    ONEWINDOW_CENTER_ADMIN_TOKEN: z.string().min(24, 'at least 24 characters'),
    /**
     * The regional manager's bearer token for the report and the console's center mode
     * (RGN-RPT-7): at least 24 characters; without it, the admin token opens the report too.
     */
    ONEWINDOW_CENTER_REPORT_TOKEN: z.string().min(24, 'at least 24 characters').optional(),
    /** Connections to PostgreSQL (the ingest's parallelism). */
    ONEWINDOW_CENTER_POOL: z.coerce.number().int().min(2).max(200).default(10),
    /** Batches ingested at once before the center answers 503 + Retry-After (RGN-REP-4). */
    ONEWINDOW_CENTER_MAX_INFLIGHT: z.coerce.number().int().min(1).max(1000).default(8),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((e) => e.ONEWINDOW_CENTER_DATABASE_URL !== undefined || e.PGHOST !== undefined, {
    message: 'set ONEWINDOW_CENTER_DATABASE_URL (or PGHOST and the other PG* variables)',
    path: ['ONEWINDOW_CENTER_DATABASE_URL'],
    // Checked even when other keys are bad, so one run names them all.
    when: () => true,
  });

export interface CenterConfig {
  port: number;
  host: string;
  /** undefined: pg reads the PG* variables itself. */
  databaseUrl: string | undefined;
  adminToken: string;
  /** The regional manager's report token (RGN-RPT-7). */
  reportToken: string;
  poolSize: number;
  maxInFlight: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

export function loadCenterConfig(env: NodeJS.ProcessEnv): CenterConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid center configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.ONEWINDOW_CENTER_DATABASE_URL,
    adminToken: e.ONEWINDOW_CENTER_ADMIN_TOKEN,
    reportToken: e.ONEWINDOW_CENTER_REPORT_TOKEN ?? e.ONEWINDOW_CENTER_ADMIN_TOKEN,
    poolSize: e.ONEWINDOW_CENTER_POOL,
    maxInFlight: e.ONEWINDOW_CENTER_MAX_INFLIGHT,
    logLevel: e.LOG_LEVEL,
  };
}
