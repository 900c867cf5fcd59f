/**
 * The device token, kept in the state dir as `device.json` (mode 0600: only the agent's user
 * reads it). Written atomically: a temp file is written and fsynced, then renamed over the
 * old one, so a crash leaves either the old token or the new one, never half of one.
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DEVICE_KINDS } from '@onewindow/shared';
import { z } from 'zod';

const storedDeviceSchema = z.strictObject({
  deviceToken: z.string().min(16),
  deviceId: z.string().min(1),
  kind: z.enum(DEVICE_KINDS),
  /** The window a counter agent is paired to; null for a kiosk. */
  windowId: z.string().min(1).nullable(),
  pairedAt: z.number(),
  /** The server it was paired with: a token is only good there. */
  serverUrl: z.string().min(1),
});

export type StoredDevice = z.infer<typeof storedDeviceSchema>;

export const TOKEN_FILE = 'device.json';

export class TokenStore {
  readonly path: string;

  constructor(readonly stateDir: string) {
    this.path = join(stateDir, TOKEN_FILE);
  }

  /** The stored device, or null when none is stored. @throws when the file is unreadable or malformed */
  read(): StoredDevice | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const parsed = storedDeviceSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(
        `${this.path} is not a device token file (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}); remove it and pair again`,
      );
    return parsed.data;
  }

  write(device: StoredDevice): void {
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.path, `${JSON.stringify(device, null, 2)}\n`, 0o600);
  }

  /** Forgets the token (after a revocation: the next start needs a new pairing code). */
  clear(): void {
    rmSync(this.path, { force: true });
    fsyncDir(this.stateDir);
  }
}

/** Writes `path` by writing `path.tmp-<pid>`, fsyncing it, renaming it over `path` and fsyncing the folder. */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    fchmodSync(fd, mode); // a leftover temp file of an earlier crash keeps its mode otherwise
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(join(path, '..'));
}

/** Makes a rename or removal in `dir` durable. Some file systems cannot fsync a folder: ignored there. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR / EINVAL / EPERM on platforms without directory fsync.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
