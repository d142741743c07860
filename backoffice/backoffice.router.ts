import crypto from 'node:crypto';
import path from 'node:path';
import express, { Router, type ErrorRequestHandler } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../app/errors.js';
import { isLang, tr, type Lang } from '../locales/i18n.js';
import { authRoutes } from './auth/auth.routes.js';
import { requireStaff } from './auth/auth.middleware.js';
import { setCtx, type BackofficeDeps } from './context.js';
import { render } from './render.js';
import { sourceDirOf } from '../app/source-dir.js';

const SESSION_TTL_MS = 8 * 60 * 60_000;
const assetsDir = path.join(sourceDirOf(import.meta.url), 'public');

/**
 * The back office, mounted at /admin: security headers, language, session, CSRF on every
 * form, then the sign-in routes and — behind requireStaff — everything else.
 */
export function backofficeRouter(deps: BackofficeDeps, features: ((deps: BackofficeDeps) => Router)[] = []): Router {
  const router = Router();
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // Evidence: the photos and voice notes on the case page.
          mediaSrc: ["'self'"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: deps.config.NODE_ENV === 'production',
    }),
  );
  router.use('/assets', express.static(assetsDir, { maxAge: '1h', fallthrough: false }));
  router.use((req, res, next) => {
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const cookie = /(?:^|;\s*)htx_lang=(vi|en)/.exec(req.get('cookie') ?? '')?.[1];
    const lang: Lang = isLang(asked) ? asked : isLang(cookie) ? cookie : 'vi';
    if (isLang(asked)) res.cookie('htx_lang', asked, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600_000 });
    setCtx(req, { lang, t: tr(lang) });
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '200kb' }));
  router.use(
    session({
      name: 'htx_sid',
      store: deps.sessions,
      secret: deps.config.SESSION_SECRET ?? sessionSecretFrom(deps.config.dataKey),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_TTL_MS, path: '/admin' },
    }),
  );
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : req.get('x-csrf-token')),
  });
  router.use(csrfSynchronisedProtection);
  router.use((req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    next();
  });
  router.use(authRoutes(deps));
  router.use(requireStaff(deps));
  for (const feature of features) router.use(feature(deps));
  router.use((_req, _res, next) => next(new AppError('not_found', 404)));
  router.use(errorPage(deps));
  return router;
}

function sessionSecretFrom(dataKey: Buffer): string {
  return Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), 'htx:session:v1', 32)).toString('base64url');
}

function errorPage(deps: BackofficeDeps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const csrf = (err as { code?: string }).code === 'EBADCSRFTOKEN' || (err as { message?: string }).message === 'invalid csrf token';
    const status = csrf ? 403 : err instanceof AppError ? err.status : typeof err?.status === 'number' ? err.status : 500;
    const code = csrf ? 'csrf' : err instanceof AppError ? err.code : status === 404 ? 'not_found' : status < 500 ? 'bad_request' : 'internal';
    if (status >= 500) deps.logger.error({ err, path: req.path }, 'back office request failed');
    render(req, res, 'error.njk', { status, code }, status);
  };
}
