// Lookup keys arrive from requests (client_id, e-mail typed into a form, ids from tokens). What a
// column can never hold cannot match a row, and some of it makes Postgres fail instead of
// finding nothing (a NUL byte: 22021; a malformed uuid: 22P02), which would surface as a 500.
// Repositories check with these before querying and answer "not found".

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => uuidPattern.test(value);

/** Postgres text cannot contain NUL */
export const isStorableText = (value: string): boolean => !value.includes('\u0000');
