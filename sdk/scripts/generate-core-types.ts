/** Regenerates src/generated/ from core's base SDL: `npm run generate -w @mosaic/sdk`. */
import { writeFileSync } from 'node:fs';
import { baseTypeDefs } from '../../core/src/graphql/base-sdl.js';
import { renderCoreIntrospection, renderCoreSdl, renderCoreTypes } from './render-core-types.js';

const out = (file: string) => new URL(`../src/generated/${file}`, import.meta.url);
writeFileSync(out('core-types.ts'), renderCoreTypes(baseTypeDefs));
writeFileSync(out('core-sdl.ts'), renderCoreSdl(baseTypeDefs));
writeFileSync(out('core-introspection.ts'), renderCoreIntrospection(baseTypeDefs));
