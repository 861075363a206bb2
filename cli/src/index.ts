export { type RunningPlatform, startPlatform } from './platform-runner.ts';
export { createProgram } from './program.ts';
