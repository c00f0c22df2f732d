/** Limits on one declared input, checked before anything resolves it. */
export const INPUT_LIMITS = { maxChars: 8_192, maxDepth: 6, maxFields: 64 } as const;
