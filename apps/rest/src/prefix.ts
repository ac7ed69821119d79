/** Where the storefront API is served. */
export const API_PREFIX = "/api/storefront/v1";
