//! `cargo fuzz run rule_helpers`: see `fuzz/harness.rs` for what the input is.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::quiet_panics();
    harness::rule_helpers(data);
});
