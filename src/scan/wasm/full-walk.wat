;; The full-feature walk of src/scan/features.ts (walkFull) as a WebAssembly
;; kernel: character 3-, 4- and 5-grams over the folded alphabet (whitespace
;; runs collapsed) and word unigrams and bigrams, hashed into one Int8 weight
;; table and summed, with cumulative sums recorded at every `step` units. The
;; classifier runs it on the regions its screen flags (classifier.ts,
;; cascade). It walks one chunk of UTF-16 text per call; the n-gram, word and
;; whitespace state carries over in globals, so a region cut into step-aligned
;; chunks walks exactly as in one piece. The caller appends the virtual
;; trailing space that closes the last word and n-grams. features.ts is the
;; reference: test/scan/wasm-walks.test.ts holds the two to the same
;; results. Build: npm run build:wasm.
;;
;; Memory (laid out by src/scan/wasm/full-walk.ts):
;;   0        WORDCH, 65536 x u16 (word-chars.ts)
;;   131072   FEATURE_FOLD, 65536 x u16 (word-chars.ts)
;;   $ta      the weight table (Int8, 2^bits)
;;   $txt     the chunk, $n UTF-16 units
;;   $rec     per full block among the first $limit units: (sum, count) as i32, from the call's start
(module
  (memory (export "memory") 5)
  (global $h1 (mut i32) (i32.const 0x20))
  (global $h2 (mut i32) (i32.const 0))
  (global $h3 (mut i32) (i32.const 0))
  (global $h4 (mut i32) (i32.const 0))
  (global $seen (mut i32) (i32.const 1))
  (global $prevSpace (mut i32) (i32.const 1))
  (global $word (mut i32) (i32.const 0))
  (global $len (mut i32) (i32.const 0))
  (global $prev (mut i32) (i32.const 0))
  (global $hasPrev (mut i32) (i32.const 0))
  (global $sumOut (export "sum") (mut i32) (i32.const 0))
  (global $countOut (export "count") (mut i32) (i32.const 0))

  (func (export "reset")
    (global.set $h1 (i32.const 0x20))
    (global.set $h2 (i32.const 0))
    (global.set $h3 (i32.const 0))
    (global.set $h4 (i32.const 0))
    (global.set $seen (i32.const 1))
    (global.set $prevSpace (i32.const 1))
    (global.set $word (i32.const 0))
    (global.set $len (i32.const 0))
    (global.set $prev (i32.const 0))
    (global.set $hasPrev (i32.const 0)))

  ;; Walks $n units at $txt; records a block when it is full and ends within
  ;; the first $limit units. The chunk's sums are left in sum and count.
  (func (export "walk")
    (param $txt i32) (param $n i32) (param $limit i32) (param $step i32)
    (param $ta i32) (param $mask i32) (param $rec i32)
    (local $p i32) (local $end i32) (local $bs i32) (local $blockEnd i32) (local $lim i32) (local $c i32)
    (local $h1 i32) (local $h2 i32) (local $h3 i32) (local $h4 i32) (local $seen i32) (local $ps i32)
    (local $n2 i32) (local $n3 i32) (local $n4 i32) (local $n5 i32)
    (local $word i32) (local $wl i32) (local $prev i32) (local $hp i32)
    (local $h i32) (local $sum i32) (local $cnt i32)
    (local.set $h1 (global.get $h1))
    (local.set $h2 (global.get $h2))
    (local.set $h3 (global.get $h3))
    (local.set $h4 (global.get $h4))
    (local.set $seen (global.get $seen))
    (local.set $ps (global.get $prevSpace))
    (local.set $word (global.get $word))
    (local.set $wl (global.get $len))
    (local.set $prev (global.get $prev))
    (local.set $hp (global.get $hasPrev))
    (local.set $p (local.get $txt))
    (local.set $end (i32.add (local.get $txt) (i32.shl (local.get $n) (i32.const 1))))
    (local.set $lim (i32.add (local.get $txt) (i32.shl (local.get $limit) (i32.const 1))))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $bs (local.get $p))
        (local.set $blockEnd (i32.add (local.get $p) (i32.shl (local.get $step) (i32.const 1))))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        (block $charsDone
          (loop $chars
            (br_if $charsDone (i32.ge_u (local.get $p) (local.get $blockEnd)))
            (local.set $c (i32.load16_u offset=131072 (i32.shl (i32.load16_u (local.get $p)) (i32.const 1))))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (if (i32.eq (local.get $c) (i32.const 0x20))
              (then
                (br_if $chars (local.get $ps))
                (local.set $ps (i32.const 1)))
              (else (local.set $ps (i32.const 0))))
            (if (i32.load16_u (i32.shl (local.get $c) (i32.const 1)))
              (then
                (local.set $word (i32.mul (i32.xor (local.get $word) (local.get $c)) (i32.const 0x01000193)))
                (local.set $wl (i32.add (local.get $wl) (i32.const 1))))
              (else
                (if (local.get $wl)
                  (then
                    (local.set $h (i32.mul (i32.xor (local.get $word) (i32.const 0x1001)) (i32.const 0x85ebca6b)))
                    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                    (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                    (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
                    (if (local.get $hp)
                      (then
                        (local.set $h (i32.mul (i32.xor (i32.xor (i32.mul (local.get $prev) (i32.const 0x9e3779b1)) (local.get $word)) (i32.const 0x2002)) (i32.const 0x85ebca6b)))
                        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                        (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                        (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                        (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))
                    (local.set $prev (local.get $word))
                    (local.set $hp (i32.const 1))
                    (local.set $word (i32.const 0))
                    (local.set $wl (i32.const 0))))))
            (local.set $n5 (i32.xor (i32.mul (local.get $h4) (i32.const 0x01000193)) (local.get $c)))
            (local.set $n4 (i32.xor (i32.mul (local.get $h3) (i32.const 0x01000193)) (local.get $c)))
            (local.set $n3 (i32.xor (i32.mul (local.get $h2) (i32.const 0x01000193)) (local.get $c)))
            (local.set $n2 (i32.xor (i32.mul (local.get $h1) (i32.const 0x01000193)) (local.get $c)))
            (local.set $h1 (local.get $c))
            (local.set $h2 (local.get $n2))
            (local.set $h3 (local.get $n3))
            (local.set $h4 (local.get $n4))
            (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
            (if (i32.ge_u (local.get $seen) (i32.const 5))
              (then
                (local.set $h (i32.mul (i32.xor (local.get $n3) (i32.const 3)) (i32.const 0x85ebca6b)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                (local.set $h (i32.mul (i32.xor (local.get $n4) (i32.const 4)) (i32.const 0x85ebca6b)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                (local.set $h (i32.mul (i32.xor (local.get $n5) (i32.const 5)) (i32.const 0x85ebca6b)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                (local.set $cnt (i32.add (local.get $cnt) (i32.const 3))))
              (else
                (if (i32.ge_u (local.get $seen) (i32.const 3))
                  (then
                    (local.set $h (i32.mul (i32.xor (local.get $n3) (i32.const 3)) (i32.const 0x85ebca6b)))
                    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                    (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                    (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))
                (if (i32.ge_u (local.get $seen) (i32.const 4))
                  (then
                    (local.set $h (i32.mul (i32.xor (local.get $n4) (i32.const 4)) (i32.const 0x85ebca6b)))
                    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
                    (local.set $sum (i32.add (local.get $sum) (i32.load8_s (i32.add (local.get $ta) (i32.and (local.get $h) (local.get $mask))))))
                    (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))))
            (br $chars)))
        ;; a full block within the limit records the sums so far
        (if (i32.and
              (i32.eq (i32.sub (local.get $blockEnd) (local.get $bs)) (i32.shl (local.get $step) (i32.const 1)))
              (i32.le_u (local.get $blockEnd) (local.get $lim)))
          (then
            (i32.store (local.get $rec) (local.get $sum))
            (i32.store offset=4 (local.get $rec) (local.get $cnt))
            (local.set $rec (i32.add (local.get $rec) (i32.const 8)))))
        (br $blocks)))
    (global.set $h1 (local.get $h1))
    (global.set $h2 (local.get $h2))
    (global.set $h3 (local.get $h3))
    (global.set $h4 (local.get $h4))
    (global.set $seen (local.get $seen))
    (global.set $prevSpace (local.get $ps))
    (global.set $word (local.get $word))
    (global.set $len (local.get $wl))
    (global.set $prev (local.get $prev))
    (global.set $hasPrev (local.get $hp))
    (global.set $sumOut (local.get $sum))
    (global.set $countOut (local.get $cnt)))
)
