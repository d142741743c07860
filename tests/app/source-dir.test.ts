import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPILED_DIR, PROJECT_ROOT, sourceDirOf } from '../../app/source-dir.js';

describe('the folder of a module’s templates and assets', () => {
  it('is the module’s own folder when it runs from its TypeScript source', () => {
    const source = path.join(PROJECT_ROOT, 'backoffice', 'render.ts');
    expect(sourceDirOf(pathToFileURL(source).href)).toBe(path.join(PROJECT_ROOT, 'backoffice'));
  });

  it('is the source folder, where the views are, when the module runs compiled under dist/', () => {
    const compiled = path.join(PROJECT_ROOT, COMPILED_DIR, 'backoffice', 'render.js');
    const dir = sourceDirOf(pathToFileURL(compiled).href);
    expect(dir).toBe(path.join(PROJECT_ROOT, 'backoffice'));
    expect(fs.existsSync(path.join(dir, 'views', 'layout.njk'))).toBe(true);
  });

  it('finds the strings and the web chat’s files of compiled modules nested deeper', () => {
    expect(sourceDirOf(pathToFileURL(path.join(PROJECT_ROOT, COMPILED_DIR, 'locales', 'i18n.js')).href)).toBe(path.join(PROJECT_ROOT, 'locales'));
    const web = sourceDirOf(pathToFileURL(path.join(PROJECT_ROOT, COMPILED_DIR, 'bot', 'channels', 'web', 'web.routes.js')).href);
    expect(fs.existsSync(path.join(web, 'public', 'widget.js'))).toBe(true);
  });
});
