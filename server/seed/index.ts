export { applySeed, applySeedFile, parseSeed, SeedError, formatPath, type SeedResult } from './applySeed';
export { SeedFile, SeedResource, SeedClient, SeedUser } from './schema';
