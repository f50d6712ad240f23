#!/usr/bin/env node
// The `anwang` command: runs the TypeScript sources through tsx (no build step needed in a checkout).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
