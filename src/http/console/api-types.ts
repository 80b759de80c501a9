/**
 * The admin API's answers as the console reads them: the types of the very schemas that
 * describe (and, in the admin API tests, check) those answers.
 */
import type { z } from 'zod';
import type { accountListSchema } from '../api/accounts.ts';
import type { auditListSchema } from '../api/audit.ts';
import type { brakeStatusSchema } from '../api/deprovision-brake.ts';
import type { domainCheckSchema, domainSchema } from '../api/domains.ts';
import type { groupMappingSchema } from '../api/group-mappings.ts';
import type { permissionSetSchema } from '../api/permission-sets.ts';
import type {
  authFailureSchema,
  eventListSchema,
  eventSchema,
  idpActivitySchema,
} from '../api/provisioning-log.ts';
import type { appSchema, installSchema, rotationSchema, tokenSchema } from '../api/scim-apps.ts';
import type { seatPoolSchema } from '../api/seat-pools.ts';
import type { teamSchema } from '../api/teams.ts';
import type { userListSchema, userSchema } from '../api/users.ts';
import type {
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from '../api/webhooks.ts';

export type { AccountView } from './console-env.ts';
export type AccountList = z.infer<typeof accountListSchema>;
export type AuditList = z.infer<typeof auditListSchema>;
export type BrakeStatus = z.infer<typeof brakeStatusSchema>;
export type DomainView = z.infer<typeof domainSchema>;
export type DomainCheck = z.infer<typeof domainCheckSchema>;
export type GroupMapping = z.infer<typeof groupMappingSchema>;
export type PermissionSetView = z.infer<typeof permissionSetSchema>;
export type AuthFailure = z.infer<typeof authFailureSchema>;
export type EventList = z.infer<typeof eventListSchema>;
export type EventSummary = EventList['items'][number];
export type EventView = z.infer<typeof eventSchema>;
export type IdpActivityView = z.infer<typeof idpActivitySchema>;
export type ScimAppView = z.infer<typeof appSchema>;
export type Installation = z.infer<typeof installSchema>;
export type Rotation = z.infer<typeof rotationSchema>;
export type TokenView = z.infer<typeof tokenSchema>;
export type SeatPoolView = z.infer<typeof seatPoolSchema>;
export type TeamView = z.infer<typeof teamSchema>;
export type UserView = z.infer<typeof userSchema>;
export type UserList = z.infer<typeof userListSchema>;

/** `{ items }` lists, as most list operations answer. */
export interface Items<T> {
  readonly items: T[];
}
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;
export type WebhookDeliveryList = z.infer<typeof webhookDeliveryListSchema>;
