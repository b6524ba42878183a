/**
 * The frame-conditioned video diffusion transformer (paper-spec §2; DiT, Peebles & Xie 2023):
 *
 *   input (B, T, H, W, 2C+1) = [noisy latent | conditioning latent (first c frames, zero after) | mask]
 *   → spacetime patches → linear embedding of the concatenation (+ learned positions, or 3-D RoPE inside attention)
 *   → depth × adaLN-Zero block:  x += g1·Attn(LN(x)(1+s1)+b1);  x += g2·MLP(LN(x)(1+s2)+b2)
 *     with (b1, s1, g1, b2, s2, g2) from the timestep embedding
 *   → final LN with modulation → linear → v prediction (B, T, H, W, C).
 *
 * `apply(params, input)` is functional, so the same model runs training weights and EMA weights.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelReady, gateFusable, runFused } from '../engine/fused-kernels';
import { attention, attentionParamsOf } from './attention';
import { DEFAULT_LAYER_IMPL, LayerImpl } from './layer-impl';
import { DiTConfig, TokenGeometry, tokenGeometry, validateDiTConfig } from './dit-config';
import { customOp, dense, linear, silu } from './fast-ops';
import { layerNormModulate } from './layer-norm';
import { mlp } from './mlp';
import { ParamMap, countParams, disposeParams, initParams, paramSpecs } from './params';
import { patchify, unpatchify } from './patchify';
import { RopeTables, ropeTables } from './rope';
import { timestepFeatures } from './timestep-embedding';

/** One denoising call. All video tensors are latents of shape (B, T, H, W, ·). */
export interface DiTInput {
  /** Noisy latent x_t, (B, T, H, W, C). */
  xt: tf.Tensor5D;
  /** Conditioning latent: the first c frames of the clip, zeros after, (B, T, H, W, C). */
  cond: tf.Tensor5D;
  /** 1 on conditioning frames, 0 elsewhere, (B, T, H, W, 1). */
  mask: tf.Tensor5D;
  /** Diffusion timestep index per sample (float), (B). */
  t: tf.Tensor1D;
}

const gateOp = customOp((x: tf.Tensor3D, g: tf.Tensor3D, a: tf.Tensor3D, save: tf.GradSaveFunc) => {
  const [y] = runFused('PhylabGateFwd', { x, g, a }); // (B, N, D)
  save([g, a]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [gs, as] = saved;
      const [da, dg] = runFused('PhylabGateBwd', { dy, g: gs, a: as }); // (B, N, D), (B, 1, D)
      return [tf.reshape(dy, x.shape), dg, da];
    },
  };
});

/**
 * The gated residual x + g·a of a block, x, a (B, N, D), g (B, 1, D): with `impl` 'fused' (default)
 * one fused kernel each way where registered (PhylabGateFwd/Bwd, bit-identical), else (and for
 * 'composite', 'reference') the tf ops with autograd.
 */
export function gatedResidual(x: tf.Tensor3D, g: tf.Tensor3D, a: tf.Tensor3D, impl: LayerImpl = DEFAULT_LAYER_IMPL): tf.Tensor3D {
  if (impl === 'fused' && gateFusable(x, g, a) && fusedKernelReady('PhylabGateFwd') && fusedKernelReady('PhylabGateBwd')) return gateOp(x, g, a) as tf.Tensor3D;
  return tf.add(x, tf.mul(g, a)) as tf.Tensor3D;
}

export class DiT {
  readonly config: DiTConfig;
  readonly geometry: TokenGeometry;
  /** The model's own (training) parameters; owned by the model. */
  params: ParamMap;
  private readonly rope: RopeTables | null;

  /** Takes ownership of `params` (see `DiT.create` for fresh seeded ones). */
  constructor(config: DiTConfig, params: ParamMap) {
    validateDiTConfig(config);
    this.config = structuredClone(config);
    this.geometry = tokenGeometry(config);
    for (const s of paramSpecs(config)) {
      const p = params[s.name];
      if (!p) throw new Error(`DiT: missing parameter '${s.name}'`);
      if (p.shape.join(',') !== s.shape.join(',')) throw new Error(`DiT: parameter '${s.name}' has shape [${p.shape}], expected [${s.shape}]`);
    }
    this.params = params;
    this.rope = config.pos === 'rope' ? ropeTables(this.geometry.grid, config.heads, this.geometry.headDim, config.ropeBase) : null;
  }

  /** A model with fresh parameters drawn from `seed`. */
  static create(config: DiTConfig, seed: number): DiT {
    validateDiTConfig(config);
    return new DiT(config, initParams(config, seed));
  }

  /** Number of scalar parameters. */
  numParams(): number {
    return countParams(this.config);
  }

  /** v prediction with this model's parameters. */
  forward(input: DiTInput): tf.Tensor5D {
    return this.apply(this.params, input);
  }

  /** v prediction (B, T, H, W, C) with the given parameters (e.g. EMA weights). */
  apply(p: ParamMap, input: DiTInput): tf.Tensor5D {
    const cfg = this.config;
    const [lt, lh, lw, lc] = cfg.latentShape;
    const [b, t, h, w, c] = input.xt.shape;
    if (t !== lt || h !== lh || w !== lw || c !== lc) {
      throw new Error(`DiT: input latent (${t}, ${h}, ${w}, ${c}) does not match the model's latentShape [${cfg.latentShape}]`);
    }
    const impl = cfg.impl ?? DEFAULT_LAYER_IMPL;
    return tf.tidy(() => {
      const d = cfg.hidden;
      // Linear embedding of [x_t | cond | mask] concatenated on channels, computed as the sum of
      // three linear maps of the separately patchified parts (identical maths; the wasm concat of
      // 3+3+1 channels costs more than the model's first layer). Rows of x_embed.w are
      // [x_t patch (P·C) | cond patch (P·C) | mask patch (P)].
      const { outDim: pc, patchVolume: pv } = this.geometry;
      const we = p['x_embed.w'];
      let x = dense(patchify(input.xt, cfg.patch), tf.slice(we, [0, 0], [pc, d]), p['x_embed.b']) as tf.Tensor3D; // (B, N, D)
      x = tf.add(x, linear(patchify(input.cond, cfg.patch), tf.slice(we, [pc, 0], [pc, d])));
      x = tf.add(x, linear(patchify(input.mask, cfg.patch), tf.slice(we, [2 * pc, 0], [pv, d])));
      if (cfg.pos === 'learned') x = tf.add(x, p.pos);
      // timestep embedding c (B, D)
      const tf0 = timestepFeatures(input.t, cfg.timeFreqDim); // (B, 256)
      const temb = dense(silu(dense(tf0, p['t_embed.fc1.w'], p['t_embed.fc1.b'])), p['t_embed.fc2.w'], p['t_embed.fc2.b']); // (B, D)
      const ct = silu(temb);
      const shared = cfg.adaln === 'single' ? dense(ct, p['adaln.w'], p['adaln.b']) : null; // (B, 6D)
      for (let i = 0; i < cfg.depth; i++) {
        const k = `blocks.${i}`;
        const mod = shared ? tf.add(shared, p[`${k}.adaln_table`]) : dense(ct, p[`${k}.adaln.w`], p[`${k}.adaln.b`]); // (B, 6D)
        const [sh1, sc1, g1, sh2, sc2, g2] = tf.split(tf.reshape(mod, [b, 6, d]), 6, 1) as tf.Tensor3D[]; // each (B, 1, D)
        const a = attention(layerNormModulate(x, sh1, sc1, impl), attentionParamsOf(p, `${k}.attn`), cfg.heads, this.rope, impl);
        x = gatedResidual(x, g1, a, impl);
        const m = mlp(layerNormModulate(x, sh2, sc2, impl), p[`${k}.mlp.fc1.w`], p[`${k}.mlp.fc1.b`], p[`${k}.mlp.fc2.w`], p[`${k}.mlp.fc2.b`], impl);
        x = gatedResidual(x, g2, m, impl);
      }
      // final layer: PixArt-α adds the timestep embedding to a learned table; DiT uses a linear
      const fmod = cfg.adaln === 'single'
        ? tf.add(tf.reshape(p['final.adaln_table'], [1, 2, d]), tf.reshape(temb, [b, 1, d]))
        : tf.reshape(dense(ct, p['final.adaln.w'], p['final.adaln.b']), [b, 2, d]); // (B, 2, D)
      const [shf, scf] = tf.split(fmod, 2, 1) as tf.Tensor3D[];
      const out = dense(layerNormModulate(x, shf, scf, impl), p['final.linear.w'], p['final.linear.b']) as tf.Tensor3D; // (B, N, P·C)
      return unpatchify(out, cfg.latentShape, cfg.patch);
    });
  }

  /** Replace the training parameters (the old ones are disposed unless `keepOld`). */
  setParams(next: ParamMap, keepOld = false): void {
    if (!keepOld) for (const [k, t] of Object.entries(this.params)) if (next[k] !== t) t.dispose();
    this.params = next;
  }

  dispose(): void {
    disposeParams(this.params);
    if (this.rope) for (const t of Object.values(this.rope)) t.dispose();
  }
}
