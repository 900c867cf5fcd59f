/**
 * Packages meet through their names (STYLE rule 13): no source file of a workspace reaches
 * into another package by a relative path (`../../../display-board/src/...`); it imports
 * `@onewindow/shared`, `@onewindow/shared/client`, `@onewindow/tests/support/…` and so on.
 * Files of the tests/ workspace are exempt: they are the cross-package tests.
 *
 * Two more boundaries of the same kind: shared/src outside the client core never imports the
 * browser libraries (the server loads shared/ and installs neither), and the client core and the
 * browser apps never reach zod through an import that survives compilation (`import type` is
 * erased; `import { type X }` is not under verbatimModuleSyntax, so it counts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The workspaces, as the root package.json lists them (relative to the root, '/'-separated). */
const WORKSPACES: readonly string[] = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
).workspaces;
/** The cross-package tests: they may import anything. */
const EXEMPT_WORKSPACE = 'tests';
/**
 * The one place a workspace file may leave its package by a relative path: a Vite config
 * importing the repository's shared Vite setup (vite.apps.ts). The repository root is no
 * package (it has no name another workspace could import), and this is build tooling, not source.
 */
const ROOT_TOOLING = { importer: /(^|\/)vite\.config\.ts$/, target: /^[^/]+\.ts$/ };

const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', 'data', 'test-results', '.tmp']);

export interface SourceFile {
  /** Relative to the repository root, '/'-separated. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  /** Where the specifier lands, relative to the root. */
  target: string;
}

/** The workspace holding `path` (the longest matching directory), or null for a root file. */
export function workspaceOf(path: string, workspaces: readonly string[]): string | null {
  let best: string | null = null;
  for (const w of workspaces)
    if (path.startsWith(`${w}/`) && (best === null || w.length > best.length)) best = w;
  return best;
}

/** Every module specifier of a file: static imports and re-exports, `import()`, `require()`. */
function specifiersOf(file: SourceFile): { specifier: string; line: number }[] {
  const info = ts.preProcessFile(file.text, true, true);
  const lineOf = (pos: number) => file.text.slice(0, pos).split('\n').length;
  return [...info.importedFiles, ...info.referencedFiles].map((f) => ({
    specifier: f.fileName,
    line: lineOf(f.pos),
  }));
}

/**
 * Relative imports that land outside the importing file's own workspace package. Pure: the
 * files are given with their text, so the rule can be checked on made-up examples too.
 */
export function crossPackageImports(
  files: readonly SourceFile[],
  workspaces: readonly string[],
): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const own = workspaceOf(file.path, workspaces);
    if (own === null || own === EXEMPT_WORKSPACE) continue;
    for (const { specifier, line } of specifiersOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = posix.join(posix.dirname(file.path), specifier);
      if (target === own || target.startsWith(`${own}/`)) continue;
      if (ROOT_TOOLING.importer.test(file.path) && ROOT_TOOLING.target.test(target)) continue;
      out.push({ file: file.path, line, specifier, target });
    }
  }
  return out;
}

/** Every .ts/.tsx file of the given workspaces, skipping installed and built output. */
function readWorkspaceFiles(workspaces: readonly string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (/\.tsx?$/.test(entry.name)) {
        files.push({ path, text: readFileSync(join(ROOT, path), 'utf8') });
      }
    }
  };
  for (const w of workspaces) walk(w);
  return files;
}

const describeViolations = (vs: readonly Violation[]) =>
  vs.map((v) => `${v.file}:${v.line} imports '${v.specifier}' (→ ${v.target})`);

/**
 * Module specifiers that stay in the compiled JavaScript: everything but `import type …` and
 * `export type … from` (an `import { type X }` keeps its module under verbatimModuleSyntax).
 */
export function runtimeSpecifiers(file: SourceFile): { specifier: string; line: number }[] {
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  const out: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec !== undefined && ts.isStringLiteral(spec))
      out.push({ specifier: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      if (!node.importClause?.isTypeOnly) add(node, node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node)) {
      if (!node.isTypeOnly) add(node, node.moduleSpecifier);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Where an import of our own code lands: a relative path, or an @onewindow/shared entry. */
function localTarget(from: string, specifier: string): string | null {
  if (specifier.startsWith('.')) return posix.join(posix.dirname(from), specifier);
  if (specifier === '@onewindow/shared') return 'shared/src/index.ts';
  if (specifier === '@onewindow/shared/client') return 'shared/src/client/index.ts';
  if (specifier.startsWith('@onewindow/shared/')) return `shared/src/${specifier.slice(18)}`;
  return null;
}

/**
 * The import chains by which `entry` reaches a module matching `forbidden` at run time, one
 * per forbidden import found (following our own files only; packages are leaves).
 */
export function runtimeReach(
  entry: string,
  read: (path: string) => string | null,
  forbidden: RegExp,
): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const queue: string[][] = [[entry]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const path = chain[chain.length - 1]!;
    if (seen.has(path)) continue;
    seen.add(path);
    const text = read(path);
    if (text === null) continue;
    for (const { specifier, line } of runtimeSpecifiers({ path, text })) {
      if (forbidden.test(specifier)) {
        found.push([...chain.slice(0, -1), `${path}:${line}`, specifier]);
        continue;
      }
      const target = localTarget(path, specifier);
      // Our TypeScript only: stylesheets and assets carry no imports of code.
      if (target !== null && /\.tsx?$/.test(target))
        queue.push([...chain.slice(0, -1), `${path}:${line}`, target]);
    }
  }
  return found;
}

const readRepoFile = (path: string): string | null => {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return null;
  }
};

describe('packages meet through their names (STYLE rule 13)', () => {
  it('the checker flags a relative import into another package, with file and line', () => {
    const files: SourceFile[] = [
      {
        path: 'kiosk/app/src/core/store.ts',
        text: [
          "import { helper } from './helper.ts';",
          "import { createStore } from '../../../../display-board/src/core/store.ts';",
          "export { x } from '../../../agent/agent/log.ts';",
          "const lazy = () => import('../../../../shared/src/mask.ts');",
        ].join('\n'),
      },
      // The tests/ workspace may reach anywhere; a Vite config may use the repository's Vite setup.
      { path: 'tests/e2e/a.test.ts', text: "import '../../queue-server/src/app/app.ts';" },
      { path: 'kiosk/app/vite.config.ts', text: "import { preactApp } from '../../vite.apps.ts';" },
      // …but application code may not, and the repository root is no package.
      { path: 'kiosk/app/src/x.ts', text: "import { preactApp } from '../../../vite.apps.ts';" },
    ];
    expect(describeViolations(crossPackageImports(files, WORKSPACES))).toEqual([
      "kiosk/app/src/core/store.ts:2 imports '../../../../display-board/src/core/store.ts' (→ display-board/src/core/store.ts)",
      "kiosk/app/src/core/store.ts:4 imports '../../../../shared/src/mask.ts' (→ shared/src/mask.ts)",
      "kiosk/app/src/x.ts:1 imports '../../../vite.apps.ts' (→ vite.apps.ts)",
    ]);
  });

  it('no workspace outside tests/ imports another package by a relative path', () => {
    const files = readWorkspaceFiles(WORKSPACES);
    // The scan must see the apps, the agent and the console, or it proves nothing.
    for (const dir of [
      'shared/src/client',
      'kiosk/app/src',
      'kiosk/mobile/src',
      'kiosk/agent',
      'queue-server/console/src',
    ])
      expect(files.some((f) => f.path.startsWith(`${dir}/`))).toBe(true);
    expect(describeViolations(crossPackageImports(files, WORKSPACES))).toEqual([]);
  });

  it('shared/ outside the client core never imports the browser libraries (the server has none)', () => {
    const offending = readWorkspaceFiles(['shared'])
      .filter((f) => !f.path.startsWith('shared/src/client/'))
      .flatMap((f) =>
        specifiersOf(f)
          .filter(({ specifier }) => /^(preact|socket\.io-client)(\/|$)/.test(specifier))
          .map(({ specifier, line }) => `${f.path}:${line} imports '${specifier}'`),
      );
    expect(offending).toEqual([]);
  });
});

describe('zod stays out of the browser bundles', () => {
  it('the reach check follows runtime imports and ignores type-only ones', () => {
    const fake: Record<string, string> = {
      'shared/src/client/index.ts': "export { a } from './a.ts';\nexport type { T } from '../protocol.ts';",
      'shared/src/client/a.ts':
        "import type { U } from '../protocol.ts';\nimport { type V } from '../kiosk.ts';",
      'shared/src/kiosk.ts': "import { z } from 'zod';",
      'shared/src/protocol.ts': "import { z } from 'zod';",
    };
    expect(runtimeReach('shared/src/client/index.ts', (p) => fake[p] ?? null, /^zod(\/|$)/)).toEqual([
      ['shared/src/client/index.ts:1', 'shared/src/client/a.ts:2', 'shared/src/kiosk.ts:1', 'zod'],
    ]);
  });

  it.each([
    'shared/src/client/index.ts',
    'display-board/src/main.tsx',
    'kiosk/app/src/main.tsx',
    'kiosk/mobile/src/main.tsx',
  ])('%s reaches no zod at run time', (entry) => {
    expect(readRepoFile(entry)).not.toBeNull();
    expect(runtimeReach(entry, readRepoFile, /^zod(\/|$)/).map((chain) => chain.join(' → '))).toEqual([]);
  });

  it("the console's first load reaches no zod: only a view loaded on demand (the admin's catalog editor) may", () => {
    const entry = 'queue-server/console/src/main.tsx';
    /** A hop `file:line` whose import is an `import()`: what follows is a chunk loaded on first use. */
    const onDemand = (hop: string) => {
      const [file, line] = hop.split(':');
      return /\bimport\(/.test(readRepoFile(file!)?.split('\n')[Number(line) - 1] ?? '');
    };
    const chains = runtimeReach(entry, readRepoFile, /^zod(\/|$)/);
    expect(chains.filter((c) => !c.slice(0, -1).some(onDemand)).map((c) => c.join(' → '))).toEqual([]);
  });
});
