import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScratchCanvases, type CreateCanvas } from '../../src/render/pixels';

/** A stand-in for OffscreenCanvas: its size, and how often its context was reset. */
interface FakeCanvas {
  width: number;
  height: number;
  resets: number;
}

function fakes(): { made: FakeCanvas[]; create: CreateCanvas } {
  const made: FakeCanvas[] = [];
  const create = (width: number, height: number): OffscreenCanvas => {
    const canvas: FakeCanvas = { width, height, resets: 0 };
    const context = { reset: () => canvas.resets++ };
    made.push(canvas);
    return Object.assign(canvas, { getContext: () => context }) as unknown as OffscreenCanvas;
  };
  return { made, create };
}

describe('ScratchCanvases', () => {
  it('gives a drawing canvases of its own, and the next drawing the same ones', () => {
    const { made, create } = fakes();
    const scratch = new ScratchCanvases(create);
    let take = scratch.forDrawing();
    const [a, b] = [take(10, 4), take(10, 4)];
    assert.notEqual(a, b, 'two canvases of one drawing are never the same');
    take = scratch.forDrawing();
    assert.equal(take(10, 4), a);
    assert.equal(take(10, 4), b);
    assert.equal(made.length, 2, 'no canvas made after the first drawing');
  });

  it('resets a canvas of the same size, and resizes one of another size (which clears it)', () => {
    const { made, create } = fakes();
    const scratch = new ScratchCanvases(create);
    scratch.forDrawing()(10, 4);
    scratch.forDrawing()(10, 4);
    assert.equal(made[0].resets, 1);
    const resized = scratch.forDrawing()(7, 3) as unknown as FakeCanvas;
    assert.deepEqual([resized.width, resized.height, resized.resets], [7, 3, 1]);
  });

  it('makes a canvas when a drawing asks for more than the one before', () => {
    const { made, create } = fakes();
    const scratch = new ScratchCanvases(create);
    scratch.forDrawing()(5, 5);
    const take = scratch.forDrawing();
    take(5, 5);
    take(6, 6);
    assert.equal(made.length, 2);
  });
});
