import type { Router } from 'express';
import { passwordRoutes } from './auth/password.routes.js';
import { caseRoutes } from './cases/cases.routes.js';
import type { BackofficeDeps } from './context.js';
import { reportRoutes } from './reports/reports.routes.js';
import { settingsRoutes } from './settings/settings.routes.js';
import { staffRoutes } from './staff/staff.routes.js';

/**
 * The back-office features behind sign-in, in the order they are mounted. Each is a function
 * from the shared dependencies to an express Router.
 */
export const backofficeFeatures: ((deps: BackofficeDeps) => Router)[] = [passwordRoutes, staffRoutes, caseRoutes, reportRoutes, settingsRoutes];
