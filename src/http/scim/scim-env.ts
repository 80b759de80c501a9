/** Per-request values the SCIM middleware and routes share. */
import type { Context } from 'hono';
import { SYSTEM_ACTOR } from '../../directory/events.ts';
import type { EventActor } from '../../directory/model.ts';
import type { AuthFailure } from '../../directory/provisioning-log.ts';

export interface ScimEnv {
  Variables: {
    accountId: string | undefined;
    /** The author of the events this request's changes emit: the IdP, through its token. */
    eventActor: EventActor | undefined;
    /** The account is a sandbox (any email domain is accepted): logged with every request. */
    sandbox: boolean | undefined;
    /** Base URL of this SCIM service as the client sees it, for `meta.location`. */
    baseUrl: string;
    /** What the request did, for the provisioning log ('create user', 'deactivate user'...). */
    operation: string;
    userId: string | undefined;
    /** The group the request is about, for the provisioning log. */
    groupId: string | undefined;
    requestBody: unknown;
    responseBody: unknown;
    /** The response body exactly as sent, so the log need not serialise it again. */
    responseText: string | undefined;
    /** A non-fatal problem worth an admin's attention, for the provisioning log. */
    warning: string | undefined;
    /** Why authentication failed; such requests are counted, not logged one by one. */
    authFailure: Omit<AuthFailure, 'idp' | 'source'> | undefined;
    /** The client's address (source-address.ts), when the request came over a socket. */
    sourceAddress: string | undefined;
  };
}

/**
 * The author of the changes this request makes: the IdP, through its token (bearer-auth.ts
 * sets it before any route runs). Passed to the directory's writes explicitly.
 */
export function requestActor(c: Context<ScimEnv>): EventActor {
  return c.get('eventActor') ?? SYSTEM_ACTOR;
}
