export { createProgram } from './program.ts';
export { type RunningPlatform, startPlatform } from './platform-runner.ts';
