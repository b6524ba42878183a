/**
 * Which implementation of a layer with a fused kernel runs (attention, LayerNorm-modulate, MLP,
 * gated residual), chosen in the model config (`DiTConfig.impl`):
 *
 *  - 'fused': the native fused kernels (lib/engine/fused-kernels.ts) where they are registered and
 *    the shapes fit, else the composite code: what the default CPU path has always run;
 *  - 'composite': the TypeScript ops with hand-written gradients, never a fused kernel (so an edit
 *    to the TypeScript code takes effect on every backend);
 *  - 'reference': plain tf ops with autograd (slow; the definition the other two are tested against).
 *
 * Fused and composite differ by float rounding only (test/model/layer-impl.test.ts fails when they
 * disagree beyond it).
 */
import { ConfigError } from '../config/profile';

export type LayerImpl = 'fused' | 'composite' | 'reference';

export const LAYER_IMPLS: ReadonlyArray<LayerImpl> = ['fused', 'composite', 'reference'];

/** The implementation when the model config names none: 'fused' (today's behaviour). */
export const DEFAULT_LAYER_IMPL: LayerImpl = 'fused';

export function checkLayerImpl(impl: unknown, key = 'model.impl'): LayerImpl {
  if (typeof impl !== 'string' || !(LAYER_IMPLS as ReadonlyArray<string>).includes(impl)) {
    throw new ConfigError(`${key} must be one of ${LAYER_IMPLS.map((x) => `'${x}'`).join(', ')}; got ${JSON.stringify(impl)}`);
  }
  return impl as LayerImpl;
}
