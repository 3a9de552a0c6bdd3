//! Byte helpers of the hot paths: short texts and hash keys read a word at a time. Below
//! both the query layer (text equality of streamed cells, hashing) and the streaming reader.

/// Up to eight bytes as one little-endian word (missing high bytes zero): eight are loaded at
/// once; fewer as two overlapping loads of their first and last four (or two) bytes, the last
/// shifted to their place (never stored bytewise then loaded as a word).
#[inline]
pub(crate) fn le_word(bytes: &[u8]) -> u64 {
    if let Some(w) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*w);
    }
    let n = bytes.len();
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_le_bytes(*lo), u32::from_le_bytes(*hi));
        return u64::from(lo) | (u64::from(hi) << (8 * (n - 4)));
    }
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<2>(), bytes.last_chunk::<2>()) {
        let (lo, hi) = (u16::from_le_bytes(*lo), u16::from_le_bytes(*hi));
        return u64::from(lo) | (u64::from(hi) << (8 * (n - 2)));
    }
    bytes.first().map_or(0, |&b| u64::from(b))
}

/// `a == b` for the short texts of records (codes, choices): up to 16 bytes compared as two
/// words, not through `memcmp`.
#[inline]
pub(crate) fn same_text(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n <= 8 {
        return le_word(a) == le_word(b);
    }
    if n <= 16 {
        // The first eight bytes and the last eight, overlapping below sixteen.
        return le_word(&a[..8]) == le_word(&b[..8])
            && le_word(&a[n - 8..]) == le_word(&b[n - 8..]);
    }
    a == b
}

#[cfg(test)]
mod tests {
    use super::{le_word, same_text};

    #[test]
    fn le_word_is_the_bytes_little_endian() {
        let bytes: Vec<u8> = (0..12u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(0xA1))
            .collect();
        for n in 0..=bytes.len() {
            let b = &bytes[..n];
            let expected = b
                .iter()
                .take(8)
                .rev()
                .fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
            assert_eq!(le_word(b), expected, "{n} bytes");
        }
    }

    #[test]
    fn same_text_is_equality() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_text(&a, &a.clone()), "{n}");
            assert!(!same_text(&a, &a[..n.saturating_sub(1)]) || n == 0);
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_text(&a, &b), "{n} bytes, differing at {at}");
            }
        }
    }
}
