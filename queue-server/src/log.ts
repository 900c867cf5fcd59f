import { redactPersonalData } from '@onewindow/shared';
import pino, { type Logger } from 'pino';

/** Masks ID and phone numbers in every string of a log record, however deep. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error)
    return {
      type: value.name,
      message: redactPersonalData(value.message),
      stack: redactPersonalData(value.stack ?? ''),
    };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

/**
 * The one structured (JSON) logger. Personal data never reaches a log unmasked: fields that
 * hold it are censored by name, and every other string is scanned for ID and phone numbers.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'queue-server' },
      redact: {
        paths: ['*.idNumber', '*.password', '*.token', '*.deviceToken', 'idNumber', 'password'],
        censor: '[masked]',
      },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactPersonalData(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}
