import '@remix-run/node';

declare module '@remix-run/node' {
  /** What startAdminServer hands every request; loaders read the gateway address from here. */
  interface AppLoadContext {
    gatewayUrl: string;
  }

  // Opts loader and action types into single-fetch serialization (raw objects, no json()).
  interface Future {
    v3_singleFetch: true;
  }
}
