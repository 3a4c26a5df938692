import type { Command } from '../command.js';
import { ad } from './ad.js';
import { auditVerify } from './audit-verify.js';
import { detect } from './detect.js';
import { exposure } from './exposure.js';
import { importFiness } from './import-finess.js';
import { migrate } from './migrate.js';
import { serve } from './serve.js';
import { token } from './token.js';
import { user } from './user.js';

/** Every sub-command, in the order `rempart --help` lists them. Add one line per command. */
export const commands: Command[] = [serve, migrate, importFiness, auditVerify, user, token, detect, ad, exposure];
