/**
 * Imported first by the views that run the server's zod schemas in the page (CatalogEditor):
 * zod decides on its eval-based fast path when a schema is built, and its probe (`new Function`)
 * is reported by the console's CSP (SPEC EDGE-1) even though it is caught. Must run before the
 * schemas' module is evaluated, hence a module of its own, imported for its effect.
 */
import { z } from 'zod';

z.config({ jitless: true });
