import type { Router } from 'express';
import type { BackofficeDeps } from './context.js';

/**
 * The back-office features behind sign-in, in the order they are mounted. Each is a function
 * from the shared dependencies to an express Router.
 */
export const backofficeFeatures: ((deps: BackofficeDeps) => Router)[] = [];
