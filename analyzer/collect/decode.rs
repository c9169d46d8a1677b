//! Turns a script file's bytes into text the way SSMS and sqlcmd read them:
//! UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and otherwise
//! Windows-1252. Nothing is replaced silently: bytes that fit none of these
//! are an error naming the offset.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("binary content: NUL byte at offset {offset}")]
    Binary { offset: usize },
    #[error("UTF-16 text with an odd number of bytes ({len})")]
    OddUtf16Length { len: usize },
    #[error("invalid UTF-16: unpaired surrogate 0x{unit:04X} at byte offset {offset}")]
    LoneSurrogate { unit: u16, offset: usize },
    #[error("invalid UTF-8 after a UTF-8 byte order mark, at byte offset {offset}")]
    InvalidUtf8AfterBom { offset: usize },
}

/// How a file was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// Decodes a script file, reusing its buffer when it already is UTF-8.
pub fn decode(mut bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        return String::from_utf8(bytes)
            .map(|text| (text, Encoding::Utf8Bom))
            .map_err(|error| DecodeError::InvalidUtf8AfterBom {
                offset: error.utf8_error().valid_up_to() + 3,
            });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes).map(|text| (text, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes).map(|text| (text, Encoding::Utf16Be));
    }
    // A NUL never appears in a text script without a UTF-16 BOM.
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(DecodeError::Binary { offset });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Encoding::Utf8)),
        Err(error) => Ok((decode_windows_1252(error.as_bytes()), Encoding::Windows1252)),
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        // Count the BOM too: that is the length the user sees.
        return Err(DecodeError::OddUtf16Length {
            len: bytes.len() + 2,
        });
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    // Byte offset of the next unit, counting the BOM.
    let mut offset = 2;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(ch) => {
                text.push(ch);
                offset += ch.len_utf16() * 2;
            }
            Err(error) => {
                return Err(DecodeError::LoneSurrogate {
                    unit: error.unpaired_surrogate(),
                    offset,
                });
            }
        }
    }
    Ok(text)
}

/// Windows-1252, with the five undefined bytes mapped to the C1 controls of
/// the same value (as the WHATWG Encoding Standard does), so every byte keeps
/// a distinct character.
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    bytes
        .iter()
        .map(|&byte| match byte {
            0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
            _ => char::from(byte),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode(b"SELECT 1".to_vec()).unwrap(),
            ("SELECT 1".into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFSELECT 1".to_vec()).unwrap(),
            ("SELECT 1".into(), Encoding::Utf8Bom)
        );
    }

    #[test]
    fn utf16_both_orders() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("GO é".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("GO é".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(
            decode(le.to_vec()).unwrap(),
            ("GO é".into(), Encoding::Utf16Le)
        );
        assert_eq!(
            decode(be.to_vec()).unwrap(),
            ("GO é".into(), Encoding::Utf16Be)
        );
    }

    #[test]
    fn utf16_errors_name_the_problem() {
        assert_eq!(
            decode(vec![0xFF, 0xFE, 0x41]),
            Err(DecodeError::OddUtf16Length { len: 3 })
        );
        // 'A' then a lone high surrogate then 'B'.
        let bytes = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x42, 0x00];
        assert_eq!(
            decode(bytes.to_vec()),
            Err(DecodeError::LoneSurrogate {
                unit: 0xD800,
                offset: 4
            })
        );
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        let (text, encoding) = decode(b"-- caf\xE9 \x80 \x81".to_vec()).unwrap();
        assert_eq!(encoding, Encoding::Windows1252);
        assert_eq!(text, "-- café € \u{81}");
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(
            decode(b"MZ\x90\x00\x03".to_vec()),
            Err(DecodeError::Binary { offset: 3 })
        );
    }
}
