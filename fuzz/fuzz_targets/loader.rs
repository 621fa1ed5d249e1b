//! The loader over arbitrary bytes: every record kind at once, then the rules and the
//! compiler-style rendering. Seeded (by fuzz/run.sh) with the example school's files, so
//! libFuzzer's mutations start from real records.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sen::fuzz::fuzz_one(data);
});
