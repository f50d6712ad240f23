// HTTP routes of the access module (under /api/v1): parse with zod, call the service, send the answer.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';
import { pageOf } from '../../http/pagination.js';
import type { App } from '../../http/types.js';
import { AccessErrors } from './errors.js';
import {
  accountDto,
  apiKeyDto,
  auditEntryDto,
  auditQuery,
  changePasswordBody,
  createAccountBody,
  createApiKeyBody,
  createdApiKey,
  idParams,
  listAccountsQuery,
  loginBody,
  loginResult,
  meDto,
  pageQuery,
  resetPasswordBody,
  updateAccountBody,
} from './schema.js';
import type { AccessService } from './service.js';

export const SESSION_COOKIE = 'anwang_session';

const tags = ['access'];
const noContent = { 204: z.null().describe('Done') };

export function accessRoutes(app: App, access: AccessService, config: Config): void {
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: config.secureCookies,
  };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Log in',
        description:
          `Sets the ${SESSION_COOKIE} cookie (httpOnly, SameSite=Lax). A wrong username or password answers 401 ` +
          'access.invalid_credentials (one answer for both). Too many failures for the same username and address ' +
          'answer 429 access.login_throttled with Retry-After.',
        body: loginBody,
        response: { 200: loginResult },
      },
    },
    async (req, reply) => {
      try {
        const { token, user } = await access.login({ ...req.body, ip: req.ip });
        reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: config.sessionHours * 3600 });
        noStore(reply);
        return { user };
      } catch (e) {
        if (e instanceof AppError && e.code === AccessErrors.loginThrottled.code) {
          reply.header('retry-after', String(e.extras.retryAfter));
        }
        throw e;
      }
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags, summary: 'Log out: ends the session and clears the cookie', response: noContent } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await access.logout(token);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    { schema: { tags, summary: 'Who is logged in (401 when nobody)', response: { 200: meDto } } },
    async (req, reply) => {
      noStore(reply);
      return access.me(req.actor);
    },
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags,
        summary: 'Change your own password',
        description: 'Needs the current password. Your other sessions end; this one stays.',
        body: changePasswordBody,
        response: noContent,
      },
    },
    async (req, reply) => {
      await access.changePassword(req.actor, req.body, {
        ip: req.ip,
        sessionToken: req.cookies[SESSION_COOKIE],
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/accounts',
    {
      schema: {
        tags,
        summary: "List accounts in the admin's scope",
        querystring: listAccountsQuery,
        response: { 200: pageOf(accountDto) },
      },
    },
    async (req) => {
      const { page, pageSize, ...filter } = req.query;
      return access.listAccounts(req.actor, filter, { page, pageSize });
    },
  );

  app.post(
    '/accounts',
    {
      schema: {
        tags,
        summary: 'Create an account (admins, within their scope)',
        body: createAccountBody,
        response: { 201: accountDto },
      },
    },
    async (req, reply) => reply.status(201).send(await access.createAccount(req.actor, req.body)),
  );

  app.get(
    '/accounts/:id',
    {
      schema: {
        tags,
        summary: 'One account (its owner, or an admin whose scope holds it)',
        params: idParams,
        response: { 200: accountDto },
      },
    },
    async (req) => access.getAccount(req.actor, req.params.id),
  );

  app.patch(
    '/accounts/:id',
    {
      schema: {
        tags,
        summary: 'Change roles, scope, name, phone or disable an account',
        description: 'Send the version you read; if the account changed since, 409 access.version_conflict.',
        params: idParams,
        body: updateAccountBody,
        response: { 200: accountDto },
      },
    },
    async (req) => access.updateAccount(req.actor, req.params.id, req.body),
  );

  app.post(
    '/accounts/:id/password',
    {
      schema: {
        tags,
        summary: "Set a new password for an account (admins); the account's sessions end",
        params: idParams,
        body: resetPasswordBody,
        response: noContent,
      },
    },
    async (req, reply) => {
      await access.resetPassword(req.actor, req.params.id, req.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'List API keys (admins). The keys themselves are never shown again',
        querystring: pageQuery,
        response: { 200: pageOf(apiKeyDto) },
      },
    },
    async (req) => access.listApiKeys(req.actor, req.query),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key (admins)',
        description: 'The answer carries the key once; send it as `Authorization: Bearer <key>`.',
        body: createApiKeyBody,
        response: { 201: createdApiKey },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return reply.status(201).send(await access.createApiKey(req.actor, req.body));
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key: requests with it are anonymous from now on',
        params: idParams,
        response: noContent,
      },
    },
    async (req, reply) => {
      await access.revokeApiKey(req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: 'The audit log, newest first (admins and the safety office, within their scope)',
        querystring: auditQuery,
        response: { 200: pageOf(auditEntryDto) },
      },
    },
    async (req) => {
      const { page, pageSize, ...filter } = req.query;
      return access.listAudit(req.actor, filter, { page, pageSize });
    },
  );
}
