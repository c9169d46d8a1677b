//! The splitter and scanner over any bytes: no panic, every finding's
//! position inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkready::collect::fuzzing::scan_bytes;

fuzz_target!(|data: &[u8]| {
    scan_bytes(data);
});
