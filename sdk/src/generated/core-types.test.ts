import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseTypeDefs } from '../../../core/src/graphql/base-sdl.js';
import { renderCoreIntrospection, renderCoreSdl, renderCoreTypes } from '../../scripts/render-core-types.js';

const committed = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

// Fails when core's SDL changed without `npm run generate -w @mosaic/sdk`.
describe('generated core types', () => {
  it('core-types.ts matches core\'s SDL', () => {
    expect(committed('./core-types.ts')).toBe(renderCoreTypes(baseTypeDefs));
  });

  it('core-sdl.ts matches core\'s SDL', () => {
    expect(committed('./core-sdl.ts')).toBe(renderCoreSdl(baseTypeDefs));
  });

  it('core-introspection.ts matches core\'s SDL', () => {
    expect(committed('./core-introspection.ts')).toBe(renderCoreIntrospection(baseTypeDefs));
  });
});
