import type { ChannelStatusService } from '../bot/channels/channel-status.service.js';
import type { Request } from 'express';
import type { TFunction } from 'i18next';
import type { Config } from '../app/config.js';
import type { DataCipher } from '../app/crypto.js';
import type { Logger } from '../app/logger.js';
import type { CaseService } from '../cases/cases.service.js';
import type { StaffPrincipal } from '../cases/scope.js';
import type { Lang } from '../locales/i18n.js';
import type { Staff } from '../models/index.js';
import type { Outbox } from '../outbox/outbox.service.js';
import type { Store } from '../store/index.js';
import type { StaffSessionStore } from './session.store.js';

declare module 'express-session' {
  interface SessionData {
    /** Set once the password was right. */
    staffId?: string;
    /** Set once the second factor was right too (or is not required). */
    twoFactorOk?: boolean;
    /** A TOTP secret being enrolled, sealed. */
    enrolSecretEnc?: string;
    /** New recovery codes, sealed, until the page that shows them once has been opened. */
    recoveryCodesEnc?: string;
    flash?: string;
  }
}

/** What every back-office route gets. */
export interface BackofficeDeps {
  config: Config;
  store: Store;
  cipher: DataCipher;
  logger: Logger;
  cases: CaseService;
  outbox: Outbox;
  sessions: StaffSessionStore;
  /** Each chat channel's real state, for the settings page. */
  channels: ChannelStatusService;
}

/** Per request, set by the back-office middleware. */
export interface StaffRequestContext {
  lang: Lang;
  t: TFunction;
  /** The signed-in staff member, after requireStaff. */
  staff?: Staff;
  principal?: StaffPrincipal;
}

export function ctx(req: Request): StaffRequestContext {
  return (req as Request & { htx: StaffRequestContext }).htx;
}

export function setCtx(req: Request, value: StaffRequestContext) {
  (req as Request & { htx: StaffRequestContext }).htx = value;
}

export const principalOf = (staff: Staff): StaffPrincipal => ({ id: staff._id, role: staff.role, areas: staff.areas, expertise: staff.expertise });
