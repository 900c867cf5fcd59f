import { COMMAND_SCHEMAS, ERROR_CODES, PROTOCOL_VERSION } from '@onewindow/shared';
import { z } from 'zod';

export interface HttpRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path syntax: /api/tickets/{id}. */
  path: string;
  summary: string;
  auth: 'none' | 'staff' | 'admin' | 'staff-or-device' | 'device';
  body?: z.ZodType;
}

const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any' });

/** The OpenAPI 3 document, built from the same route table and schemas the server runs on. */
export function openApiDocument(routes: readonly HttpRoute[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1] === 'name' ? { type: 'string', enum: Object.keys(COMMAND_SCHEMAS) } : { type: 'string' },
    }));
    const security =
      r.auth === 'none'
        ? []
        : r.auth === 'staff-or-device'
          ? [{ bearer: [] }, { deviceToken: [] }]
          : r.auth === 'device'
            ? [{ deviceToken: [] }]
            : [{ bearer: [] }];
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      ...(r.auth === 'admin' ? { description: 'Role: admin.' } : {}),
      parameters: params,
      security,
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body) } } } }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Ack' } } },
        },
        default: {
          description: 'Refused: `{ok:false, error:{code, message}}`',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Ack' } } },
        },
      },
    };
  }
  const commandSchemas = Object.fromEntries(
    Object.entries(COMMAND_SCHEMAS).map(([name, s]) => [`command:${name}`, toSchema(s)]),
  );
  return {
    openapi: '3.0.3',
    info: {
      title: 'OneWindow queue server (一窗通办)',
      version: `protocol ${PROTOCOL_VERSION}`,
      description:
        'The hall queue: REST for integrations and consoles. Socket.IO carries the same commands as events of the same name (see shared/src/protocol.ts).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Staff token from POST /api/auth/login' },
        deviceToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Device-Token',
          description: 'Token from device pairing',
        },
      },
      schemas: {
        Ack: {
          oneOf: [
            { type: 'object', required: ['ok', 'data'], properties: { ok: { enum: [true] }, data: {} } },
            {
              type: 'object',
              required: ['ok', 'error'],
              properties: {
                ok: { enum: [false] },
                error: {
                  type: 'object',
                  required: ['code', 'message'],
                  properties: {
                    code: { type: 'string', enum: [...ERROR_CODES] },
                    message: { type: 'string' },
                    issues: { type: 'array', items: { type: 'object' } },
                  },
                },
              },
            },
          ],
        },
        ...commandSchemas,
      },
    },
  };
}
