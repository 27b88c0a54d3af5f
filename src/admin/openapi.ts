// The admin API's OpenAPI 3.1 document, served at /admin/v1/openapi.json. Request and response
// schemas come from the same zod schemas that validate the requests.
import { z } from 'zod';
import { auditEventView, auditQuery } from './audit.js';
import { clientChange, clientInput, clientView, clientWithSecret } from './client-schemas.js';
import { bulkBody, bulkDisableBody, bulkResult, disableOutcome, disableTwoFactorBody, reasonBody, userChange, userDetailView, userInput, userQuery, userView } from './user-schemas.js';
import { organisationChange, organisationInput, organisationView } from './organisation-schemas.js';

const schema = (s: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const error = (description: string) => ({ description, ...json('Error') });
const errors = {
  '400': error('invalid input: error_description, and fields with a message per field'),
  '401': error('no access token, or an unknown, expired or revoked one'),
  '403': error('the token lacks the admin scope, or the caller lacks the role'),
};
const organisationIdParam = { name: 'organisationId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const userIdParam = { name: 'userId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const notYours = error('no such user (or not in your organisation)');
/** POST on a user: optional request body, a response without one or with `response` */
const userAction = (summary: string, operationId: string, body?: string, response?: { code: string; schema: string }) => ({
  parameters: [userIdParam],
  post: {
    summary,
    operationId,
    ...(body ? { requestBody: { required: true, ...json(body) } } : {}),
    responses: { ...(response ? { [response.code]: { description: 'done', ...json(response.schema) } } : { '204': { description: 'done' } }), ...errors, '404': notYours },
  },
});
const clientIdParam = { name: 'clientId', in: 'path', required: true, schema: { type: 'string' } };
const pageParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'next_cursor of the previous page' },
];
const pageOf = (item: string) => ({
  type: 'object',
  required: ['items', 'next_cursor'],
  properties: { items: { type: 'array', items: ref(item) }, next_cursor: { type: ['string', 'null'], description: 'null on the last page' } },
});

export function openApiDocument(issuer: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Twofold admin API',
      version: '1',
      description:
        'Administer the relying-party apps, organisations and users of this Twofold provider. Call it with an access token this provider issued with the `admin` scope: to a client registered with `admin_api: true` (client credentials), or to a user with the admin or org_admin role. Every list is paginated with `limit` and `cursor`.',
    },
    servers: [{ url: `${issuer}/admin/v1` }],
    security: [{ oauth2: ['admin'] }],
    components: {
      securitySchemes: {
        oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${issuer}/token`, scopes: { admin: 'administer this provider' } } } },
      },
      schemas: {
        ClientInput: schema(clientInput, 'input'),
        ClientChange: schema(clientChange, 'input'),
        Client: schema(clientView, 'output'),
        ClientWithSecret: schema(clientWithSecret, 'output'),
        ClientPage: pageOf('Client'),
        OrganisationInput: schema(organisationInput, 'input'),
        OrganisationChange: schema(organisationChange, 'input'),
        Organisation: schema(organisationView, 'output'),
        OrganisationPage: pageOf('Organisation'),
        UserInput: schema(userInput, 'input'),
        UserChange: schema(userChange, 'input'),
        User: schema(userView, 'output'),
        UserDetail: schema(userDetailView, 'output'),
        UserPage: pageOf('User'),
        Reason: schema(reasonBody, 'input'),
        BulkRequest: schema(bulkBody, 'input'),
        BulkResult: schema(bulkResult, 'output'),
        DisableTwoFactor: schema(disableTwoFactorBody, 'input'),
        DisableOutcome: schema(disableOutcome, 'output'),
        BulkDisableRequest: schema(bulkDisableBody, 'input'),
        ConfirmationOutcome: { type: 'object', required: ['outcome'], properties: { outcome: { type: 'string', enum: ['sent'] } } },
        ResetOutcome: { type: 'object', required: ['removed'], properties: { removed: { type: 'integer', description: 'how many methods were removed' } } },
        AuditEvent: schema(auditEventView, 'output'),
        AuditEventPage: pageOf('AuditEvent'),
        Error: {
          type: 'object',
          required: ['error', 'error_description'],
          properties: {
            error: { type: 'string' },
            error_description: { type: 'string' },
            fields: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
    paths: {
      '/clients': {
        get: { summary: 'List clients', operationId: 'listClients', parameters: pageParams, responses: { '200': { description: 'a page of clients', ...json('ClientPage') }, ...errors } },
        post: {
          summary: 'Register a client; its secret is in the response, once',
          operationId: 'createClient',
          requestBody: { required: true, ...json('ClientInput') },
          responses: { '201': { description: 'created', ...json('ClientWithSecret') }, ...errors, '409': error('client_id taken') },
        },
      },
      '/clients/{clientId}': {
        parameters: [clientIdParam],
        get: { summary: 'Read a client', operationId: 'getClient', responses: { '200': { description: 'the client', ...json('Client') }, ...errors, '404': error('no such client') } },
        patch: {
          summary: 'Change a client; fields left out keep their value',
          operationId: 'updateClient',
          requestBody: { required: true, ...json('ClientChange') },
          responses: { '200': { description: 'the changed client (with a new secret if it became confidential)', ...json('ClientWithSecret') }, ...errors, '404': error('no such client') },
        },
        delete: { summary: 'Delete a client', operationId: 'deleteClient', responses: { '204': { description: 'deleted' }, ...errors, '404': error('no such client') } },
      },
      '/audit': {
        get: {
          summary: 'Query the audit log, newest first (an org_admin sees their own organisation only)',
          operationId: 'queryAudit',
          parameters: [...Object.entries((schema(auditQuery, 'input') as { properties: Record<string, unknown> }).properties).map(([name, s]) => ({ name, in: 'query', schema: s })), ...pageParams],
          responses: { '200': { description: 'a page of events', ...json('AuditEventPage') }, ...errors },
        },
      },
      '/users': {
        get: {
          summary: 'Search users (an org_admin sees their own organisation only)',
          operationId: 'listUsers',
          parameters: [...Object.entries((schema(userQuery, 'input') as { properties: Record<string, unknown> }).properties).map(([name, s]) => ({ name, in: 'query', schema: s })), ...pageParams],
          responses: { '200': { description: 'a page of users, in e-mail order', ...json('UserPage') }, ...errors },
        },
        post: {
          summary: 'Create a user; an invitation e-mail carries a link to set the password (7 days)',
          operationId: 'createUser',
          requestBody: { required: true, ...json('UserInput') },
          responses: { '201': { description: 'created; `invitation` says whether the e-mail was sent', ...json('User') }, ...errors, '409': error('e-mail address taken') },
        },
      },
      '/users/{userId}': {
        parameters: [userIdParam],
        get: {
          summary: 'Read a user with their enrolled methods (never secrets)',
          operationId: 'getUser',
          responses: { '200': { description: 'the user', ...json('UserDetail') }, ...errors, '404': notYours },
        },
        patch: {
          summary: 'Rename, disable or enable (disabling signs out everywhere), set roles (admin only)',
          operationId: 'updateUser',
          requestBody: { required: true, ...json('UserChange') },
          responses: { '200': { description: 'the user', ...json('User') }, ...errors, '404': notYours },
        },
      },
      '/users/{userId}/unlock': userAction('Clear the wrong-password and wrong-code locks of a user', 'unlockUser'),
      '/users/{userId}/sign-out': userAction('Sign a user out everywhere (sessions, grants, tokens) and forget their devices', 'signOutUser', 'Reason'),
      '/users/{userId}/devices/forget': userAction('Forget every remembered device of a user', 'forgetUserDevices'),
      '/users/{userId}/confirmation-email': userAction('Send the e-mail confirmation link again', 'sendConfirmation', undefined, { code: '200', schema: 'ConfirmationOutcome' }),
      '/users/{userId}/two-factor/reset': userAction(
        'Reset (turn off) two-step verification: every method and recovery code removed, signed out; the user is told by e-mail',
        'resetTwoFactor',
        'Reason',
        { code: '200', schema: 'ResetOutcome' },
      ),
      '/users/{userId}/two-factor/disable': userAction(
        "Disable two-step verification: every method and recovery code removed, signed out, and the user exempt from the organisation's required policy until `until` (or until the exemption is ended); they sign in with the password alone, and are told by e-mail",
        'disableTwoFactor',
        'DisableTwoFactor',
        { code: '200', schema: 'DisableOutcome' },
      ),
      '/users/{userId}/two-factor/exemption': {
        parameters: [userIdParam],
        delete: {
          summary: "Require two-step verification again (end the exemption): the organisation's policy applies from the user's next sign-in",
          operationId: 'endTwoFactorExemption',
          responses: { '204': { description: 'ended' }, ...errors, '404': notYours, '409': error('the user is not exempt') },
        },
      },
      '/users/bulk/confirmation-emails': {
        post: {
          summary: 'Send the confirmation link to every unconfirmed user you can see (dry run by default)',
          operationId: 'bulkConfirmationEmails',
          requestBody: { required: false, ...json('BulkRequest') },
          responses: { '200': { description: 'who would receive it, or who did', ...json('BulkResult') }, ...errors },
        },
      },
      '/users/bulk/two-factor/reset': {
        post: {
          summary: 'Reset two-step verification for every user of an organisation who has it (dry run by default; a reason is required for the real run)',
          operationId: 'bulkResetTwoFactor',
          requestBody: { required: true, ...json('BulkRequest') },
          responses: { '200': { description: 'who would be affected, or who was', ...json('BulkResult') }, ...errors },
        },
      },
      '/users/bulk/two-factor/disable': {
        post: {
          summary: 'Disable two-step verification for every user of an organisation not exempt yet (dry run by default; a reason is required for the real run)',
          operationId: 'bulkDisableTwoFactor',
          requestBody: { required: true, ...json('BulkDisableRequest') },
          responses: { '200': { description: 'who would be affected, or who was', ...json('BulkResult') }, ...errors },
        },
      },
      '/organisations': {
        get: {
          summary: 'List organisations (an org_admin sees only their own)',
          operationId: 'listOrganisations',
          parameters: pageParams,
          responses: { '200': { description: 'a page of organisations', ...json('OrganisationPage') }, ...errors },
        },
        post: {
          summary: 'Create an organisation, optionally with its 2FA policy (admin only)',
          operationId: 'createOrganisation',
          requestBody: { required: true, ...json('OrganisationInput') },
          responses: { '201': { description: 'created', ...json('Organisation') }, ...errors, '409': error('slug taken') },
        },
      },
      '/organisations/{organisationId}': {
        parameters: [organisationIdParam],
        get: {
          summary: 'Read an organisation and its 2FA policy',
          operationId: 'getOrganisation',
          responses: { '200': { description: 'the organisation', ...json('Organisation') }, ...errors, '404': error('no such organisation (or not yours)') },
        },
        patch: {
          summary: 'Rename an organisation or change its 2FA policy; fields left out keep their value',
          operationId: 'updateOrganisation',
          requestBody: { required: true, ...json('OrganisationChange') },
          responses: { '200': { description: 'the changed organisation', ...json('Organisation') }, ...errors, '404': error('no such organisation (or not yours)') },
        },
      },
      '/clients/{clientId}/secret': {
        parameters: [clientIdParam],
        post: {
          summary: 'Rotate the secret; the new one is in the response, once',
          operationId: 'rotateClientSecret',
          responses: {
            '200': { description: 'the client with its new secret', ...json('ClientWithSecret') },
            ...errors,
            '404': error('no such client'),
            '409': error('a public client has no secret'),
          },
        },
      },
    },
  };
}
