/**
 * Migrations listed in code rather than read from a folder, so they run the same under tsx and
 * compiled. Names sort in application order.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../sql/dialect-quirks.ts';
import { initialMigration } from './0001-initial.ts';
import { settingsMigration } from './0002-settings.ts';
import { groupsMigration } from './0003-groups.ts';
import { administrationMigration } from './0004-administration.ts';
import { domainsAndAppsMigration } from './0005-domains-and-apps.ts';
import { deprovisionBrakeMigration } from './0006-deprovision-brake.ts';
import { eventGroupsMigration } from './0007-event-groups.ts';
import { shortSecretPrefixesMigration } from './0008-short-secret-prefixes.ts';
import { domainClaimsMigration } from './0009-domain-claims.ts';
import { provisioningLogMigration } from './0010-provisioning-log.ts';
import { userCountsMigration } from './0011-user-counts.ts';
import { accountSandboxMigration } from './0012-account-sandbox.ts';
import { consoleSessionsMigration } from './0013-console-sessions.ts';
import { provisioningLogActivityMigration } from './0014-provisioning-log-activity.ts';
import { eventsMigration } from './0015-events.ts';
import { provisioningLogRequestIdMigration } from './0016-provisioning-log-request-id.ts';
import { webhooksMigration } from './0017-webhooks.ts';

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial': initialMigration(dialect),
        '0002-settings': settingsMigration,
        '0003-groups': groupsMigration(dialect),
        '0004-administration': administrationMigration(dialect),
        '0005-domains-and-apps': domainsAndAppsMigration,
        '0006-deprovision-brake': deprovisionBrakeMigration,
        '0007-event-groups': eventGroupsMigration,
        '0008-short-secret-prefixes': shortSecretPrefixesMigration,
        '0009-domain-claims': domainClaimsMigration(dialect),
        '0010-provisioning-log': provisioningLogMigration(dialect),
        '0011-user-counts': userCountsMigration(dialect),
        '0012-account-sandbox': accountSandboxMigration(dialect),
        '0013-console-sessions': consoleSessionsMigration,
        '0014-provisioning-log-activity': provisioningLogActivityMigration(dialect),
        '0015-events': eventsMigration(dialect),
        '0016-provisioning-log-request-id': provisioningLogRequestIdMigration(dialect),
        '0017-webhooks': webhooksMigration(dialect),
      };
    },
  };
}
