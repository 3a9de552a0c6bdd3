//! Scores the shipped Sở KH&CN Nghệ An 2026 fixture with the reference criteria set and prints
//! each row's points, the way a portal or dashboard would embed the library (the report's
//! Markdown, Excel, Word and HTML forms are `parindex-render`'s).
//!
//! ```sh
//! cargo run -p parindex-core --example score_fixture
//! ```

// Printing is what this example is for.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

use parindex_core::evidence::read_evidence;
use parindex_core::report::Status;
use parindex_core::{load_criteria, CompiledCriteria, FsFiles};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let run = || -> Result<(), parindex_core::Error> {
        // load → validate
        let set = load_criteria(&FsFiles, &root.join("criteria/nghe-an-2026-so"))?;
        // compile once; `criteria` can now score any number of units
        let criteria = CompiledCriteria::compile(set)?;
        // read the unit's evidence by the set's table declarations
        let evidence = read_evidence(
            &FsFiles,
            criteria.criteria(),
            &root.join("fixtures/skhcn-2026"),
        )?;
        // evaluate at the as-of date (an input, never the clock)
        let as_of = criteria.default_as_of().unwrap_or_default();
        let report = criteria.score(&evidence, as_of);
        for n in &report.nodes {
            println!(
                "{}\t{}/{}\t{}",
                n.id,
                parindex_core::num::vi_decimal(n.final_points),
                parindex_core::num::vi_decimal(n.max),
                n.title
            );
        }
        println!(
            "{}\t{}",
            parindex_core::num::vi_decimal(report.total.points),
            report.total.rating.as_deref().unwrap_or("—")
        );
        for node in report.nodes.iter().filter(|n| n.status == Status::Error) {
            eprintln!("row {} in error: {}", node.id, node.explanation);
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
