//! `cargo fuzz run workbook -- -rss_limit_mb=512`: see `fuzz/harness.rs` for what the input is.
//! The memory limit is part of the target: a zip bomb or a declared count that makes the
//! workbook reader allocate beyond it is a crash.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::quiet_panics();
    harness::workbook(data);
});
