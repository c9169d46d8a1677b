//! Turns a script file's bytes into text the way SSMS and sqlcmd read them:
//! UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and otherwise
//! Windows-1252. Nothing is replaced silently: bytes that fit none of these
//! are an error naming the offset.

use std::borrow::Cow;

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
pub fn decode(bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    let encoding = match decode_slice(&bytes)? {
        (Cow::Owned(text), encoding) => return Ok((text, encoding)),
        (Cow::Borrowed(_), encoding) => encoding,
    };
    // Valid UTF-8 (after its BOM, if any): the buffer becomes the text.
    let mut bytes = bytes;
    let bom = if encoding == Encoding::Utf8Bom { 3 } else { 0 };
    bytes.drain(..bom);
    String::from_utf8(bytes)
        .map(|text| (text, encoding))
        .map_err(|error| DecodeError::InvalidUtf8AfterBom {
            offset: error.utf8_error().valid_up_to() + bom,
        })
}

/// Decodes a script file's bytes where they are: UTF-8 text is borrowed
/// (the scanner reads each file into a buffer its thread keeps), other
/// encodings are converted.
pub fn decode_slice(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|text| (Cow::Borrowed(text), Encoding::Utf8Bom))
            .map_err(|error| DecodeError::InvalidUtf8AfterBom {
                offset: error.valid_up_to() + 3,
            });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes)
            .map(|text| (Cow::Owned(text), Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes)
            .map(|text| (Cow::Owned(text), Encoding::Utf16Be));
    }
    // A NUL never appears in a text script without a UTF-16 BOM.
    if let Some(offset) = memchr_nul(bytes) {
        return Err(DecodeError::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), Encoding::Utf8)),
        Err(_) => Ok((
            Cow::Owned(decode_windows_1252(bytes)),
            Encoding::Windows1252,
        )),
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

/// The Windows-1252 character of one byte (see `decode_windows_1252`).
fn windows_1252_char(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// A reader that turns a file written by Windows tools into UTF-8 as it is
/// read, for inputs too large to hold whole (inventories): UTF-16 LE/BE
/// after their byte order mark (`sqlcmd -u`, PowerShell 5.1 `>`), UTF-8
/// with or without BOM (`Out-File -Encoding utf8`), and otherwise
/// Windows-1252 (`sqlcmd -o` in the ANSI code page): a byte that does not
/// start a valid UTF-8 sequence is read as Windows-1252.
pub struct DecodingReader<R> {
    inner: R,
    kind: Encoding,
    /// Decoded bytes not yet handed out.
    pending: Vec<u8>,
    at: usize,
    /// Raw bytes read but not decoded yet (a split sequence).
    carry: Vec<u8>,
    done: bool,
}

impl<R: std::io::Read> DecodingReader<R> {
    /// Looks at the first bytes for a byte order mark.
    pub fn new(mut inner: R) -> std::io::Result<Self> {
        let mut head = Vec::with_capacity(3);
        let mut byte = [0u8; 1];
        while head.len() < 3 {
            if inner.read(&mut byte)? == 0 {
                break;
            }
            head.push(byte[0]);
            if head.len() == 2 && (head == [0xFF, 0xFE] || head == [0xFE, 0xFF]) {
                break;
            }
        }
        let (kind, carry) = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            (Encoding::Utf8Bom, Vec::new())
        } else if head == [0xFF, 0xFE] {
            (Encoding::Utf16Le, Vec::new())
        } else if head == [0xFE, 0xFF] {
            (Encoding::Utf16Be, Vec::new())
        } else {
            (Encoding::Utf8, head)
        };
        Ok(DecodingReader {
            inner,
            kind,
            pending: Vec::new(),
            at: 0,
            carry,
            done: false,
        })
    }

    /// The encoding found (Utf8 also stands for the Windows-1252 fallback).
    pub fn encoding(&self) -> Encoding {
        self.kind
    }

    /// Decodes `self.carry` into `self.pending`, keeping an incomplete
    /// sequence at the end unless the input ended.
    fn decode_carry(&mut self) {
        let bytes = std::mem::take(&mut self.carry);
        let mut out = Vec::with_capacity(bytes.len() + 8);
        let mut i = 0;
        match self.kind {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let unit = |pair: [u8; 2]| match self.kind {
                    Encoding::Utf16Le => u16::from_le_bytes(pair),
                    _ => u16::from_be_bytes(pair),
                };
                while i + 1 < bytes.len() {
                    let first = unit([bytes[i], bytes[i + 1]]);
                    if (0xD800..0xDC00).contains(&first) {
                        if i + 3 >= bytes.len() && !self.done {
                            break;
                        }
                        let second = bytes
                            .get(i + 2..i + 4)
                            .map(|pair| unit([pair[0], pair[1]]))
                            .unwrap_or(0);
                        let decoded = char::decode_utf16([first, second])
                            .next()
                            .and_then(Result::ok)
                            .unwrap_or(char::REPLACEMENT_CHARACTER);
                        let mut buffer = [0u8; 4];
                        out.extend_from_slice(decoded.encode_utf8(&mut buffer).as_bytes());
                        i += if decoded == char::REPLACEMENT_CHARACTER {
                            2
                        } else {
                            4
                        };
                        continue;
                    }
                    let decoded =
                        char::from_u32(u32::from(first)).unwrap_or(char::REPLACEMENT_CHARACTER);
                    let mut buffer = [0u8; 4];
                    out.extend_from_slice(decoded.encode_utf8(&mut buffer).as_bytes());
                    i += 2;
                }
            }
            _ => {
                while i < bytes.len() {
                    let byte = bytes[i];
                    let width = match byte {
                        0x00..=0x7F => 1,
                        0xC2..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        0xF0..=0xF4 => 4,
                        _ => 0,
                    };
                    if width == 1 {
                        out.push(byte);
                        i += 1;
                        continue;
                    }
                    if width > 1 && i + width > bytes.len() && !self.done {
                        break; // wait for the rest of the sequence
                    }
                    let valid = width > 1
                        && bytes
                            .get(i..i + width)
                            .is_some_and(|sequence| std::str::from_utf8(sequence).is_ok());
                    if valid {
                        out.extend_from_slice(&bytes[i..i + width]);
                        i += width;
                    } else {
                        let mut buffer = [0u8; 4];
                        out.extend_from_slice(
                            windows_1252_char(byte).encode_utf8(&mut buffer).as_bytes(),
                        );
                        i += 1;
                    }
                }
            }
        }
        self.carry = bytes[i..].to_vec();
        self.pending = out;
        self.at = 0;
    }
}

impl<R: std::io::Read> std::io::Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.pending.len() {
            if self.done && self.carry.is_empty() {
                return Ok(0);
            }
            if !self.done {
                let mut chunk = [0u8; 1 << 14];
                let read = self.inner.read(&mut chunk)?;
                if read == 0 {
                    self.done = true;
                } else {
                    self.carry.extend_from_slice(&chunk[..read]);
                }
            }
            self.decode_carry();
            if self.done && self.at >= self.pending.len() && !self.carry.is_empty() {
                // An odd trailing byte of UTF-16: nothing more can come.
                self.carry.clear();
            }
        }
        let count = buf.len().min(self.pending.len() - self.at);
        buf[..count].copy_from_slice(&self.pending[self.at..self.at + count]);
        self.at += count;
        Ok(count)
    }
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

    fn read_through(bytes: &[u8], chunk: usize) -> String {
        use std::io::Read;
        // A reader that hands out `chunk` bytes at a time: sequences split
        // across reads must still decode.
        struct Trickle<'b>(&'b [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = DecodingReader::new(Trickle(bytes, chunk)).unwrap();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn the_streaming_reader_decodes_what_windows_tools_write() {
        let text = "{\"server\": \"SQL01\\Zürich €\", \"n\": \"𝄞\"}";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bom: Vec<u8> = [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect();
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(read_through(&le, chunk), text, "UTF-16 LE by {chunk}");
            assert_eq!(read_through(&be, chunk), text, "UTF-16 BE by {chunk}");
            assert_eq!(read_through(&bom, chunk), text, "UTF-8 BOM by {chunk}");
            assert_eq!(
                read_through(text.as_bytes(), chunk),
                text,
                "UTF-8 by {chunk}"
            );
            assert_eq!(
                read_through(b"{\"a\": \"Z\xFCrich \x80\"}", chunk),
                "{\"a\": \"Zürich €\"}",
                "1252 by {chunk}"
            );
        }
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(
            decode(b"MZ\x90\x00\x03".to_vec()),
            Err(DecodeError::Binary { offset: 3 })
        );
    }
}
