;; LeNet's blocks relu(maxPool(conv2d(x, w)) + bias) and their gradients in WebAssembly SIMD.
;; Why our own: tfjs's max-pool loses which window cell held the maximum, and every gradient
;; of the block needs it; found again in JavaScript and routed through dense products
;; (tfjs-wasm has no convolution gradients), the backward passes were half a training step.
;; Here the forward pass yields each maximum's cell, and the gradients visit only the cells
;; that carry one: 1/pool² of a dense product's terms, fewer still after the ReLU. The first
;; block's convolution is here too (XNNPACK is at its slowest with one input channel); the
;; second's is XNNPACK's, pooled here (maxPoolRelu).
;; Assembled by scripts/wasm.mjs into poolingConvolution.wasm.ts; see poolingConvolution.ts.
;;
;; Memory is laid out by the caller; every pointer is a byte offset. Layouts:
;;   x      f32 [images][height][width][inChannels]           (inChannels = 1: images)
;;   w      f32 [k][k][channels] for images (tfjs's HWIO with I = 1), else
;;          f32 [channels][k][k][inChannels]                   (OHWI, PyTorch's order but I last)
;;   conv   f32 [images][convHeight][convWidth][channels]      (a convolution's output)
;;   bias   f32 [channels]
;;   out    f32 [images][outHeight][outWidth][channels], outHeight = (height − k + 1) / pool
;;   cells  i32, as out: the row-major cell of its window's first maximum (PyTorch's choice;
;;          its last NaN if the window holds NaN, whose out is then NaN, as PyTorch's)
;;   dy     f32, as out: the gradient of out
;;   dw     f32 [channels][k][k][inChannels]  (written, not added to); for images
;;          [channels][k][row], each row of k taps padded to a multiple of 4 (row), and x read
;;          as far: up to 3 values past a window's row, which the caller's layout must allow
;;   db     f32 [channels]
;;   dx     f32, as x
;;   cellOffsets  i32 [pool²]: for each window cell, its byte offset in x from the window's corner
;; For images, channels must be a multiple of 16 (four vectors of four channels stay in
;; registers); else channels and inChannels multiples of 4.
(module
  (memory (export "memory") 1)

  (func (export "forward")
    (param $x i32) (param $images i32) (param $height i32) (param $width i32) (param $k i32)
    (param $pool i32) (param $w i32) (param $bias i32) (param $channels i32) (param $out i32)
    (param $cells i32)
    (local $outHeight i32) (local $outWidth i32) (local $rowBytes i32) (local $tapBytes i32)
    (local $imageBytes i32) (local $image i32) (local $py i32) (local $px i32) (local $group i32)
    (local $cy i32) (local $cx i32) (local $cell i32) (local $kh i32) (local $kw i32)
    (local $window i32) (local $p i32) (local $f i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $v v128) (local $mask v128) (local $cellv v128)
    (local.set $outHeight (i32.div_u (i32.add (i32.sub (local.get $height) (local.get $k)) (i32.const 1)) (local.get $pool)))
    (local.set $outWidth (i32.div_u (i32.add (i32.sub (local.get $width) (local.get $k)) (i32.const 1)) (local.get $pool)))
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    (local.set $tapBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $imageBytes (i32.mul (local.get $height) (local.get $rowBytes)))
    (local.set $image (i32.const 0))
    (loop $images
      (local.set $py (i32.const 0))
      (loop $rows
        (local.set $px (i32.const 0))
        (loop $columns
          ;; The pooled window's top-left input pixel.
          (local.set $window
            (i32.add
              (i32.add (local.get $x) (i32.mul (local.get $image) (local.get $imageBytes)))
              (i32.shl
                (i32.add
                  (i32.mul (i32.mul (local.get $py) (local.get $pool)) (local.get $width))
                  (i32.mul (local.get $px) (local.get $pool)))
                (i32.const 2))))
          (local.set $group (i32.const 0))
          (loop $groups
            (local.set $m0 (f32x4.splat (f32.const -inf)))
            (local.set $m1 (local.get $m0))
            (local.set $m2 (local.get $m0))
            (local.set $m3 (local.get $m0))
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $c1 (local.get $c0))
            (local.set $c2 (local.get $c0))
            (local.set $c3 (local.get $c0))
            (local.set $cell (i32.const 0))
            (local.set $cy (i32.const 0))
            (loop $cellRows
              (local.set $cx (i32.const 0))
              (loop $cellColumns
                ;; 16 channels of the convolution at this cell: 4 vectors, k × k taps.
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $a1 (local.get $a0))
                (local.set $a2 (local.get $a0))
                (local.set $a3 (local.get $a0))
                (local.set $f (i32.add (local.get $w) (i32.shl (local.get $group) (i32.const 2))))
                (local.set $kh (i32.const 0))
                (loop $taps
                  (local.set $p
                    (i32.add
                      (local.get $window)
                      (i32.shl
                        (i32.add (i32.mul (i32.add (local.get $cy) (local.get $kh)) (local.get $width)) (local.get $cx))
                        (i32.const 2))))
                  (local.set $kw (i32.const 0))
                  (loop $tapRow
                    (local.set $v (f32x4.splat (f32.load (local.get $p))))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load offset=0 (local.get $f)))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $f)))))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $f)))))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $f)))))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (local.set $f (i32.add (local.get $f) (local.get $tapBytes)))
                    (br_if $tapRow (i32.lt_u (local.tee $kw (i32.add (local.get $kw) (i32.const 1))) (local.get $k))))
                  (br_if $taps (i32.lt_u (local.tee $kh (i32.add (local.get $kh) (i32.const 1))) (local.get $k))))
                ;; A strictly greater value replaces the maximum, so the first one wins ties; a NaN
                ;; replaces it too, so a window holding NaN gives NaN, as PyTorch's max-pool.
                (local.set $cellv (i32x4.splat (local.get $cell)))
                (local.set $mask (v128.or (f32x4.gt (local.get $a0) (local.get $m0)) (f32x4.ne (local.get $a0) (local.get $a0))))
                (local.set $m0 (v128.bitselect (local.get $a0) (local.get $m0) (local.get $mask)))
                (local.set $c0 (v128.bitselect (local.get $cellv) (local.get $c0) (local.get $mask)))
                (local.set $mask (v128.or (f32x4.gt (local.get $a1) (local.get $m1)) (f32x4.ne (local.get $a1) (local.get $a1))))
                (local.set $m1 (v128.bitselect (local.get $a1) (local.get $m1) (local.get $mask)))
                (local.set $c1 (v128.bitselect (local.get $cellv) (local.get $c1) (local.get $mask)))
                (local.set $mask (v128.or (f32x4.gt (local.get $a2) (local.get $m2)) (f32x4.ne (local.get $a2) (local.get $a2))))
                (local.set $m2 (v128.bitselect (local.get $a2) (local.get $m2) (local.get $mask)))
                (local.set $c2 (v128.bitselect (local.get $cellv) (local.get $c2) (local.get $mask)))
                (local.set $mask (v128.or (f32x4.gt (local.get $a3) (local.get $m3)) (f32x4.ne (local.get $a3) (local.get $a3))))
                (local.set $m3 (v128.bitselect (local.get $a3) (local.get $m3) (local.get $mask)))
                (local.set $c3 (v128.bitselect (local.get $cellv) (local.get $c3) (local.get $mask)))
                (local.set $cell (i32.add (local.get $cell) (i32.const 1)))
                (br_if $cellColumns (i32.lt_u (local.tee $cx (i32.add (local.get $cx) (i32.const 1))) (local.get $pool))))
              (br_if $cellRows (i32.lt_u (local.tee $cy (i32.add (local.get $cy) (i32.const 1))) (local.get $pool))))
            ;; relu(max + bias): the bias is the same over the window, so adding it after is exact.
            (local.set $f (i32.add (local.get $bias) (i32.shl (local.get $group) (i32.const 2))))
            (local.set $v (v128.const i32x4 0 0 0 0))
            (v128.store offset=0 (local.get $out) (f32x4.max (f32x4.add (local.get $m0) (v128.load offset=0 (local.get $f))) (local.get $v)))
            (v128.store offset=16 (local.get $out) (f32x4.max (f32x4.add (local.get $m1) (v128.load offset=16 (local.get $f))) (local.get $v)))
            (v128.store offset=32 (local.get $out) (f32x4.max (f32x4.add (local.get $m2) (v128.load offset=32 (local.get $f))) (local.get $v)))
            (v128.store offset=48 (local.get $out) (f32x4.max (f32x4.add (local.get $m3) (v128.load offset=48 (local.get $f))) (local.get $v)))
            (v128.store offset=0 (local.get $cells) (local.get $c0))
            (v128.store offset=16 (local.get $cells) (local.get $c1))
            (v128.store offset=32 (local.get $cells) (local.get $c2))
            (v128.store offset=48 (local.get $cells) (local.get $c3))
            (local.set $out (i32.add (local.get $out) (i32.const 64)))
            (local.set $cells (i32.add (local.get $cells) (i32.const 64)))
            (br_if $groups (i32.lt_u (local.tee $group (i32.add (local.get $group) (i32.const 16))) (local.get $channels))))
          (br_if $columns (i32.lt_u (local.tee $px (i32.add (local.get $px) (i32.const 1))) (local.get $outWidth))))
        (br_if $rows (i32.lt_u (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $outHeight))))
      (br_if $images (i32.lt_u (local.tee $image (i32.add (local.get $image) (i32.const 1))) (local.get $images)))))

  ;; dw[o][kh][kw] = Σ over pooled values (image, py, px, o) with a gradient (dy ≠ 0 and
  ;; out > 0, ReLU's) of dy · x under the window's maximum cell shifted by (kh, kw);
  ;; db[o] = Σ of the same gradients.
  (func (export "filterGradient")
    (param $x i32) (param $images i32) (param $height i32) (param $width i32) (param $k i32)
    (param $pool i32) (param $channels i32) (param $dy i32) (param $out i32) (param $cells i32)
    (param $dw i32) (param $db i32) (param $cellOffsets i32)
    (local $outHeight i32) (local $outWidth i32) (local $rowBytes i32) (local $filterBytes i32)
    (local $imageBytes i32) (local $image i32) (local $py i32) (local $px i32) (local $o i32)
    (local $window i32) (local $kh i32) (local $p i32) (local $d i32) (local $rowStrideBytes i32)
    (local $g f32) (local $gv v128) (local $end i32)
    (local.set $outHeight (i32.div_u (i32.add (i32.sub (local.get $height) (local.get $k)) (i32.const 1)) (local.get $pool)))
    (local.set $outWidth (i32.div_u (i32.add (i32.sub (local.get $width) (local.get $k)) (i32.const 1)) (local.get $pool)))
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    (local.set $rowStrideBytes (i32.shl (i32.and (i32.add (local.get $k) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $filterBytes (i32.mul (local.get $k) (local.get $rowStrideBytes)))
    (local.set $imageBytes (i32.mul (local.get $height) (local.get $rowBytes)))
    (memory.fill (local.get $dw) (i32.const 0) (i32.mul (local.get $channels) (local.get $filterBytes)))
    (memory.fill (local.get $db) (i32.const 0) (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $image (i32.const 0))
    (loop $images
      (local.set $py (i32.const 0))
      (loop $rows
        (local.set $px (i32.const 0))
        (loop $columns
          (local.set $window
            (i32.add
              (i32.add (local.get $x) (i32.mul (local.get $image) (local.get $imageBytes)))
              (i32.shl
                (i32.add
                  (i32.mul (i32.mul (local.get $py) (local.get $pool)) (local.get $width))
                  (i32.mul (local.get $px) (local.get $pool)))
                (i32.const 2))))
          (local.set $o (i32.const 0))
          (loop $outputs
            (local.set $g (f32.load (local.get $dy)))
            (if (i32.and (f32.ne (local.get $g) (f32.const 0)) (f32.gt (f32.load (local.get $out)) (f32.const 0)))
              (then
                ;; The maximum's input pixel: the window's corner moved by the cell.
                (local.set $p
                  (i32.add (local.get $window)
                    (i32.load (i32.add (local.get $cellOffsets) (i32.shl (i32.load (local.get $cells)) (i32.const 2))))))
                (local.set $d (i32.add (local.get $dw) (i32.mul (local.get $o) (local.get $filterBytes))))
                (local.set $gv (f32x4.splat (local.get $g)))
                (local.set $kh (i32.const 0))
                (loop $taps
                  ;; A row of taps, four at a time: padded, so no tap is left over.
                  (local.set $end (i32.add (local.get $d) (local.get $rowStrideBytes)))
                  (loop $vectors
                    (v128.store (local.get $d)
                      (f32x4.add (v128.load (local.get $d)) (f32x4.mul (local.get $gv) (v128.load (local.get $p)))))
                    (local.set $p (i32.add (local.get $p) (i32.const 16)))
                    (br_if $vectors (i32.lt_u (local.tee $d (i32.add (local.get $d) (i32.const 16))) (local.get $end))))
                  ;; Next row of the patch: back the padded row, down one row.
                  (local.set $p (i32.add (local.get $p) (i32.sub (local.get $rowBytes) (local.get $rowStrideBytes))))
                  (br_if $taps (i32.lt_u (local.tee $kh (i32.add (local.get $kh) (i32.const 1))) (local.get $k))))
                (local.set $d (i32.add (local.get $db) (i32.shl (local.get $o) (i32.const 2))))
                (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (local.get $g)))))
            (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $cells (i32.add (local.get $cells) (i32.const 4)))
            (br_if $outputs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 1))) (local.get $channels))))
          (br_if $columns (i32.lt_u (local.tee $px (i32.add (local.get $px) (i32.const 1))) (local.get $outWidth))))
        (br_if $rows (i32.lt_u (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $outHeight))))
      (br_if $images (i32.lt_u (local.tee $image (i32.add (local.get $image) (i32.const 1))) (local.get $images)))))

  ;; out = relu(maxPool(conv) + bias) and each maximum's cell, as forward's.
  (func (export "maxPoolRelu")
    (param $conv i32) (param $images i32) (param $convHeight i32) (param $convWidth i32) (param $channels i32)
    (param $pool i32) (param $bias i32) (param $out i32) (param $cells i32)
    (local $outHeight i32) (local $outWidth i32) (local $rowBytes i32) (local $tapBytes i32)
    (local $image i32) (local $py i32) (local $px i32) (local $group i32) (local $cy i32) (local $cx i32)
    (local $cell i32) (local $window i32) (local $p i32)
    (local $v v128) (local $best v128) (local $arg v128) (local $mask v128)
    (local.set $outHeight (i32.div_u (local.get $convHeight) (local.get $pool)))
    (local.set $outWidth (i32.div_u (local.get $convWidth) (local.get $pool)))
    (local.set $tapBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $convWidth) (local.get $tapBytes)))
    (local.set $image (i32.const 0))
    (loop $images
      (local.set $py (i32.const 0))
      (loop $rows
        (local.set $px (i32.const 0))
        (loop $columns
          (local.set $window
            (i32.add
              (local.get $conv)
              (i32.add
                (i32.mul
                  (i32.add (i32.mul (local.get $image) (local.get $convHeight)) (i32.mul (local.get $py) (local.get $pool)))
                  (local.get $rowBytes))
                (i32.mul (i32.mul (local.get $px) (local.get $pool)) (local.get $tapBytes)))))
          (local.set $group (i32.const 0))
          (loop $groups
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $arg (v128.const i32x4 0 0 0 0))
            (local.set $cell (i32.const 0))
            (local.set $cy (i32.const 0))
            (loop $cellRows
              (local.set $p
                (i32.add (local.get $window)
                  (i32.add (i32.mul (local.get $cy) (local.get $rowBytes)) (i32.shl (local.get $group) (i32.const 2)))))
              (local.set $cx (i32.const 0))
              (loop $cellColumns
                (local.set $v (v128.load (local.get $p)))
                (local.set $mask (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $v) (local.get $v))))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $mask)))
                (local.set $arg (v128.bitselect (i32x4.splat (local.get $cell)) (local.get $arg) (local.get $mask)))
                (local.set $cell (i32.add (local.get $cell) (i32.const 1)))
                (local.set $p (i32.add (local.get $p) (local.get $tapBytes)))
                (br_if $cellColumns (i32.lt_u (local.tee $cx (i32.add (local.get $cx) (i32.const 1))) (local.get $pool))))
              (br_if $cellRows (i32.lt_u (local.tee $cy (i32.add (local.get $cy) (i32.const 1))) (local.get $pool))))
            (v128.store (local.get $out)
              (f32x4.max
                (f32x4.add (local.get $best) (v128.load (i32.add (local.get $bias) (i32.shl (local.get $group) (i32.const 2)))))
                (v128.const i32x4 0 0 0 0)))
            (v128.store (local.get $cells) (local.get $arg))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $cells (i32.add (local.get $cells) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.tee $group (i32.add (local.get $group) (i32.const 4))) (local.get $channels))))
          (br_if $columns (i32.lt_u (local.tee $px (i32.add (local.get $px) (i32.const 1))) (local.get $outWidth))))
        (br_if $rows (i32.lt_u (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $outHeight))))
      (br_if $images (i32.lt_u (local.tee $image (i32.add (local.get $image) (i32.const 1))) (local.get $images)))))

  ;; The block's three gradients for inputs of several channels. For each pooled value
  ;; (image, py, px, o) with a gradient g (dy ≠ 0 and out > 0), at its maximum (y, x):
  ;;   dw[o][kh][kw][:] += g · x[image][y + kh][x + kw][:]
  ;;   dx[image][y + kh][x + kw][:] += g · w[o][kh][kw][:]
  ;;   db[o] += g
  ;; For a row kh both are runs of k · inChannels contiguous values.
  (func (export "gradients")
    (param $x i32) (param $images i32) (param $height i32) (param $width i32) (param $inChannels i32)
    (param $k i32) (param $pool i32) (param $channels i32) (param $w i32) (param $dy i32) (param $out i32)
    (param $cells i32) (param $dw i32) (param $db i32) (param $dx i32) (param $cellOffsets i32)
    (local $outHeight i32) (local $outWidth i32) (local $pixelBytes i32) (local $rowBytes i32)
    (local $runBytes i32) (local $filterBytes i32) (local $image i32) (local $py i32) (local $px i32)
    (local $o i32) (local $window i32) (local $offset i32) (local $kh i32) (local $end i32)
    (local $xp i32) (local $dxp i32) (local $wp i32) (local $dwp i32) (local $dbp i32) (local $g f32) (local $gv v128)
    (local.set $outHeight (i32.div_u (i32.add (i32.sub (local.get $height) (local.get $k)) (i32.const 1)) (local.get $pool)))
    (local.set $outWidth (i32.div_u (i32.add (i32.sub (local.get $width) (local.get $k)) (i32.const 1)) (local.get $pool)))
    (local.set $pixelBytes (i32.shl (local.get $inChannels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $width) (local.get $pixelBytes)))
    (local.set $runBytes (i32.mul (local.get $k) (local.get $pixelBytes)))
    (local.set $filterBytes (i32.mul (local.get $k) (local.get $runBytes)))
    (memory.fill (local.get $dw) (i32.const 0) (i32.mul (local.get $channels) (local.get $filterBytes)))
    (memory.fill (local.get $db) (i32.const 0) (i32.shl (local.get $channels) (i32.const 2)))
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.mul (i32.mul (local.get $images) (local.get $height)) (local.get $rowBytes)))
    (local.set $image (i32.const 0))
    (loop $images
      (local.set $py (i32.const 0))
      (loop $rows
        (local.set $px (i32.const 0))
        (loop $columns
          ;; The pooled window's top-left pixel, as a byte offset into x and dx.
          (local.set $window
            (i32.add
              (i32.mul
                (i32.add (i32.mul (local.get $image) (local.get $height)) (i32.mul (local.get $py) (local.get $pool)))
                (local.get $rowBytes))
              (i32.mul (i32.mul (local.get $px) (local.get $pool)) (local.get $pixelBytes))))
          (local.set $o (i32.const 0))
          (loop $outputs
            (local.set $g (f32.load (local.get $dy)))
            (if (i32.and (f32.ne (local.get $g) (f32.const 0)) (f32.gt (f32.load (local.get $out)) (f32.const 0)))
              (then
                ;; The maximum's pixel: the window's corner moved by the cell.
                (local.set $offset
                  (i32.add (local.get $window)
                    (i32.load (i32.add (local.get $cellOffsets) (i32.shl (i32.load (local.get $cells)) (i32.const 2))))))
                (local.set $xp (i32.add (local.get $x) (local.get $offset)))
                (local.set $dxp (i32.add (local.get $dx) (local.get $offset)))
                (local.set $wp (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $filterBytes))))
                (local.set $dwp (i32.add (local.get $dw) (i32.mul (local.get $o) (local.get $filterBytes))))
                (local.set $gv (f32x4.splat (local.get $g)))
                (local.set $kh (i32.const 0))
                (loop $taps
                  (local.set $end (i32.add (local.get $xp) (local.get $runBytes)))
                  (loop $run
                    (v128.store (local.get $dwp)
                      (f32x4.add (v128.load (local.get $dwp)) (f32x4.mul (local.get $gv) (v128.load (local.get $xp)))))
                    (v128.store (local.get $dxp)
                      (f32x4.add (v128.load (local.get $dxp)) (f32x4.mul (local.get $gv) (v128.load (local.get $wp)))))
                    (local.set $dwp (i32.add (local.get $dwp) (i32.const 16)))
                    (local.set $dxp (i32.add (local.get $dxp) (i32.const 16)))
                    (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
                    (br_if $run (i32.lt_u (local.tee $xp (i32.add (local.get $xp) (i32.const 16))) (local.get $end))))
                  ;; Next row of the patch: back k pixels, down one row.
                  (local.set $xp (i32.add (local.get $xp) (i32.sub (local.get $rowBytes) (local.get $runBytes))))
                  (local.set $dxp (i32.add (local.get $dxp) (i32.sub (local.get $rowBytes) (local.get $runBytes))))
                  (br_if $taps (i32.lt_u (local.tee $kh (i32.add (local.get $kh) (i32.const 1))) (local.get $k))))
                (local.set $dbp (i32.add (local.get $db) (i32.shl (local.get $o) (i32.const 2))))
                (f32.store (local.get $dbp) (f32.add (f32.load (local.get $dbp)) (local.get $g)))))
            (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $cells (i32.add (local.get $cells) (i32.const 4)))
            (br_if $outputs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 1))) (local.get $channels))))
          (br_if $columns (i32.lt_u (local.tee $px (i32.add (local.get $px) (i32.const 1))) (local.get $outWidth))))
        (br_if $rows (i32.lt_u (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $outHeight))))
      (br_if $images (i32.lt_u (local.tee $image (i32.add (local.get $image) (i32.const 1))) (local.get $images)))))

  ;; to[c][r] = from[r][c] for a [rows][columns] matrix of f32: HWIO ⇄ OHWI filters.
  (func (export "transpose") (param $from i32) (param $to i32) (param $rows i32) (param $columns i32)
    (local $r i32) (local $c i32) (local $column i32) (local $rowsBytes i32)
    (local.set $rowsBytes (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $r (i32.const 0))
    (loop $rowsLoop
      (local.set $column (i32.add (local.get $to) (i32.shl (local.get $r) (i32.const 2))))
      (local.set $c (i32.const 0))
      (loop $columnsLoop
        (f32.store (local.get $column) (f32.load (local.get $from)))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (local.set $column (i32.add (local.get $column) (local.get $rowsBytes)))
        (br_if $columnsLoop (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $columns))))
      (br_if $rowsLoop (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows))))))
