import { COMMAND_SCHEMAS, ERROR_CODES, PROTOCOL_VERSION } from '@onewindow/shared';
import { z } from 'zod';
import { COMMAND_PERMISSIONS, PERMISSIONS } from '../auth/permissions.ts';
import type { Access, RouteDef } from './route-table.ts';

const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any' });

/** Who may call a route, as the OpenAPI document states it (`x-access`, `x-roles`, `x-devices`). */
export function accessDoc(access: Access): { roles: string[]; devices: string[]; text: string } {
  if (access === 'public') return { roles: [], devices: [], text: 'Public.' };
  if (access === 'staff') return { roles: ['*'], devices: [], text: 'Any logged-in staff member.' };
  if (access === 'citizen')
    return { roles: [], devices: [], text: 'A citizen signed in on the phone app (X-Citizen-Token).' };
  if (access === 'citizen:identified')
    return {
      roles: [],
      devices: [],
      text: 'A citizen signed in on the phone app who gave an ID number (POST /api/citizen/identity).',
    };
  if (access === 'command')
    return {
      roles: [],
      devices: [],
      text: `Per command: ${Object.entries(COMMAND_PERMISSIONS)
        .map(
          ([n, g]) => `${n} (${[...g.roles, ...g.devices.map((d) => `${d} device`)].join(', ') || 'nobody'})`,
        )
        .join('; ')}.`,
    };
  const g = PERMISSIONS[access];
  const who = [...g.roles, ...g.devices.map((d) => `${d} device`)].join(', ');
  return { roles: [...g.roles], devices: [...g.devices], text: `Permission ${access}: ${who}.` };
}

/** The OpenAPI 3 document, built from the same route table and schemas the server runs on. */
export function openApiDocument(routes: readonly RouteDef[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1] === 'name' ? { type: 'string', enum: Object.keys(COMMAND_SCHEMAS) } : { type: 'string' },
    }));
    const a = accessDoc(r.access);
    const security =
      r.access === 'public'
        ? []
        : r.access === 'command'
          ? [{ bearer: [] }, { deviceToken: [] }]
          : r.access === 'citizen' || r.access === 'citizen:identified'
            ? [{ citizenToken: [] }]
            : [
                ...(a.roles.length > 0 ? [{ bearer: [] }] : []),
                ...(a.devices.length > 0 ? [{ deviceToken: [] }] : []),
              ];
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      description: a.text,
      'x-access': r.access,
      'x-roles': a.roles,
      'x-devices': a.devices,
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
        citizenToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Citizen-Token',
          description: 'Citizen token from POST /api/citizen/session (SMS code sign-in)',
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
