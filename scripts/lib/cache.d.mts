export const ROOT: string;
export const CACHE: string;
export function installCached(name: string, pkg: string, range: string): string;
export function nodeLine(line: string): string;
export function atLeast(version: string, min: string): boolean;
export function nodeAtLeast(min: string): string;
