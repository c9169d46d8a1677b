//! `--server` parsing over any text: no panic, and a password given in the
//! text never appears in an error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkready::collect::fuzzing::connection_text;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        connection_text(text);
    }
});
