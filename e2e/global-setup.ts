// Once per run: build the client if needed, start one seeded server, share its URL with every test file.
import type { TestProject } from 'vitest/node';
import { ensureWebBuilt, startServer } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  ensureWebBuilt();
  const started = Date.now();
  const server = await startServer();
  console.log(`e2e: server ready at ${server.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('baseUrl', server.url);
  return () => server.stop();
}
