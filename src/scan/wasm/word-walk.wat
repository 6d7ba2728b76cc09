;; The word walk of src/scan/features.ts (walkWordTables) as a WebAssembly
;; kernel: word unigram and bigram hashes summed over one or two Int8 weight
;; tables, cumulative sums recorded at every `step` characters, and words whose
;; hash is in the anchor bitmap reported as (start, hash) pairs, words with
;; letters from U+0080 up as (~start, length); optionally also the places
;; where a keyword trigram of the secret scanner ends (secrets.ts,
;; KeywordScanner), whose own pass this saves; and `runs` finds decode.ts's
;; candidate runs (base64 alphabet, spaced hex) in the chunk the walk just
;; read, in place of decode's own JavaScript pass. It walks one chunk of UTF-16
;; text per call; the open word and the previous word carry over in globals,
;; so a text cut into step-aligned chunks walks exactly as in one piece.
;; features.ts is the reference: test/scan/wasm-walks.test.ts holds the
;; two to the same results. Build: npm run build:wasm.
;;
;; Memory (laid out by src/scan/wasm/word-walk.ts):
;;   0        WORDCH, 65536 x u16: the folded word character, 0 for a separator
;;   131072   anchor bitmap, 65536 bits
;;   139264   trigram fold, 65536 x u8: ASCII lowercased, 0 for the rest
;;   204800   trigram bitmap, 2^21 bits
;;   466944   run classes, 65536 x u8 (decode.ts, CLS: bit 1 base64, bit 2 spaced hex)
;;   $ta, $tb weight tables (Int8, 2^bits each; $tb = $ta when there is one)
;;   $txt     the chunk, $len UTF-16 units
;;   $rec     per full block: (sum a, sum b, count) as i32, from the call's start
;;   $out     probe pairs
(module
  (memory (export "memory") 4)
  (global $word (export "word") (mut i32) (i32.const 0))
  (global $len (export "wordLen") (mut i32) (i32.const 0))
  (global $wide (export "wide") (mut i32) (i32.const 0))
  (global $prev (export "prevWord") (mut i32) (i32.const 0))
  (global $hasPrev (export "havePrev") (mut i32) (i32.const 0))
  (global $sumA (export "sumA") (mut i32) (i32.const 0))
  (global $sumB (export "sumB") (mut i32) (i32.const 0))
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $tri (export "trigram") (mut i32) (i32.const 0))
  (global $triCount (export "trigramCount") (mut i32) (i32.const 0))
  (global $runPrefix (export "runPrefix") (mut i32) (i32.const 0))
  (global $runSuffix (export "runSuffix") (mut i32) (i32.const 0))

  (func (export "reset")
    (global.set $word (i32.const 0))
    (global.set $len (i32.const 0))
    (global.set $wide (i32.const 0))
    (global.set $prev (i32.const 0))
    (global.set $hasPrev (i32.const 0))
    (global.set $tri (i32.const 0)))

  ;; Walks $n units at $txt (text index $base). Returns the number of probe
  ;; pairs written at $out; the chunk's sums are left in sumA, sumB, count.
  ;; With $triOut, writes the text index of every unit that ends a trigram in
  ;; the trigram bitmap there, and their number in trigramCount.
  (func (export "walk")
    (param $txt i32) (param $n i32) (param $base i32) (param $step i32)
    (param $ta i32) (param $tb i32) (param $mask i32) (param $probe i32)
    (param $rec i32) (param $out i32) (param $triOut i32) (result i32)
    (local $p i32) (local $end i32) (local $bs i32) (local $blockEnd i32) (local $c i32)
    (local $word i32) (local $wl i32) (local $wide i32) (local $prev i32) (local $hp i32)
    (local $h i32) (local $k i32) (local $at i32) (local $o i32)
    (local $sa i32) (local $sb i32) (local $cnt i32) (local $raw i32) (local $t i32) (local $to i32)
    (local.set $t (global.get $tri))
    (local.set $to (local.get $triOut))
    (local.set $word (global.get $word))
    (local.set $wl (global.get $len))
    (local.set $wide (global.get $wide))
    (local.set $prev (global.get $prev))
    (local.set $hp (global.get $hasPrev))
    (local.set $o (local.get $out))
    (local.set $p (local.get $txt))
    (local.set $end (i32.add (local.get $txt) (i32.shl (local.get $n) (i32.const 1))))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $bs (local.get $p))
        (local.set $blockEnd (i32.add (local.get $p) (i32.shl (local.get $step) (i32.const 1))))
        (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        (block $charsDone
          (loop $chars
            (br_if $charsDone (i32.ge_u (local.get $p) (local.get $blockEnd)))
            (local.set $raw (i32.load16_u (local.get $p)))
            (if (local.get $triOut)
              (then
                (local.set $t (i32.and (i32.or (i32.shl (local.get $t) (i32.const 7)) (i32.load8_u offset=139264 (local.get $raw))) (i32.const 0x1fffff)))
                (if (i32.and
                      (i32.load8_u offset=204800 (i32.shr_u (local.get $t) (i32.const 3)))
                      (i32.shl (i32.const 1) (i32.and (local.get $t) (i32.const 7))))
                  (then
                    (i32.store (local.get $to) (i32.add (local.get $base) (i32.shr_u (i32.sub (local.get $p) (local.get $txt)) (i32.const 1))))
                    (local.set $to (i32.add (local.get $to) (i32.const 4)))))))
            (local.set $c (i32.load16_u (i32.shl (local.get $raw) (i32.const 1))))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (if (local.get $c)
              (then
                (local.set $word (i32.mul (i32.xor (local.get $word) (local.get $c)) (i32.const 0x01000193)))
                (local.set $wl (i32.add (local.get $wl) (i32.const 1)))
                (local.set $wide (i32.or (local.get $wide) (local.get $c)))
                (br $chars)))
            (br_if $chars (i32.eqz (local.get $wl)))
            ;; a separator closes the word: unigram
            (local.set $h (i32.mul (i32.xor (local.get $word) (i32.const 0x1001)) (i32.const 0x85ebca6b)))
            (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
            (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
            (local.set $h (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (local.get $mask)))
            (local.set $sa (i32.add (local.get $sa) (i32.load8_s (i32.add (local.get $ta) (local.get $h)))))
            (local.set $sb (i32.add (local.get $sb) (i32.load8_s (i32.add (local.get $tb) (local.get $h)))))
            (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
            ;; bigram with the previous word
            (if (local.get $hp)
              (then
                (local.set $h (i32.mul (i32.xor (i32.xor (i32.mul (local.get $prev) (i32.const 0x9e3779b1)) (local.get $word)) (i32.const 0x2002)) (i32.const 0x85ebca6b)))
                (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
                (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
                (local.set $h (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (local.get $mask)))
                (local.set $sa (i32.add (local.get $sa) (i32.load8_s (i32.add (local.get $ta) (local.get $h)))))
                (local.set $sb (i32.add (local.get $sb) (i32.load8_s (i32.add (local.get $tb) (local.get $h)))))
                (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))
            (if (local.get $probe)
              (then
                ;; text index of the word's first unit: the separator's index minus the length
                (local.set $at (i32.sub
                  (i32.add (local.get $base) (i32.shr_u (i32.sub (i32.sub (local.get $p) (i32.const 2)) (local.get $txt)) (i32.const 1)))
                  (local.get $wl)))
                (if (i32.ge_u (local.get $wide) (i32.const 0x80))
                  (then
                    (i32.store (local.get $o) (i32.xor (local.get $at) (i32.const -1)))
                    (i32.store offset=4 (local.get $o) (local.get $wl))
                    (local.set $o (i32.add (local.get $o) (i32.const 8))))
                  (else
                    (local.set $k (i32.and (i32.xor (local.get $word) (i32.shr_u (local.get $word) (i32.const 16))) (i32.const 0xffff)))
                    (if (i32.and
                          (i32.load8_u offset=131072 (i32.shr_u (local.get $k) (i32.const 3)))
                          (i32.shl (i32.const 1) (i32.and (local.get $k) (i32.const 7))))
                      (then
                        (i32.store (local.get $o) (local.get $at))
                        (i32.store offset=4 (local.get $o) (local.get $word))
                        (local.set $o (i32.add (local.get $o) (i32.const 8)))))))))
            (local.set $prev (local.get $word))
            (local.set $hp (i32.const 1))
            (local.set $word (i32.const 0))
            (local.set $wl (i32.const 0))
            (local.set $wide (i32.const 0))
            (br $chars)))
        ;; a full block records the sums so far
        (if (i32.eq (i32.sub (local.get $blockEnd) (local.get $bs)) (i32.shl (local.get $step) (i32.const 1)))
          (then
            (i32.store (local.get $rec) (local.get $sa))
            (i32.store offset=4 (local.get $rec) (local.get $sb))
            (i32.store offset=8 (local.get $rec) (local.get $cnt))
            (local.set $rec (i32.add (local.get $rec) (i32.const 12)))))
        (br $blocks)))
    (global.set $word (local.get $word))
    (global.set $len (local.get $wl))
    (global.set $wide (local.get $wide))
    (global.set $prev (local.get $prev))
    (global.set $hasPrev (local.get $hp))
    (global.set $sumA (local.get $sa))
    (global.set $sumB (local.get $sb))
    (global.set $count (local.get $cnt))
    (global.set $tri (local.get $t))
    (global.set $triCount (i32.shr_u (i32.sub (local.get $to) (local.get $triOut)) (i32.const 2)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 3)))

  ;; The maximal runs of at least $min units of class $bit (the class table at
  ;; 466944) inside the chunk of $n units at $txt, as (start, end) pairs at
  ;; $out in chunk offsets; returns their number. The chunk's edges end runs:
  ;; the caller joins runs across chunks with runPrefix and runSuffix, the
  ;; lengths of the class runs the chunk starts and ends with. decode.ts's
  ;; runs() is the reference: a window of $min units is read from its right
  ;; end; a unit outside the class there means no run starts at or before it,
  ;; so the window jumps past it, and units already seen inside the class are
  ;; not read again. On prose about a quarter of the units are read.
  (func (export "runs")
    (param $txt i32) (param $n i32) (param $bit i32) (param $min i32) (param $out i32) (result i32)
    (local $i i32) (local $ok i32) (local $j i32) (local $e i32) (local $o i32)
    (local.set $o (local.get $out))
    (local.set $ok (i32.const -1))
    (block $done
      (loop $window
        (br_if $done (i32.gt_s (i32.add (local.get $i) (local.get $min)) (local.get $n)))
        (local.set $j (i32.sub (i32.add (local.get $i) (local.get $min)) (i32.const 1)))
        (block $left
          (loop $back
            (br_if $left (i32.le_s (local.get $j) (local.get $ok)))
            (br_if $left (i32.eqz (i32.and
              (i32.load8_u offset=466944 (i32.load16_u (i32.add (local.get $txt) (i32.shl (local.get $j) (i32.const 1)))))
              (local.get $bit))))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $back)))
        (if (i32.gt_s (local.get $j) (local.get $ok))
          (then
            ;; the unit at $j is outside the class; those after it up to the window's end are inside
            (local.set $ok (i32.sub (i32.add (local.get $i) (local.get $min)) (i32.const 1)))
            (local.set $i (i32.add (local.get $j) (i32.const 1)))
            (br $window)))
        ;; the whole window is inside the class: extend the run to its end
        (local.set $e (i32.add (local.get $i) (local.get $min)))
        (block $right
          (loop $fwd
            (br_if $right (i32.ge_s (local.get $e) (local.get $n)))
            (br_if $right (i32.eqz (i32.and
              (i32.load8_u offset=466944 (i32.load16_u (i32.add (local.get $txt) (i32.shl (local.get $e) (i32.const 1)))))
              (local.get $bit))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $fwd)))
        (i32.store (local.get $o) (local.get $i))
        (i32.store offset=4 (local.get $o) (local.get $e))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (local.set $i (i32.add (local.get $e) (i32.const 1)))
        (local.set $ok (local.get $e))
        (br $window)))
    ;; the class runs at the chunk's two edges
    (local.set $e (i32.const 0))
    (block $p
      (loop $pre
        (br_if $p (i32.ge_u (local.get $e) (local.get $n)))
        (br_if $p (i32.eqz (i32.and
          (i32.load8_u offset=466944 (i32.load16_u (i32.add (local.get $txt) (i32.shl (local.get $e) (i32.const 1)))))
          (local.get $bit))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $pre)))
    (global.set $runPrefix (local.get $e))
    (local.set $j (local.get $n))
    (block $s
      (loop $suf
        (br_if $s (i32.le_s (local.get $j) (local.get $e)))
        (br_if $s (i32.eqz (i32.and
          (i32.load8_u offset=466944 (i32.load16_u (i32.add (local.get $txt) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 1)))))
          (local.get $bit))))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $suf)))
    (global.set $runSuffix (i32.sub (local.get $n) (local.get $j)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 3)))
)
