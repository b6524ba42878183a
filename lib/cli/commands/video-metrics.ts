/**
 * `phylab video-metrics`: the learned video distances (FVD-sim, LPIPS-sim).
 * --train trains (or loads from data/cache/feature-nets) the simulator encoders and reports how
 * well they learned their proxy task; --monotonic checks that both distances grow with planted
 * noise, blur and object removal. --frame-weights / --video-weights use user-supplied nets
 * (a phylab-sim-feature-net JSON or a TF.js Layers model.json, e.g. converted AlexNet / I3D).
 */
import { CommandSpec, UsageError } from '../args';
import { initBackend } from '../../runtime/backend';
import { FeatureNet, loadFeatureNet, trainSimFeatureNet } from '../../metrics/feature-nets';
import { featureMonotonicity, monotonicityMarkdown } from '../../metrics/feature-monotonicity';

export const command: CommandSpec = {
  name: 'video-metrics',
  summary: 'learned video distances FVD-sim / LPIPS-sim: train the simulator encoders, check monotonicity',
  description: [
    'The paper\'s FVD (Kinetics I3D) and LPIPS (AlexNet) need pretrained weights that cannot be downloaded here;',
    'FVD-sim and LPIPS-sim use small encoders trained on simulator videos instead (seeded, cached).',
  ].join('\n'),
  order: 46,
  options: [
    { name: 'train', type: 'boolean', help: 'train (or load from the cache) both simulator encoders and print their training report', default: false },
    { name: 'monotonic', type: 'boolean', help: 'print LPIPS-sim and FVD-sim against noise, blur and object-removal levels', default: false },
    { name: 'videos', type: 'integer', help: 'monotonic: videos per level', min: 2, max: 1000, default: 16 },
    { name: 'frame-weights', type: 'string', help: 'user frame net (LPIPS): phylab JSON or TF.js model.json' },
    { name: 'video-weights', type: 'string', help: 'user video net (FVD): phylab JSON or TF.js model.json' },
    { name: 'input-size', type: 'integer', help: 'user TF.js nets: input side in pixels', min: 8, max: 512, default: 32 },
    { name: 'clip-frames', type: 'integer', help: 'user TF.js video net: frames per clip', min: 1, max: 64, default: 8 },
    { name: 'taps', type: 'list', help: 'user TF.js frame net: layer names to tap (LPIPS: the ReLU outputs)' },
    { name: 'embedding-layer', type: 'string', help: 'user TF.js video net: layer giving the embedding' },
  ],
  examples: ['phylab video-metrics --train', 'phylab video-metrics --monotonic --videos 16', 'phylab video-metrics --monotonic --frame-weights ~/alexnet/model.json --input-size 64 --taps relu1,relu2,relu3,relu4,relu5'],
  async run(args) {
    const o = args.options;
    if (!o.train && !o.monotonic) throw new UsageError('nothing to do: pass --train and/or --monotonic');
    await initBackend({ quiet: true });
    const log = (s: string) => process.stderr.write(s + '\n');
    const get = async (kind: 'frame' | 'video'): Promise<FeatureNet> => {
      const path = kind === 'frame' ? o['frame-weights'] : o['video-weights'];
      if (path) {
        return loadFeatureNet(String(path), {
          kind,
          size: Number(o['input-size']),
          frames: kind === 'frame' ? 1 : Number(o['clip-frames']),
          tapLayers: kind === 'frame' && o.taps ? (o.taps as string[]) : undefined,
          embeddingLayer: kind === 'video' && o['embedding-layer'] ? String(o['embedding-layer']) : undefined,
        });
      }
      const { net, report } = await trainSimFeatureNet({ kind }, { log });
      if (o.train) {
        process.stdout.write(`${net.name}: ${report.cached ? 'loaded from the cache' : `trained in ${report.seconds.toFixed(0)} s`} (${report.path}); proxy task: which of the 8 object types are present (per-label accuracy; always guessing one way scores 50%): loss ${report.firstLoss.toFixed(3)} → ${report.lastLoss.toFixed(3)}, training accuracy ${(100 * report.trainAccuracy).toFixed(1)}%\n`);
      }
      return net;
    };
    const frameNet = await get('frame');
    const videoNet = await get('video');
    if (o.monotonic) {
      const r = featureMonotonicity(frameNet, videoNet, { videos: Number(o.videos) });
      process.stdout.write(`${frameNet.name} / ${videoNet.name} against planted corruptions, ${r.videos} videos (32 px, 32 frames):\n\n${monotonicityMarkdown(r)}\n`);
    }
  },
};
