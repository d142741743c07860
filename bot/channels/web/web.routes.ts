import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { MAX_EVIDENCE_BYTES } from '../../../cases/evidence.service.js';
import { EVIDENCE_MIMES } from '../../../cases/evidence-types.js';
import { LANGUAGES, tr, type Lang } from '../../../locales/i18n.js';
import { webChatApi, type WebChatApiOptions } from './web.api.js';
import { sourceDirOf } from '../../../app/source-dir.js';

const PUBLIC_DIR = path.join(sourceDirOf(import.meta.url), 'public');

/** The page may be framed anywhere (the widget); nothing runs but our own files. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');
const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'";
/** What the file picker offers; the server still decides by the file's bytes. */
const ACCEPT = EVIDENCE_MIMES.join(',');

const PageQuery = z.object({ lang: z.enum(LANGUAGES).catch('vi') });

/** After this long without anything sent, received or typed, the page ends the chat and clears itself. */
export const WEB_CHAT_IDLE_MINUTES = 15;

export interface WebChatRouterOptions extends WebChatApiOptions {
  /** Where quick exit sends the child: a neutral page. */
  quickExitUrl: string;
}

/**
 * The web chat, mounted at /chat: the page (`/`), its script and style, the embeddable
 * widget (`/widget.js`) and the JSON API (`/api`). No framework, no third-party requests.
 */
export function webChatRouter(opts: WebChatRouterOptions): Router {
  const router = Router();
  router.use(baseHeaders);
  router.use('/api', webChatApi(opts));

  // Versioned URLs let phones cache the files for a week and still get a new release at once.
  const version = fileVersion(['app.js', 'app.css']);
  router.get('/', (req, res) => {
    const { lang } = PageQuery.parse(req.query);
    res.set({ 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' });
    res.type('html').send(renderPage({ lang, base: req.baseUrl, version, quickExitUrl: opts.quickExitUrl }));
  });

  const widget = renderWidget();
  router.get('/widget.js', (_req, res) => {
    // Partner sites load this script from their own origin.
    res.set({ 'Cache-Control': 'public, max-age=3600', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    res.type('js').send(widget);
  });

  router.use(
    express.static(PUBLIC_DIR, {
      index: false,
      redirect: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=604800'),
    }),
  );
  return router;
}

const baseHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': RESOURCE_CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  });
  next();
};

function fileVersion(files: string[]): string {
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(fs.readFileSync(path.join(PUBLIC_DIR, f)));
  return hash.digest('base64url').slice(0, 10);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
/** JSON that is safe inside a `<script type="application/json">` block. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

interface PageInput {
  lang: Lang;
  /** Where the router is mounted, e.g. `/chat`. */
  base: string;
  version: string;
  quickExitUrl: string;
}

/**
 * The page's own words for an adult writing about a child (bot/conversation/voice.ts): the page
 * switches to them when the bot learns an adult is writing (the transcript says so).
 */
function adultChrome(lang: Lang) {
  const t = (key: string, options?: Record<string, unknown>) => tr(lang)(key, { context: 'adult', ...options });
  return {
    strings: {
      you: t('webchat.you'),
      uploadTooLarge: t('webchat.upload_too_large', { size: `${MAX_EVIDENCE_BYTES / 1024 / 1024} MB` }),
      uploadUnsupported: t('webchat.upload_unsupported'),
      uploadTooMany: t('webchat.upload_too_many'),
      uploadFailed: t('webchat.upload_failed'),
    },
    text: {
      'clear-note': t('webchat.clear_note', { minutes: WEB_CHAT_IDLE_MINUTES }),
      'end-hint': t('webchat.end_confirm'),
      offline: t('webchat.offline'),
      'attach-hint': t('webchat.attach_hint'),
      'quick-exit-hint': `${t('webchat.quick_exit_hint')}. ${t('webchat.quick_exit_keys')}`,
      'text-label': t('webchat.input_label'),
    },
  };
}

function renderPage({ lang, base, version, quickExitUrl }: PageInput): string {
  const t = tr(lang);
  const s = (key: string) => escapeHtml(t(`webchat.${key}`));
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const config = {
    lang,
    api: `${base}/api`,
    quickExitUrl,
    maxUploadBytes: MAX_EVIDENCE_BYTES,
    idleMs: WEB_CHAT_IDLE_MINUTES * 60_000,
    strings: {
      copy: t('webchat.copy_code'),
      copied: t('webchat.copied'),
      copyLabel: t('webchat.copy_code_label'),
      ended: t('webchat.ended'),
      you: t('webchat.you'),
      bot: t('webchat.bot'),
      sending: t('webchat.sending'),
      options: t('webchat.options_label'),
      photoSent: t('webchat.photo_sent'),
      voiceSent: t('webchat.voice_sent'),
      uploadTooLarge: t('webchat.upload_too_large', { size: `${MAX_EVIDENCE_BYTES / 1024 / 1024} MB` }),
      uploadUnsupported: t('webchat.upload_unsupported'),
      uploadTooMany: t('webchat.upload_too_many'),
      uploadFailed: t('webchat.upload_failed'),
      placesSearch: t('places.search'),
      placesNone: t('places.none'),
    },
    adult: adultChrome(lang),
  };
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<meta name="theme-color" content="#0b6e4f">
<title>${s('title')}</title>
<link rel="icon" href="${base}/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${base}/app.css?v=${version}">
<script type="application/json" id="htx-config">${scriptJson(config)}</script>
<script src="${base}/app.js?v=${version}" defer></script>
</head>
<body>
<header class="top">
  <button type="button" id="quick-exit" class="quick-exit" aria-describedby="quick-exit-hint">${s('quick_exit')} ✕</button>
  <p id="quick-exit-hint" class="visually-hidden">${s('quick_exit_hint')}. ${s('quick_exit_keys')}</p>
  <h1>${s('heading')}</h1>
  <p class="subtitle">${s('subtitle')}</p>
  <p class="actions">
    <a class="call" href="tel:111">☎ ${s('call_111')}</a>
    <button type="button" id="end-chat" class="end-chat" aria-describedby="end-hint" aria-expanded="false" aria-controls="end-confirm">${s('end')}</button>
    <a class="lang" id="lang-switch" href="${base}?lang=${other}" hreflang="${other}"><span lang="${other}">${s('lang_switch')}</span><span class="visually-hidden"> (${s('lang_switch_label')})</span></a>
  </p>
  <div id="end-confirm" class="end-confirm" hidden>
    <p id="end-hint">${s('end_confirm')}</p>
    <button type="button" id="end-yes" class="end-yes">${s('end_yes')}</button>
    <button type="button" id="end-no" class="end-no">${s('end_no')}</button>
  </div>
</header>
<main>
  <noscript><p class="noscript">${s('noscript')} <a href="tel:111">☎ 111</a></p></noscript>
  <p id="clear-note" class="clear-note">${escapeHtml(t('webchat.clear_note', { minutes: WEB_CHAT_IDLE_MINUTES }))}</p>
  <p id="ended-note" class="clear-note" role="status" hidden></p>
  <div role="log" aria-live="polite" aria-label="${s('messages_label')}">
    <ol id="messages" class="messages"></ol>
  </div>
</main>
<section class="bottom" aria-label="${s('composer_label')}">
  <p id="offline" class="offline" role="status" hidden>${s('offline')}</p>
  <p id="upload-error" class="upload-error" role="alert" hidden></p>
  <form id="composer" class="composer" autocomplete="off">
    <button type="button" id="attach" class="attach" aria-describedby="attach-hint"><span aria-hidden="true">📎</span><span class="visually-hidden">${s('attach')}</span></button>
    <p id="attach-hint" class="visually-hidden">${s('attach_hint')}</p>
    <input type="file" id="file" class="visually-hidden" tabindex="-1" aria-hidden="true" accept="${ACCEPT}">
    <label for="text" id="text-label" class="visually-hidden">${s('input_label')}</label>
    <textarea id="text" name="text" rows="1" maxlength="4000" placeholder="${s('placeholder')}" enterkeyhint="send"></textarea>
    <button type="submit" id="send">${s('send')}</button>
  </form>
</section>
</body>
</html>
`;
}

/** widget.js with the button's labels in both languages filled in. */
function renderWidget(): string {
  const strings = Object.fromEntries(LANGUAGES.map((l) => [l, { open: tr(l)('webchat.widget_open'), close: tr(l)('webchat.widget_close') }]));
  return fs.readFileSync(path.join(PUBLIC_DIR, 'widget.js'), 'utf8').replace('__HTX_STRINGS__', scriptJson(strings));
}
