/**
 * PHYRE's WAD palette as the paper's combinatorial videos use it (paper-spec §4.1): white
 * background, red user ball #f34f46, dynamic objects gray #b9cad2, static objects black.
 */
export type Rgb = readonly [number, number, number];

export const WAD_COLORS: Readonly<Record<'white' | 'red' | 'gray' | 'black', Rgb>> = {
  white: [255, 255, 255],
  red: [0xf3, 0x4f, 0x46],
  gray: [0xb9, 0xca, 0xd2],
  black: [0, 0, 0],
};

/** Colour classes in a frame, by palette name. */
export const WAD_CLASSES = ['red', 'gray', 'black'] as const;
export type WadClass = (typeof WAD_CLASSES)[number];
