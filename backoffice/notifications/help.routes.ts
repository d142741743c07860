import { Router } from 'express';
import { render } from '../render.js';

/** The back office's help page: how the escalation ladder works and how to set it. */
export function helpRoutes(): Router {
  const router = Router();
  router.get('/help', (req, res) => render(req, res, 'notifications/help.njk'));
  return router;
}
