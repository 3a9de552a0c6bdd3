//! Delimited text as exports arrive: UTF-8 with or without a byte-order mark, UTF-16 with one
//! (Excel's "Unicode text"), or the legacy Windows-1258; comma, semicolon or tab separated.

use std::fmt;
use std::str::FromStr;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1258};
use unicode_normalization::UnicodeNormalization;

/// How the bytes of a text file are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// A byte-order mark decides; without one, UTF-8 when the bytes are valid UTF-8, else
    /// Windows-1258.
    #[default]
    Auto,
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1258,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Auto => "auto",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1258 => "windows-1258",
        }
    }

    fn encoding(self) -> Option<&'static Encoding> {
        match self {
            TextEncoding::Auto => None,
            TextEncoding::Utf8 => Some(UTF_8),
            TextEncoding::Utf16Le => Some(UTF_16LE),
            TextEncoding::Utf16Be => Some(UTF_16BE),
            TextEncoding::Windows1258 => Some(WINDOWS_1258),
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TextEncoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(TextEncoding::Auto),
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            "utf-16le" | "utf16le" | "utf-16" | "utf16" => Ok(TextEncoding::Utf16Le),
            "utf-16be" | "utf16be" => Ok(TextEncoding::Utf16Be),
            "windows-1258" | "cp1258" | "1258" => Ok(TextEncoding::Windows1258),
            other => Err(format!(
                "unknown encoding `{other}` (expected auto, utf-8, utf-16le, utf-16be or windows-1258)"
            )),
        }
    }
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A byte not valid in the encoding used (forced, or UTF-8 found by its valid characters):
    /// its 1-based line and 0-based byte offset in the file.
    Invalid {
        encoding: TextEncoding,
        line: usize,
        offset: usize,
    },
    /// No byte-order mark, not UTF-8, and nothing Vietnamese in Windows-1258 either.
    Unknown { line: usize, offset: usize },
    /// UTF-16 without a byte-order mark (every other byte NUL): the encoding to name.
    Utf16(TextEncoding),
}

/// UTF-16 without a byte-order mark, told by its NUL bytes: in text that is mostly ASCII, one
/// byte of each pair is 0 (the high byte: the second in little-endian, the first in big-endian).
pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    if zeros(1) * 2 > pairs {
        Some(TextEncoding::Utf16Le)
    } else if zeros(0) * 2 > pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Decodes `bytes` to NFC text and says which encoding was used.
///
/// Detection (`Auto`, no byte-order mark) picks Windows-1258 only on evidence for it: bytes
/// that are not UTF-8 yet hold Vietnamese letters or tone marks of that code page, and no
/// valid UTF-8 character outside ASCII. A file that is UTF-8 but for a few bytes (one bad byte
/// in a register of Vietnamese subjects) is an error at the first bad byte, not a file of
/// mojibake.
pub(crate) fn decode_text(
    bytes: &[u8],
    wanted: TextEncoding,
) -> Result<(String, TextEncoding), DecodeError> {
    // `checked`: the body as text, when sniffing found it UTF-8.
    let (encoding, body, checked) = match wanted.encoding() {
        Some(e) => {
            // A byte-order mark of the forced encoding is not text.
            let body = match Encoding::for_bom(bytes) {
                Some((bom, len)) if bom == e => &bytes[len..],
                _ => bytes,
            };
            (wanted, body, None)
        }
        None => match Encoding::for_bom(bytes) {
            Some((e, len)) if e == UTF_8 => (TextEncoding::Utf8, &bytes[len..], None),
            Some((e, len)) if e == UTF_16LE => (TextEncoding::Utf16Le, &bytes[len..], None),
            Some((_, len)) => (TextEncoding::Utf16Be, &bytes[len..], None),
            None => match (simdutf8::basic::from_utf8(bytes), utf16_without_bom(bytes)) {
                (_, Some(utf16)) => return Err(DecodeError::Utf16(utf16)),
                (Ok(text), None) => (TextEncoding::Utf8, bytes, Some(text)),
                (Err(_), None) => (sniff_legacy(bytes)?, bytes, None),
            },
        },
    };
    let Some(codec) = encoding.encoding() else {
        return Err(DecodeError::Unknown { line: 1, offset: 0 });
    };
    // UTF-8 checked with SIMD (once) is taken as it is; the codec would check it again.
    let checked = checked.or_else(|| {
        (encoding == TextEncoding::Utf8)
            .then(|| simdutf8::basic::from_utf8(body).ok())
            .flatten()
    });
    let (text, had_errors) = match checked {
        Some(text) => (std::borrow::Cow::Borrowed(text), false),
        None => codec.decode_without_bom_handling(body),
    };
    if had_errors {
        let (line, offset) = match encoding {
            TextEncoding::Utf8 => first_invalid_utf8(body),
            _ => {
                let line = text
                    .find('\u{FFFD}')
                    .map_or(1, |at| text[..at].matches('\n').count() + 1);
                (line, 0)
            }
        };
        let offset = offset + (bytes.len() - body.len());
        return Err(DecodeError::Invalid {
            encoding,
            line,
            offset,
        });
    }
    // Most exports are already NFC (dossier tables are often pure ASCII): normalising them would
    // rebuild the whole text character by character for nothing.
    let normalized = is_nfc(&text);
    if normalized {
        return Ok((text.into_owned(), encoding));
    }
    Ok((text.nfc().collect(), encoding))
}

/// The encoding of bytes without a byte-order mark that are not UTF-8: Windows-1258 when they
/// read as Vietnamese in it and hold no valid UTF-8 character outside ASCII; else the error at
/// the first byte that is not UTF-8 (found only then: a real Windows-1258 export needs no
/// third pass over its bytes).
fn sniff_legacy(bytes: &[u8]) -> Result<TextEncoding, DecodeError> {
    let utf8_letters = bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
    if utf8_letters {
        let (line, offset) = first_invalid_utf8(bytes);
        return Err(DecodeError::Invalid {
            encoding: TextEncoding::Utf8,
            line,
            offset,
        });
    }
    // Letters and tone marks that Vietnamese text in Windows-1258 is made of: Ă â Ê Ô Ơ Ư Đ
    // (either case) and the five combining tone marks.
    let vietnamese = bytes.iter().any(|b| {
        matches!(
            b,
            0xC3 | 0xE3
                | 0xC2
                | 0xE2
                | 0xCA
                | 0xEA
                | 0xD4
                | 0xF4
                | 0xD5
                | 0xF5
                | 0xDD
                | 0xFD
                | 0xD0
                | 0xF0
                | 0xCC
                | 0xEC
                | 0xD2
                | 0xDE
                | 0xF2
        )
    });
    if vietnamese {
        Ok(TextEncoding::Windows1258)
    } else {
        let (line, offset) = first_invalid_utf8(bytes);
        Err(DecodeError::Unknown { line, offset })
    }
}

/// The 1-based line and 0-based byte offset of the first byte that is not UTF-8.
fn first_invalid_utf8(bytes: &[u8]) -> (usize, usize) {
    let offset = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    (line, offset)
}

/// Whether `text` is surely in NFC, cheaply: a byte scan passes ASCII, the letters below
/// U+0300 and Vietnamese precomposed letters (U+1E00–U+1EFF), none of which NFC changes; any
/// other character is left to the full quick check.
pub(crate) fn is_nfc(text: &str) -> bool {
    if all_ascii(text.as_bytes()) {
        return true;
    }
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // What the match below passes, 32 bytes at once (vectorised, the next byte in view for
        // 0xE1): bytes below 0xCC (ASCII, letters below U+0300, continuation bytes) and the
        // leads of U+1E00–U+1EFF. Else on to the first byte that is neither.
        if let Some(view) = b.get(i..i + 33) {
            let mut other = false;
            for (&c, &next) in view.iter().zip(&view[1..]) {
                other |= (c >= 0xCC) & ((c != 0xE1) | (next.wrapping_sub(0xB8) >= 4));
            }
            if !other {
                i += 32;
                continue;
            }
            i += view[..32].iter().position(|&c| c >= 0xCC).unwrap_or(0);
        }
        match b[i] {
            0..=0xCB => i += 1,
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => i += 3,
            _ => {
                let rest = text.get(i..).unwrap_or_default();
                let Some(c) = rest.chars().next() else {
                    return false;
                };
                // A starter NFC keeps (a dash, a quotation mark) changes nothing around it:
                // the scan goes on. Anything else is checked with what follows.
                if unicode_normalization::char::canonical_combining_class(c) == 0
                    && unicode_normalization::is_nfc_quick(std::iter::once(c))
                        == unicode_normalization::IsNormalized::Yes
                {
                    i += c.len_utf8();
                    continue;
                }
                return unicode_normalization::is_nfc_quick(rest.chars())
                    == unicode_normalization::IsNormalized::Yes;
            }
        }
    }
    true
}

/// Whether every byte is ASCII: 32 bytes at a time, OR-ed as words (a block of an export is
/// checked before anything else reads it; `<[u8]>::is_ascii` takes a word at a time).
fn all_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |w: &[u8]| {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        u64::from_le_bytes(b)
    };
    let mut chunks = bytes.chunks_exact(32);
    for c in &mut chunks {
        let any = word(&c[..8]) | word(&c[8..16]) | word(&c[16..24]) | word(&c[24..]);
        if any & HIGH != 0 {
            return false;
        }
    }
    chunks.remainder().is_ascii()
}

/// The field separator of a delimited file, read from its first line: the most frequent of tab,
/// semicolon and comma outside quotes (comma when none appears).
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            '\t' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            ',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i)).unwrap_or(2);
    if counts[best] == 0 {
        return b',';
    }
    [b'\t', b';', b','][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_encoding() {
        let (t, e) = decode_text("\u{feff}Ngày".as_bytes(), TextEncoding::Auto).unwrap_or_default();
        assert_eq!((t.as_str(), e), ("Ngày", TextEncoding::Utf8));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Ngày".encode_utf16().flat_map(u16::to_le_bytes));
        let (t, e) = decode_text(&utf16, TextEncoding::Auto).unwrap_or_default();
        assert_eq!((t.as_str(), e), ("Ngày", TextEncoding::Utf16Le));
        // "Ngày" in Windows-1258: a, then the combining grave accent 0xCC, recomposed to NFC.
        let (t, e) = decode_text(b"Nga\xCCy", TextEncoding::Auto).unwrap_or_default();
        assert_eq!((t.as_str(), e), ("Ngày", TextEncoding::Windows1258));
        assert_eq!(
            decode_text(b"\xff\xff", TextEncoding::Utf8).map(|_| ()),
            Err(DecodeError::Invalid {
                encoding: TextEncoding::Utf8,
                line: 1,
                offset: 0
            })
        );
    }

    #[test]
    fn a_utf8_file_with_one_bad_byte_is_an_error_not_windows_1258() {
        // A lone 0xC3 (the lead of "Ã" in UTF-8) in the third line of Vietnamese UTF-8.
        let head = "so_ky_hieu,trich_yeu\n1/KH,Kế hoạch cải cách\n2/KH,Báo c";
        let mut bytes = head.as_bytes().to_vec();
        bytes.push(0xC3);
        bytes.extend_from_slice(" cáo\n".as_bytes());
        assert_eq!(
            decode_text(&bytes, TextEncoding::Auto).map(|_| ()),
            Err(DecodeError::Invalid {
                encoding: TextEncoding::Utf8,
                line: 3,
                offset: head.len()
            })
        );
        // Plain ASCII with a stray byte that is no Vietnamese letter: unknown, not guessed.
        assert!(matches!(
            decode_text(b"a,b\n1,\x81\n", TextEncoding::Auto),
            Err(DecodeError::Unknown { line: 2, offset: 6 })
        ));
        // Real Windows-1258 is still found.
        let (t, e) =
            decode_text(b"Nga\xCCy,\xD0\xF5n v\xEF\n", TextEncoding::Auto).unwrap_or_default();
        assert_eq!(e, TextEncoding::Windows1258, "{t}");
    }

    #[test]
    fn is_nfc_answers_as_the_full_check_does() {
        use unicode_normalization::UnicodeNormalization;
        // Starters NFC keeps (a dash, quotation marks, CJK), letters it composes with a
        // following mark, marks out of order, Hangul jamo that compose, a lone mark.
        let texts = [
            "Kế hoạch – năm 2026 “CCHC” 漢字",
            "Kế hoạch – a\u{301} sau",
            "– e\u{302}\u{301}",
            "x\u{323}\u{302} – ",
            "x\u{302}\u{323}",
            "\u{1100}\u{1161} – ",
            "\u{301}",
            "plain text longer than thirty-two bytes, then a mark: e\u{301}",
            "Báo cáo tình hình thực hiện kế hoạch cải cách hành chính a\u{300}",
            "Ông bà ơi, đây là một dòng dài hơn ba mươi hai byte – không dấu rời",
            "Å Ω K – \u{212B} \u{2126}",
            "",
        ];
        // A mark whose lead byte is 0xE1 (U+1DC4) or a dash at every place of a 32-byte view,
        // after Vietnamese letters of U+1E00–U+1EFF.
        let mut texts: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        for at in 0..40 {
            for tail in ["a\u{1DC4}", "\u{1F71}", "–", "ệ\u{301}", "ệ"] {
                let head = "ế".repeat(at / 3);
                texts.push(format!("{head}{}{tail} và", "a".repeat(at % 3)));
            }
        }
        for text in &texts {
            let text = text.as_str();
            let nfc = text.nfc().collect::<String>() == text;
            assert!(!is_nfc(text) || nfc, "{text:?} said NFC");
            let quick = unicode_normalization::is_nfc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes;
            assert_eq!(is_nfc(text), quick, "{text:?}");
        }
    }

    #[test]
    fn sniffs_the_delimiter() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a\tb\t\"x,y\""), b'\t');
        assert_eq!(sniff_delimiter("single"), b',');
    }
}
