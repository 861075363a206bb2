export { PLATFORM_PARTS, type PlatformPart, parseParts, type RunningPlatform, startPlatform } from './platform-runner.ts';
export { createProgram } from './program.ts';
