/**
 * How a layer declares its parameters: name, shape, initialisation and whether weight decay applies.
 * Each layer lists its own beside its code (attention.ts, mlp.ts); params.ts assembles the model's.
 */

export type InitKind = 'xavier' | 'zeros' | 'normal02';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: InitKind;
  /** Whether AdamW's weight decay applies (matrices yes; biases, tables and positions no). */
  decay: boolean;
}

/** A linear layer `name`: weight `name.w` (i, o) with `init`, bias `name.b` (o) zeros. */
export function linearSpecs(name: string, i: number, o: number, init: InitKind = 'xavier'): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [i, o], init, decay: true },
    { name: `${name}.b`, shape: [o], init: 'zeros', decay: false },
  ];
}
