/** Page sizes, in a module of their own so the SDL can quote them without importing the database layer. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
