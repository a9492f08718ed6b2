/** What the authorize steps share: the raw params and what each step resolved. */
import type { Client, Resource } from '../../contracts';

export interface AuthorizeState {
  params: Record<string, string>;
  client?: Client;
  redirectUri?: string;
  resource?: Resource;
  scopes?: string[];
  /** True once redirect_uri is validated: from then on errors go to the client, not a page. */
  redirectable: boolean;
}
