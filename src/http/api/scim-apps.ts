/**
 * `/accounts/{accountId}/scim-app` and `/tokens`: the SCIM app's lifecycle (seeds: upload the
 * project, install, copy the token and the tenant URL). An upload carries both project files'
 * text; every problem comes back at once, each with its file and JSON path. Install and rotate
 * show a token once, with the tenant URL (public-base.ts: ROSTER_PUBLIC_URL, an allowed Host, or
 * the address the request arrived on).
 */
import { z } from 'zod';
import type { Directory } from '../../directory/directory.ts';
import type { ScimApp } from '../../directory/model.ts';
import { parseScimAppProject } from '../../directory/scim-app-project/parse-project.ts';
import {
  APP_FILE,
  formatProblem,
  type ProjectProblem,
  SCIM_FILE,
} from '../../directory/scim-app-project/project-files.ts';
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  type IssuedToken,
  MAX_ROTATION_OVERLAP_SECONDS,
  type TokenView,
} from '../../directory/scim-apps.ts';
import { type PublicOrigin, publicBase } from '../public-base.ts';
import { defineRoute, named } from './api-route.ts';
import { idParams, idSchema } from './common-schemas.ts';
import { brakeStatusSchema, brakeView } from './deprovision-brake.ts';
import { ApiProblem, type FieldProblem } from './problem-response.ts';

/** A project file's text; the directory bounds it again (64 KiB) with a precise message. */
const fileText = z.string().max(256 * 1024);

const uploadBody = z.strictObject({
  files: z
    .strictObject({ [APP_FILE]: fileText.optional(), [SCIM_FILE]: fileText.optional() })
    .describe(`The text of ${APP_FILE} and ${SCIM_FILE}, named relative to src/app/`),
});

export const appSchema = named(
  'ScimApp',
  z.object({
    id: z.string(),
    uid: z.string().describe("app-hsmeta.json's uid: the app's identity across uploads"),
    name: z.string(),
    description: z.string(),
    scimUid: z.string(),
    roleSyncEnabled: z.boolean(),
    installed: z.boolean(),
    installedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

/** GET /scim-app: the app, and the brake that guards what it may deactivate (the console's page). */
const appDetailSchema = named(
  'ScimAppDetail',
  appSchema.extend({
    sandbox: z
      .boolean()
      .describe('The account is a sandbox: the IdP may provision users in any email domain'),
    deprovisionBrake: brakeStatusSchema.describe(
      'The mass-deprovisioning brake: whether IdP deactivations are being held',
    ),
  }),
);

export const uploadSchema = named(
  'ScimAppUpload',
  z.object({
    app: appSchema,
    created: z.boolean(),
    changes: z.array(z.string()).describe('What this upload changed, in words'),
  }),
);

export const tokenSchema = named(
  'AccessToken',
  z.object({
    id: z.string(),
    prefix: z
      .string()
      .max(8)
      .describe(
        'At most 8 characters of the token, those right after its roster_ label (a configured demo token: its first 8), to tell tokens apart',
      ),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    state: z.enum(['active', 'expiring', 'expired', 'revoked']),
  }),
);

const issuedFields = {
  token: z.string().describe('Shown once: only its hash is kept'),
  tokenRecord: tokenSchema,
  tenantUrl: z.string().describe('The SCIM base URL every IdP takes'),
  entraTenantUrl: z
    .string()
    .describe('Microsoft Entra ID: the tenant URL with ?aadOptscim062020 (RFC-compliant mode)'),
};

export const installSchema = named(
  'ScimAppInstallation',
  z.object({
    app: appSchema,
    ...issuedFields,
    warnings: z.array(z.string()).describe('What still stops provisioning'),
  }),
);

export const rotationSchema = named(
  'TokenRotation',
  z.object({
    ...issuedFields,
    replaced: z.array(tokenSchema).describe('The tokens replaced, working until their expiry'),
  }),
);

const rotateBody = z.strictObject({
  tokenId: idSchema.optional().describe('The token to replace; default: every active token'),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_ROTATION_OVERLAP_SECONDS)
    .default(DEFAULT_ROTATION_OVERLAP_SECONDS)
    .describe('How long replaced tokens keep working (default 24 hours; 0 ends them now)'),
});

export const scimAppView = (app: ScimApp) => ({
  id: app.id,
  uid: app.uid,
  name: app.name,
  description: app.description,
  scimUid: app.scimUid,
  roleSyncEnabled: app.roleSyncEnabled,
  installed: app.installedAt !== null,
  installedAt: app.installedAt,
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
});

const tokenView = (token: TokenView) => ({ ...token });

const issuedView = (issued: IssuedToken) => ({
  token: issued.token,
  tokenRecord: tokenView(issued.record),
  tenantUrl: issued.tenantUrl,
  entraTenantUrl: issued.entraTenantUrl,
});

/** RFC 6901: `scim/scim-hsmeta.json` is `/files/scim~1scim-hsmeta.json` in the body. */
const filePointer = (file: string) => `/files/${file.replaceAll('~', '~0').replaceAll('/', '~1')}`;

function projectProblem(problem: ProjectProblem): FieldProblem {
  return {
    pointer: filePointer(problem.file),
    message: formatProblem(problem),
    file: problem.file,
    ...(problem.path !== undefined ? { path: problem.path } : {}),
    ...(problem.line !== undefined ? { line: problem.line } : {}),
    ...(problem.column !== undefined ? { column: problem.column } : {}),
  };
}

const base = '/accounts/{accountId}/scim-app';
const tag = 'SCIM app';
const accountPath = idParams('accountId');

export function scimAppRoutes(directory: Directory, publicOrigin: PublicOrigin) {
  const apps = directory.scimApps;
  return [
    defineRoute({
      method: 'put',
      path: base,
      operationId: 'uploadScimAppProject',
      summary: 'Upload the project: creates the SCIM app, or updates it (same app uid)',
      description:
        'Every problem of both files is listed in `errors`, each with its `file` and JSON ' +
        '`path` (or `line` and `column` for malformed JSON). An account has one SCIM app: a ' +
        'project with another uid is refused (409 `scim_app.limit_reached`).',
      tag,
      access: 'account',
      params: accountPath,
      body: uploadBody,
      success: { status: 200, description: 'The app as uploaded', schema: uploadSchema },
      errors: [409],
      audit: { action: 'scim_app.upload', targetType: 'scim_app', request: 'omitted' },
      async handler({ account, body }) {
        const files = body.files;
        const parsed = parseScimAppProject(files);
        if (!parsed.ok) {
          const errors = parsed.error.map(projectProblem);
          throw new ApiProblem(
            400,
            'scim_app.invalid_project',
            `the project has ${errors.length} problem${errors.length === 1 ? '' : 's'}: ` +
              errors.map((e) => e.message).join('; '),
            { errors },
          );
        }
        const result = await apps.upload(account.id, files);
        return {
          body: { app: scimAppView(result.app), created: result.created, changes: result.changes },
          targetId: result.app.id,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: base,
      operationId: 'getScimApp',
      summary: "The account's SCIM app",
      tag,
      access: 'account',
      params: accountPath,
      success: { status: 200, description: 'The app', schema: appDetailSchema },
      async handler({ account }) {
        const app = await apps.find(account.id);
        if (!app) {
          throw new ApiProblem(
            404,
            'scim_app.not_found',
            'this account has no SCIM app yet; upload the project first (roster project upload)',
          );
        }
        const brake = await directory.deprovisionBrake.status(directory.store, account.id);
        return {
          body: {
            ...scimAppView(app),
            sandbox: account.sandbox,
            deprovisionBrake: brakeView(directory, brake),
          },
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: base,
      operationId: 'removeScimApp',
      summary: 'Remove an uninstalled SCIM app, so that another can be uploaded',
      tag,
      access: 'account',
      params: accountPath,
      success: { status: 204, description: 'Removed' },
      errors: [409],
      audit: { action: 'scim_app.remove', targetType: 'scim_app', request: 'redacted' },
      async handler({ account }) {
        await apps.remove(account.id);
        return {};
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/install`,
      operationId: 'installScimApp',
      summary: 'Install the app: issues its access token (shown once) with the tenant URLs',
      description:
        'Needs the professional or enterprise plan and SSO (409 `scim_app.prerequisite_missing` ' +
        'names what is missing). The token belongs to the installation, not to a person.',
      tag,
      access: 'account',
      params: accountPath,
      success: { status: 201, description: 'Installed', schema: installSchema },
      errors: [409],
      audit: { action: 'scim_app.install', targetType: 'scim_app', request: 'redacted' },
      async handler({ account, c, actor }) {
        const result = await apps.install(account.id, {
          actor,
          publicBase: publicBase(c, publicOrigin),
        });
        return {
          body: {
            app: scimAppView(result.app),
            ...issuedView(result.issued),
            warnings: result.warnings,
          },
          targetId: result.app.id,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/uninstall`,
      operationId: 'uninstallScimApp',
      summary: 'Uninstall the app: revokes all of its tokens (the project stays)',
      tag,
      access: 'account',
      params: accountPath,
      success: {
        status: 200,
        description: 'Uninstalled',
        schema: named(
          'ScimAppUninstallation',
          z.object({ app: appSchema, revokedTokens: z.number().int() }),
        ),
      },
      errors: [409],
      audit: { action: 'scim_app.uninstall', targetType: 'scim_app', request: 'redacted' },
      async handler({ account, actor }) {
        const result = await apps.uninstall(account.id, { actor });
        return {
          body: { app: scimAppView(result.app), revokedTokens: result.revokedTokens },
          targetId: result.app.id,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{accountId}/tokens',
      operationId: 'listTokens',
      summary: "The SCIM app's access tokens (never the tokens themselves)",
      tag,
      access: 'account',
      params: accountPath,
      success: {
        status: 200,
        description: 'Oldest first, with their state now',
        schema: named('AccessTokenList', z.object({ items: z.array(tokenSchema) })),
      },
      async handler({ account }) {
        return { body: { items: (await apps.listTokens(account.id)).map(tokenView) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts/{accountId}/tokens/rotate',
      operationId: 'rotateToken',
      summary: 'Issue a new token; the replaced ones keep working for an overlap',
      tag,
      access: 'account',
      params: accountPath,
      body: rotateBody,
      success: { status: 201, description: 'The new token, shown once', schema: rotationSchema },
      errors: [409],
      audit: { action: 'token.rotate', targetType: 'token', request: 'redacted' },
      async handler({ account, body, c, actor }) {
        const result = await apps.rotateToken(account.id, {
          actor,
          publicBase: publicBase(c, publicOrigin),
          tokenId: body.tokenId,
          overlapSeconds: body.overlapSeconds,
        });
        return {
          body: { ...issuedView(result.issued), replaced: result.replaced.map(tokenView) },
          targetId: result.issued.record.id,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts/{accountId}/tokens/{tokenId}/revoke',
      operationId: 'revokeToken',
      summary: 'Revoke a token now',
      tag,
      access: 'account',
      params: idParams('accountId', 'tokenId'),
      success: { status: 200, description: 'The token, revoked', schema: tokenSchema },
      audit: { action: 'token.revoke', targetType: 'token', request: 'redacted' },
      async handler({ account, params, actor }) {
        return { body: tokenView(await apps.revokeToken(account.id, params.tokenId, { actor })) };
      },
    }),
  ];
}
