import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { accessPlugin } from './access/plugin.js';
import type { Config } from './config.js';
import type { DialectName } from './db/connect.js';
import type { Database } from './db/schema.js';
import { features } from './features.js';
import { maskIp } from './http/context.js';
import { errorHandler } from './http/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
    dialect: DialectName;
    config: Config;
  }
}

export interface AppOptions {
  config: Config;
  db: Kysely<Database>;
  dialect: DialectName;
  /** Pino logger options, or false to log nothing (tests). */
  logger?: boolean;
}

const BODY_LIMIT = 1024 * 1024;

/** Builds the HTTP application: security defaults, the access gate, every feature, the web UI. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Router-level refusals (malformed percent-encoding, over-long path parameters) in our error format too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return reply.status(tooLong ? 414 : 400).send({
        error: tooLong
          ? { code: 'uri_too_long', message: 'paramètre d’URL trop long' }
          : { code: 'bad_url', message: 'URL mal formée' },
      });
    },
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Only method, path and a masked IP: no query strings (OIDC codes), headers, cookies or bodies.
            serializers: {
              req: (req) => ({ method: req.method, url: String(req.url).split('?')[0], ip: maskIp(req.ip ?? '') }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
          },
  });
  app.decorate('db', options.db);
  app.decorate('dialect', options.dialect);
  app.decorate('config', config);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || !webDistOf(config)) {
      return reply.status(404).send({ error: { code: 'not_found', message: 'route inconnue' } });
    }
    return reply.sendFile('index.html');
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", ...(config.oidc ? [new URL(config.oidc.issuer).origin] : [])],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Rempart API', version: '0.1.0', description: 'API de la plateforme Rempart (programme CaRE)' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'rempart_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(accessPlugin);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const feature of features) await app.register(feature, { prefix: '/api' });

  const dist = webDistOf(config);
  if (dist) await app.register(fastifyStatic, { root: dist, index: 'index.html', wildcard: false });
  return app;
}

function webDistOf(config: Config): string | undefined {
  const dist = config.webDist ?? join(import.meta.dirname, '../../web/dist');
  return existsSync(join(dist, 'index.html')) ? dist : undefined;
}
