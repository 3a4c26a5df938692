import { adAdapter } from './ad-adapter.js';
import type { EngineAdapter } from './adapters.js';
import { detectAdapter } from './detect-adapter.js';
import { exposureAdapter } from './exposure-adapter.js';

/** The engines that push results, and how each bundle is read. */
const ADAPTERS = [adAdapter, exposureAdapter, detectAdapter] as const satisfies readonly EngineAdapter[];

export const ENGINES = ADAPTERS.map((a) => a.engine) as [string, ...string[]];

export function engineAdapter(engine: string): EngineAdapter {
  const adapter = ADAPTERS.find((a) => a.engine === engine);
  if (!adapter) throw new Error(`no adapter for engine ${engine}`);
  return adapter;
}
