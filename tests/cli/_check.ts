export const SHA = "a".repeat(64);
