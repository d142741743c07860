import crypto from 'node:crypto';
import type { Config } from '../../app/config.js';
import type { Logger } from '../../app/logger.js';
import { StaffModel } from '../../models/index.js';
import { isDuplicateKey, type Store } from '../../store/index.js';
import { hashPassword } from './passwords.js';

/**
 * On the first start (no staff at all) creates the admin from ADMIN_EMAIL/ADMIN_PASSWORD, or
 * with a generated password printed once to the console (not to the structured logs). When
 * several instances start at once, the unique e-mail index lets one create it; the others
 * find it created (the indexes are built before this runs).
 */
export async function ensureFirstAdmin(store: Store, config: Config, logger: Logger, print = (line: string) => process.stdout.write(`${line}\n`)) {
  const staff = store.collection(StaffModel);
  if ((await staff.count({})) > 0) return null;
  const email = config.ADMIN_EMAIL ?? 'admin@hopthuxanh.local';
  const generated = !config.ADMIN_PASSWORD;
  const password = config.ADMIN_PASSWORD ?? crypto.randomBytes(12).toString('base64url');
  let admin;
  try {
    admin = await staff.insertOne({
      email,
      name: 'Admin',
      role: 'admin',
      passwordHash: await hashPassword(password),
      mustChangePassword: generated,
    });
  } catch (err) {
    if (isDuplicateKey(err)) return null; // another instance created it a moment ago
    throw err;
  }
  logger.warn({ staffId: admin._id }, 'first start: admin account created');
  if (generated) {
    print('');
    print('  Hộp Thư Xanh — first start: an admin account was created.');
    print(`  Sign in at /admin/login as ${email} with the password: ${password}`);
    print('  It is shown only this once; you will be asked to change it.');
    print('');
  }
  return admin;
}
