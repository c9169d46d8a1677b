//! Bit masks over 64-byte blocks of a script: which bytes continue a word,
//! which are digits, which may act in code. The splitter finds its next
//! decision (a word's first byte, a punctuation mark that acts) from them,
//! passing over blanks, numbers and inert punctuation 64 bytes at a time
//! instead of deciding byte by byte (perf, issue 14: the byte-by-byte loop
//! was most of a scan, and most of its time went to mispredicted branches).
//!
//! On x86-64 the masks come from SSE2 (every x86-64 processor has it),
//! through `safe_arch`'s safe wrappers; elsewhere from the portable twin,
//! which the tests hold the SSE2 version to, byte value by byte value.

/// The bytes of one block, bit n for byte n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct BlockMasks {
    /// Continues a word (`is_word_byte`).
    pub word: u64,
    /// `0`–`9`: a word-byte run that starts with one is a number.
    pub digit: u64,
    /// Always needs a look in code (`ALWAYS_ACTS`).
    pub acts: u64,
    /// `,` `(` `)`: they act only while dynamic SQL is being followed (and
    /// parentheses are counted); passed over otherwise.
    pub comma: u64,
    pub open: u64,
    pub close: u64,
    /// `'`: a string literal that opens and closes in the block can be
    /// passed over from the masks.
    pub quote: u64,
}

pub(crate) const BLOCK: usize = 64;

/// Whether a byte continues a word: a letter, a digit, `_`, `@`, `#`, `$`,
/// or any byte of a non-ASCII character.
pub(crate) fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

/// `is_word_byte` as one look-up (the splitter asks it of the bytes it
/// does not pass over with the masks).
const WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0usize;
    while byte < 256 {
        let b = byte as u8;
        table[byte] =
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'#' | b'$') || b >= 0x80;
        byte += 1;
    }
    table
};

/// The bytes that always need a look in code: what starts a comment, a
/// string or a delimited name, a name's dot, `;`, `$(`, the `*=` and `=*`
/// joins and DECLARE's `=`, and the first bytes of SQLCMD lines (`:` and
/// `!`; `GO` starts a word).
pub(crate) const ALWAYS_ACTS: &[u8] = b"'\"[.;$:!-/*=";

/// The masks of a block; bytes past the text are given as 0 (no class).
/// Inlined: returned through memory, the six masks were read back before
/// their stores had landed (a store-forwarding stall per block).
#[inline]
pub(crate) fn block_masks(block: &[u8; BLOCK]) -> BlockMasks {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::block_masks(block)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable_block_masks(block)
    }
}

/// The masks byte by byte: the reference the SSE2 version is tested
/// against, and the version other processors use.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn portable_block_masks(block: &[u8; BLOCK]) -> BlockMasks {
    let mut masks = BlockMasks::default();
    for (bit, &byte) in block.iter().enumerate() {
        masks.word |= u64::from(is_word_byte(byte)) << bit;
        masks.digit |= u64::from(byte.is_ascii_digit()) << bit;
        masks.acts |= u64::from(ALWAYS_ACTS.contains(&byte)) << bit;
        masks.comma |= u64::from(byte == b',') << bit;
        masks.open |= u64::from(byte == b'(') << bit;
        masks.close |= u64::from(byte == b')') << bit;
        masks.quote |= u64::from(byte == b'\'') << bit;
    }
    masks
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::{ALWAYS_ACTS, BLOCK, BlockMasks};
    use safe_arch::{
        bitand_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, cmp_gt_mask_i8_m128i,
        cmp_lt_mask_i8_m128i, m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };

    fn splat(byte: u8) -> m128i {
        set_splat_i8_m128i(i8::from_ne_bytes([byte]))
    }

    /// Lanes strictly between `low` and `high` (signed compares: a byte
    /// of 0x80 or more is negative, below every ASCII bound used here).
    fn between(lanes: m128i, low: u8, high: u8) -> m128i {
        bitand_m128i(
            cmp_gt_mask_i8_m128i(lanes, splat(low)),
            cmp_lt_mask_i8_m128i(lanes, splat(high)),
        )
    }

    fn equal(lanes: m128i, byte: u8) -> m128i {
        cmp_eq_mask_i8_m128i(lanes, splat(byte))
    }

    fn bits(mask: m128i) -> u64 {
        // The sign bit of each of the 16 lanes: 16 bits, never negative.
        u64::from(move_mask_i8_m128i(mask).unsigned_abs())
    }

    /// The masks of 16 bytes, in the low 16 bits of each field.
    #[inline(always)]
    fn lanes_masks(chunk: [u8; 16]) -> BlockMasks {
        let lanes = m128i::from(chunk);
        let non_ascii = cmp_lt_mask_i8_m128i(lanes, splat(0));
        // OR 0x20 folds A–Z onto a–z; `@`, `[`, `_` … fold outside it.
        let letter = between(bitor_m128i(lanes, splat(0x20)), b'a' - 1, b'z' + 1);
        let digit = between(lanes, b'0' - 1, b'9' + 1);
        let mut word = bitor_m128i(bitor_m128i(non_ascii, letter), digit);
        for extra in [b'_', b'@', b'#', b'$'] {
            word = bitor_m128i(word, equal(lanes, extra));
        }
        let mut acts = equal(lanes, ALWAYS_ACTS[0]);
        for &byte in &ALWAYS_ACTS[1..] {
            acts = bitor_m128i(acts, equal(lanes, byte));
        }
        BlockMasks {
            word: bits(word),
            digit: bits(digit),
            acts: bits(acts),
            comma: bits(equal(lanes, b',')),
            open: bits(equal(lanes, b'(')),
            close: bits(equal(lanes, b')')),
            quote: bits(equal(lanes, b'\'')),
        }
    }

    // Always inlined: returned through memory, its masks were stored eight
    // bytes at a time and read back sixteen at a time, a stall per block
    // (perf, issue 14).
    #[inline(always)]
    pub(super) fn block_masks(block: &[u8; BLOCK]) -> BlockMasks {
        let mut masks = BlockMasks::default();
        for (index, chunk) in block.chunks_exact(16).enumerate() {
            let mut lanes = [0u8; 16];
            lanes.copy_from_slice(chunk);
            let part = lanes_masks(lanes);
            let shift = index * 16;
            masks.word |= part.word << shift;
            masks.digit |= part.digit << shift;
            masks.acts |= part.acts << shift;
            masks.comma |= part.comma << shift;
            masks.open |= part.open << shift;
            masks.close |= part.close << shift;
            masks.quote |= part.quote << shift;
        }
        masks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position of a block gives the portable
    /// masks, with neighbours of every kind around it.
    #[test]
    fn sse2_masks_equal_the_portable_ones_for_every_byte_value() {
        for value in 0..=255u8 {
            for position in 0..BLOCK {
                let mut block = [0u8; BLOCK];
                for (index, byte) in block.iter_mut().enumerate() {
                    // Neighbours cycle through every value too.
                    *byte = u8::try_from((index * 37 + usize::from(value)) % 256).unwrap_or(0);
                }
                block[position] = value;
                assert_eq!(
                    block_masks(&block),
                    portable_block_masks(&block),
                    "byte 0x{value:02x} at {position}"
                );
            }
        }
    }

    /// The classes, byte by byte, as the splitter needs them: a word goes
    /// on through digits, `$` and non-ASCII bytes; every mark it always acts
    /// on is flagged; `,` `(` `)` have masks of their own.
    #[test]
    fn the_classes_are_the_splitters() {
        // (byte, continues a word, digit, may act)
        let expected: &[(u8, bool, bool, bool)] = &[
            (b'a', true, false, false),
            (b'Z', true, false, false),
            (b'0', true, true, false),
            (b'9', true, true, false),
            (b'_', true, false, false),
            (b'@', true, false, false),
            (b'#', true, false, false),
            (b'$', true, false, true),
            (0xC3, true, false, false),
            (0x80, true, false, false),
            (0xFF, true, false, false),
            (b' ', false, false, false),
            (b'\t', false, false, false),
            (b'\r', false, false, false),
            (b'\n', false, false, false),
            (0, false, false, false),
            (0x7F, false, false, false),
            (b'-', false, false, true),
            (b'/', false, false, true),
            (b'*', false, false, true),
            (b'\'', false, false, true),
            (b'"', false, false, true),
            (b'[', false, false, true),
            (b']', false, false, false),
            (b'.', false, false, true),
            (b'=', false, false, true),
            (b'(', false, false, false),
            (b')', false, false, false),
            (b',', false, false, false),
            (b';', false, false, true),
            (b'+', false, false, false),
            (b'!', false, false, true),
            (b':', false, false, true),
            (b'<', false, false, false),
            (b'`', false, false, false),
            (b'{', false, false, false),
            (b'^', false, false, false),
        ];
        for (byte, mask) in [(b',', 0), (b'(', 1), (b')', 2)] {
            let mut block = [b' '; BLOCK];
            block[7] = byte;
            let masks = block_masks(&block);
            let own = [masks.comma, masks.open, masks.close];
            for (index, bits) in own.iter().enumerate() {
                assert_eq!(
                    *bits,
                    if index == mask { 1 << 7 } else { 0 },
                    "{}",
                    byte as char
                );
            }
        }
        for &(byte, word, digit, acts) in expected {
            let mut block = [b' '; BLOCK];
            block[5] = byte;
            let masks = block_masks(&block);
            let bit = |mask: u64| mask >> 5 & 1 == 1;
            assert_eq!(
                (bit(masks.word), bit(masks.digit), bit(masks.acts)),
                (word, digit, acts),
                "byte 0x{byte:02x}"
            );
        }
    }
}
