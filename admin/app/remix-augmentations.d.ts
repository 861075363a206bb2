import '@remix-run/node';

declare module '@remix-run/node' {
  /** What startAdminServer hands every request: the gateway loaders call, and the key that signs the session cookie. */
  interface AppLoadContext {
    gatewayUrl: string;
    sessionSecret: string;
  }

  // Opts loader and action types into single-fetch serialization (raw objects, no json()).
  interface Future {
    v3_singleFetch: true;
  }
}
