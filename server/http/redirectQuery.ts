/**
 * The query of a redirect the server sent (its own Location header), read with the URL parser: it
 * never throws on a bad escape, and a relative Location (`/consent?…`) reads against a dummy
 * origin. The activity log and the flow timeline both read the same request's Location right
 * after each other, so the last one parsed is kept: one parse per redirect, not one per reader.
 * Readers only read the result.
 */
const BASE = 'http://localhost';

let lastLocation = '';
let lastQuery: URLSearchParams | undefined;

export function redirectQuery(location: string): URLSearchParams | undefined {
  if (location !== lastLocation) {
    lastLocation = location;
    lastQuery = location ? URL.parse(location, BASE)?.searchParams : undefined;
  }
  return lastQuery;
}
