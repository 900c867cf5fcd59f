import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenCopy, removeCopies } from './testing.ts';

afterAll(removeCopies);

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = fileURLToPath(new URL('./validate.ts', import.meta.url));

function validate(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('validate CLI', () => {
  it('exits 0 with a summary for the shipped configuration', () => {
    const { code, stdout, stderr } = validate();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'ok: 16 device profiles, 4 terminal profiles, 1 hall (8 windows, 2 kiosks, 17 screens) in firmware-config\n',
    );
  });

  it('exits 1 and lists every error as file: path: message', () => {
    const dir = brokenCopy({
      'profiles/devices/xprinter-xp58iih-usb.json': (j) => {
        j.dotsPerLine = 576;
        j.transport.vendorId = '0x10000';
      },
      'profiles/devices/keypad-5key-fkeys.json': (j) => (j.keyMap.F5 = 2),
      'profiles/devices/acs-acr39u.json': '{ "id": ',
      'profiles/terminals/kiosk.json': (j) => {
        delete j.devices.printer;
        j.devices.idCardReader = 'cvr-100-serail';
      },
      'halls/demo.json': (j) => {
        j.screens[1].windowId = 'w42';
        j.kiosks[0].terminal = 'rights-window';
      },
    });
    const { code, stdout } = validate(dir);
    expect(code).toBe(1);
    const at = (file: string) => `${dir}/${file}`;
    expect(stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^${at('profiles/devices/acs-acr39u.json')}: \\(file\\): invalid JSON`),
      ),
      `${at('profiles/devices/keypad-5key-fkeys.json')}: keyMap.F5: level 2 (不满意) is already mapped by "F4"; each level needs exactly one key`,
      `${at('profiles/devices/keypad-5key-fkeys.json')}: keyMap: no key for level 1 (非常不满意); the key map must cover levels 1–5 exactly once`,
      `${at('profiles/devices/xprinter-xp58iih-usb.json')}: transport.vendorId: a USB id 0x10000 is out of range 0x0000–0xffff`,
      `${at('profiles/devices/xprinter-xp58iih-usb.json')}: dotsPerLine: 58 mm paper has 384 dots per line, not 576`,
      `${at('profiles/terminals/kiosk.json')}: devices.printer: a kiosk needs a ticket printer`,
      `${at('profiles/terminals/kiosk.json')}: devices.idCardReader: no device profile "cvr-100-serail" (profiles/devices/cvr-100-serail.json) (did you mean "cvr-100-serial"?)`,
      `${at('halls/demo.json')}: screens.1.windowId: no window "w42" in this hall (windows: w1, w2, w3, w4, w5, w6, w7, w8)`,
      `${at('halls/demo.json')}: kiosks.0.terminal: "rights-window" has kind "rights-window"; a kiosk needs a terminal of kind "kiosk"`,
      '9 errors in 5 files (21 checked)',
    ]);
  });

  it('exits 1 for a folder that does not exist', () => {
    const { code, stdout } = validate('/nonexistent/firmware-config');
    expect(code).toBe(1);
    expect(stdout).toContain(
      '/nonexistent/firmware-config: (file): /nonexistent/firmware-config is not a directory',
    );
  });

  it('prints usage for --help and exits 2 for unknown options', () => {
    expect(validate('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('usage: validate [dir]'),
    });
    expect(validate('--strict')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: validate [dir]'),
    });
  });
});
