import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the compiled JavaScript, under the project's folder. */
export const COMPILED_DIR = 'dist';

const thisFile = fileURLToPath(import.meta.url);
/** The project's folder: this file is `app/source-dir.ts`, or `dist/app/source-dir.js` once compiled. */
export const PROJECT_ROOT = path.resolve(path.dirname(thisFile), thisFile.endsWith('.js') ? '../..' : '..');

/**
 * The folder of a module's source (pass `import.meta.url`): a module's templates, styles,
 * scripts and strings stay beside its TypeScript, and a compiled module (under `dist/`) finds
 * them there — nothing is copied at build, so an edited template is served without a new build.
 */
export function sourceDirOf(moduleUrl: string): string {
  const file = fileURLToPath(moduleUrl);
  const inBuild = path.relative(path.join(PROJECT_ROOT, COMPILED_DIR), path.dirname(file));
  const compiled = file.endsWith('.js') && !inBuild.startsWith('..') && !path.isAbsolute(inBuild);
  return compiled ? path.join(PROJECT_ROOT, inBuild) : path.dirname(file);
}
