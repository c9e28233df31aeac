// Coalesces redraw requests: however many arrive, `draw` runs once, on the next
// animation frame (snapshots can stream in faster than the screen refreshes).
export function onNextFrame(draw: () => void): () => void {
  let requested = false;
  return () => {
    if (requested) return;
    requested = true;
    requestAnimationFrame(() => {
      requested = false;
      draw();
    });
  };
}
