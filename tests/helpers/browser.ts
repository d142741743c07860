/**
 * Chromium for the browser tests: where it is, how it is launched, a fresh profile per person
 * that records script errors and CSP refusals, and screenshots saved for a person to look at
 * (test-artifacts/screenshots, gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Where screenshots go: outside what git tracks, kept after the run for a person to look at. */
export const SHOTS = path.resolve('test-artifacts/screenshots');

export interface Viewport {
  width: number;
  height: number;
}
export const PHONE: Viewport = { width: 390, height: 844 };
export const DESKTOP: Viewport = { width: 1280, height: 800 };

export const hasChromium = fs.existsSync(CHROMIUM);

/** A suite's title, saying why it is skipped when Chromium is not installed. */
export const chromiumSuiteTitle = (title: string) =>
  hasChromium ? title : `${title} — SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium)`;

/** Creates the screenshot folder and launches Chromium (each launch gets a fresh, temporary --user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface PersonOptions {
  viewport: Viewport;
  /** Cookies and storage to start with (e.g. another context's sign-in); none by default. */
  storageState?: StorageState;
  /** Where script errors and CSP refusals are recorded; a new list when not given. */
  problems?: string[];
  /** Also record (and dismiss) any alert, confirm or prompt dialog. */
  failOnDialog?: boolean;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Script errors and CSP refusals seen so far (the list given in the options, if any). */
  problems: string[];
}

/**
 * A new browser profile (no cookies unless given) in Vietnamese, a phone (touch, mobile) when
 * narrower than 600 px, that records script errors and CSP refusals in `problems`.
 */
export async function newPerson(browser: Browser, options: PersonOptions): Promise<Person> {
  const { viewport, storageState } = options;
  const phone = viewport.width < 600;
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, locale: 'vi-VN', storageState });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = options.problems ?? [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/.test(msg.text())) problems.push(msg.text());
  });
  if (options.failOnDialog) {
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }
  return { context, page, problems };
}

/** Saves a screenshot as `<SHOTS>/<name>.png`. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}

/** Saves a full-page screenshot and checks nothing sticks out sideways. */
export async function shotWithoutOverflow(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name, { fullPage: true });
  // On a phone the layout viewport grows to fit what sticks out, so compare with the device width.
  const overflow = (await page.evaluate(() => document.documentElement.scrollWidth)) - page.viewportSize()!.width;
  expect(overflow, `${name} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}
