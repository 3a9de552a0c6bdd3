//! The reference set's own cases (`criteria/nghe-an-2026-so/cases/*.cases`, format in
//! `parindex_core::cases`): for every self-assessed and penalty row, each band, both sides of
//! each band edge, the not-arising case and the missing-evidence case.

use std::collections::BTreeMap;
use std::path::Path;

use parindex_core::cases::{read_cases, run_cases};
use parindex_core::criteria::Method;
use parindex_core::{load_criteria, CompiledCriteria, FsFiles};

#[test]
fn every_band_edge_of_the_reference_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../criteria/nghe-an-2026-so");
    let criteria =
        CompiledCriteria::compile(load_criteria(&FsFiles, &dir).expect("loads")).expect("compiles");
    let file = read_cases(&FsFiles, &dir).expect("cases read");
    let results = run_cases(&criteria, &file);
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| {
            format!(
                "{}:{} ({} | {}): expected {}, got {} — {}",
                r.case.file.display(),
                r.case.line,
                r.case.row,
                r.case.evidence,
                r.case.expected,
                r.got,
                r.explanation
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
    assert!(results.len() > 400, "{} cases", results.len());

    // Every self-assessed and penalty row has its cases.
    let mut covered: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &results {
        *covered.entry(r.case.row.as_str()).or_default() += 1;
    }
    let missing: Vec<&str> = criteria
        .criteria()
        .leaves()
        .filter(|(_, leaf)| leaf.method != Method::Survey)
        .map(|(c, _)| c.id.as_str())
        .filter(|id| covered.get(*id).copied().unwrap_or(0) < 3)
        .collect();
    assert!(
        missing.is_empty(),
        "rows with fewer than 3 cases: {missing:?}"
    );
}
