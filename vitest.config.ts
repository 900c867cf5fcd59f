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
      'queue-server/console/src/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
