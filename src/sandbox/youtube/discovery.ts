/**
 * The request shapes the emulator checks, derived from Google's Discovery document for the
 * YouTube Data API v3 (specs/youtube/youtube.v3.discovery.json, revision 20260427, BSD-3-Clause
 * via google/googleapis.dart; see specs/youtube/SOURCE.md). `discovery-shapes.ts` holds the result
 * of `shapesFromDiscovery` for that document, so nothing reads specs/ at run time; a test checks
 * the two still agree.
 */

/** A field's type as Discovery gives it. */
export type FieldShape =
  | { type: 'string' | 'boolean' | 'integer' | 'number' | 'any'; enum?: string[]; format?: string }
  | { ref: string }
  | { array: FieldShape }
  | { map: FieldShape };

export interface ParameterShape {
  type: string;
  required?: boolean;
  repeated?: boolean;
  enum?: string[];
}

export interface DiscoveryShapes {
  revision: string;
  schemas: Record<string, Record<string, FieldShape>>;
  /** Per method id (`youtube.videos.insert`): its query parameters, plus Discovery's common ones. */
  methods: Record<
    string,
    {
      httpMethod: string;
      path: string;
      parameters: Record<string, ParameterShape>;
      scopes: string[];
      request?: string;
      parts?: string[];
      mediaAccept?: string[];
      mediaMaxSize?: number;
    }
  >;
}

/** The methods the emulator serves. */
export const SERVED_METHODS = [
  'youtube.videos.insert',
  'youtube.videos.list',
  'youtube.videos.delete',
  'youtube.channels.list',
  'youtube.playlistItems.list',
  'youtube.thumbnails.set',
];

type Json = Record<string, unknown>;

function field(p: Json): FieldShape {
  if (typeof p.$ref === 'string') return { ref: p.$ref };
  if (p.type === 'array') return { array: field(p.items as Json) };
  if (p.type === 'object' && p.additionalProperties) return { map: field(p.additionalProperties as Json) };
  const type = (p.type as 'string' | 'boolean' | 'integer' | 'number' | 'any') ?? 'any';
  return { type, ...(Array.isArray(p.enum) && { enum: p.enum as string[] }), ...(typeof p.format === 'string' && { format: p.format }) };
}

/** Every schema reachable from the request bodies of the served methods, and those methods' parameters. */
export function shapesFromDiscovery(doc: Json): DiscoveryShapes {
  const allSchemas = doc.schemas as Record<string, Json>;
  const schemas: DiscoveryShapes['schemas'] = {};
  const visit = (name: string) => {
    if (schemas[name] || !allSchemas[name]) return;
    const props = (allSchemas[name]!.properties ?? {}) as Record<string, Json>;
    schemas[name] = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, field(v)]));
    const refs = (f: FieldShape): string[] => ('ref' in f ? [f.ref] : 'array' in f ? refs(f.array) : 'map' in f ? refs(f.map) : []);
    for (const f of Object.values(schemas[name]!)) refs(f).forEach(visit);
  };
  const common = Object.fromEntries(Object.entries((doc.parameters ?? {}) as Record<string, Json>).map(([k, v]) => [k, param(v)]));
  const methods: DiscoveryShapes['methods'] = {};
  const resources = doc.resources as Record<string, { methods: Record<string, Json> }>;
  for (const id of SERVED_METHODS) {
    const [, resource, verb] = id.split('.') as [string, string, string];
    const m = resources[resource]!.methods[verb]!;
    const request = (m.request as Json | undefined)?.$ref as string | undefined;
    if (request) visit(request);
    const upload = m.mediaUpload as Json | undefined;
    // The names `part` may take: the top-level properties of the resource the method reads or writes.
    const response = (m.response as Json | undefined)?.$ref as string | undefined;
    const listed = response
      ? (((allSchemas[response]?.properties as Json | undefined)?.items as Json | undefined)?.items as Json | undefined)?.$ref
      : undefined;
    const resourceName = request ?? (listed as string | undefined);
    const parts =
      resourceName && (m.parameters as Json | undefined)?.part
        ? Object.keys((allSchemas[resourceName]?.properties ?? {}) as Json).filter((k) => !['kind', 'etag'].includes(k))
        : undefined;
    methods[id] = {
      httpMethod: m.httpMethod as string,
      path: m.path as string,
      parameters: { ...common, ...Object.fromEntries(Object.entries((m.parameters ?? {}) as Record<string, Json>).map(([k, v]) => [k, param(v)])) },
      scopes: (m.scopes as string[]) ?? [],
      ...(request && { request }),
      ...(parts && { parts }),
      ...(upload && { mediaAccept: upload.accept as string[], mediaMaxSize: Number(upload.maxSize) }),
    };
  }
  return { revision: doc.revision as string, schemas, methods };
}

function param(p: Json): ParameterShape {
  return {
    type: p.type as string,
    ...(p.required === true && { required: true }),
    ...(p.repeated === true && { repeated: true }),
    ...(Array.isArray(p.enum) && { enum: p.enum as string[] }),
  };
}
