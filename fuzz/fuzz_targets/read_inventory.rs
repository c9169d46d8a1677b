//! The inventory reader over any bytes: an inventory or an error, never a
//! panic; what it reads lowers and renders as valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkready::collect::fuzzing::inventory_bytes;

fuzz_target!(|data: &[u8]| {
    inventory_bytes(data);
});
