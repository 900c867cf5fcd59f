import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/src/**/*.test.ts',
      'queue-server/src/**/*.test.ts',
      'firmware-config/src/**/*.test.ts',
      'kiosk/agent/**/*.test.ts',
      'display-board/src/**/*.test.ts',
      'kiosk/app/src/**/*.test.ts',
      'kiosk/mobile/src/**/*.test.ts',
      'queue-server/console/src/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    // Vitest's default is one worker fewer than the cores: on the hall's 2-core machines and CI
    // that ran every file one after another (1,014 s). Two workers pass the same 1,760 tests in
    // 612 s; the Chromium stage keeps --no-file-parallelism.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
