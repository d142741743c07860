import { Schema } from 'mongoose';
import type { ModelDef } from './define.js';
import * as models from './index.js';

const isModelDef = (value: unknown): value is ModelDef<any> =>
  typeof value === 'object' && value !== null && typeof (value as ModelDef<any>).name === 'string' && (value as ModelDef<any>).schema instanceof Schema;

/** Every collection the application has (each `…Model` that `models/index.ts` exports), for building indexes at start. */
export const ALL_MODELS: readonly ModelDef<any>[] = Object.values(models).filter(isModelDef);
