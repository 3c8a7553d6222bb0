import { Type, type TSchema } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** Every list answers `{ data, next_cursor }`; pass next_cursor back as `cursor` for the next page. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/** Times leave the API as ISO 8601 in UTC with an explicit offset. */
export const isoTime = (d: Date | number): string => new Date(d).toISOString();
