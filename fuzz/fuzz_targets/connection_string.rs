//! `--server` parsing over any text: parsed or refused, never a panic (that
//! no password is echoed is checked where the password is known:
//! tests/properties.rs and the unit tests).
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkready::collect::fuzzing::connection_text;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        connection_text(text);
    }
});
