import type { Context } from 'hono';
import type { Tokens } from '../../directory/tokens.ts';
import { ScimError } from '../../scim/errors.ts';
import { requestIdp } from '../request-context.ts';
import type { ScimEnv } from './scim-env.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Roster SCIM"' };

const unauthorized = (detail: string) => new ScimError(401, undefined, detail, CHALLENGE);

/**
 * The bearer token alone selects the account (PRODUCT.md, SCIM item 1): sets `accountId`, or
 * throws a 401 SCIM error.
 */
export function bearerAuth(
  tokens: Tokens,
  isSandbox: (accountId: string) => Promise<boolean>,
): (c: Context<ScimEnv>) => Promise<void> {
  return async (c) => {
    const header = c.req.header('authorization');
    if (!header) {
      c.set('authFailure', { reason: 'missing', accountId: null, tokenPrefix: null });
      throw unauthorized('missing bearer token: send the header "Authorization: Bearer <token>"');
    }
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      c.set('authFailure', { reason: 'malformed', accountId: null, tokenPrefix: null });
      throw unauthorized(
        'the Authorization header must be "Bearer <token>" with the token issued when the SCIM app was installed',
      );
    }
    const authenticated = await tokens.authenticate(match[1]);
    if (!authenticated) {
      c.set('authFailure', await tokens.explainRefusal(match[1]));
      throw unauthorized('the bearer token is not valid: it is unknown, revoked or expired');
    }
    c.set('accountId', authenticated.accountId);
    c.set('eventActor', {
      kind: 'idp',
      appId: authenticated.appId,
      tokenId: authenticated.tokenId,
      idp: requestIdp(c),
    });
    c.set('sandbox', await isSandbox(authenticated.accountId));
  };
}
