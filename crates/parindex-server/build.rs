//! Embeds the shipped criteria set's cases — every `cases/*.cases` file of its folder, none
//! listed by hand — so that the app's page of that set runs them as `parindex test` does.
#![allow(clippy::print_stdout)]

use std::fmt::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let cases = manifest.join("../../criteria/nghe-an-2026-so/cases");
    println!("cargo:rerun-if-changed={}", cases.display());
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&cases)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "cases") {
            println!("cargo:rerun-if-changed={}", path.display());
            names.push(path);
        }
    }
    names.sort();
    let mut out = String::from("&[\n");
    for path in names {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("a cases file's name is not UTF-8")?;
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )?;
    }
    out.push_str("]\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("shipped_cases.rs");
    std::fs::write(dest, out)?;
    Ok(())
}
