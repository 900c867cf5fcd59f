/**
 * Stands in for zod in the kiosk bundle (vite.config.ts aliases `zod` here). The kiosk imports
 * shared/forms.ts for its plain validator, and that module also builds zod schemas at load
 * time for the server; here those builds are inert, saving ~28 KB gzipped. Parsing with a
 * schema in the kiosk is a mistake, and fails loudly instead of passing everything.
 */
const refuse = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'decode', 'encode']);

const inert: unknown = new Proxy(() => undefined, {
  get(_target, key) {
    if (typeof key === 'string' && refuse.has(key))
      return () => {
        throw new Error(
          'zod schemas are not bundled in the kiosk; validate with shared/forms.ts validateForm',
        );
      };
    return inert;
  },
  apply: () => inert,
});

export const z = inert;
export default inert;
