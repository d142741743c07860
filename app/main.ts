import 'dotenv/config';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { checkDatabaseFile } from '../store/sqlite/integrity-check.js';
import { DATABASE_FILE } from '../store/sqlite/sqlite-database.js';

/** `npm start`: the whole service in one process (web chat, bot channels, scheduler). */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  // The embedded database's integrity check runs in a worker thread while the service's
  // modules load (app.js is imported after it started); the file is opened for writing only
  // once it has passed.
  const integrity = config.MONGODB_URI ? undefined : checkDatabaseFile(path.join(config.DATA_DIR, DATABASE_FILE));
  const { startApp } = await import('./app.js');
  const logger = createLogger(config.LOG_LEVEL);
  if (config.dataKeyGenerated) {
    logger.warn(`DATA_KEY is not set: using a key kept in ${config.DATA_DIR}/data.key. A real deployment must set DATA_KEY (and back it up): without it the encrypted chat ids cannot be read.`);
  }
  if (config.STAFF_2FA === 'optional') {
    logger.warn('STAFF_2FA=optional: staff may sign in with a password alone. Use this for a local trial only; a real deployment must require two-factor sign-in.');
  }
  const app = await startApp(config, { logger, integrity });
  logger.info({ url: app.url, engine: app.store.engine, channels: app.outbox.connectedChannels() }, `Hộp Thư Xanh is running: web chat at ${app.url.replace('0.0.0.0', 'localhost')}/chat`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing work in hand');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('Hộp Thư Xanh could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
