// No cache (browser, proxy, CDN) may keep a customer response: the URL carries the link
// and the page shows the customer's case. Set first, so every answer has it, errors too.
import type { RequestHandler } from 'express';

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
};
