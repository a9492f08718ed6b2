export const ROOT: string;
export const BUILD_DIR: string;
export function buildBench(dir?: string): Promise<{ cli: string; datagen: string; micro: string; apserver: string }>;
