/** What `authserver connect` reports as a plain message (no stack): the flow could not finish. */
export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}
