//! Facts declared by the criteria set (`[facts.<name>]`: a Vietnamese label and a type): the
//! reference set declares every fact its rules name; `check` reports a rule naming an
//! undeclared one; a value of another type is refused when the evidence is read, in a unit's
//! `facts.toml` and in a province's `facts.csv`.

mod common;

use std::path::Path;

use parindex_core::check::facts_named;
use parindex_core::criteria::FactType;
use parindex_core::{
    check_criteria, load_criteria, CompiledCriteria, Error, Files, MemoryFiles, ReadOptions,
};

const SET: &str = "criteria/nghe-an-2026-so";

fn criteria_toml(files: &MemoryFiles) -> String {
    let bytes = files
        .read(&Path::new(SET).join("criteria.toml"))
        .expect("criteria.toml");
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn the_reference_set_declares_every_fact_its_rules_name_with_a_label() {
    let files = common::example();
    let set = load_criteria(&files, Path::new(SET)).expect("the set loads");
    let named = facts_named(&set);
    assert!(named.len() >= 40, "{named:?}");
    for name in &named {
        let spec = set
            .fact(name)
            .unwrap_or_else(|| panic!("`{name}` is not declared"));
        assert!(!spec.label.trim().is_empty(), "{name}");
    }
    assert_eq!(
        set.fact("dvsn_tong").map(|f| f.kind),
        Some(FactType::Integer)
    );
    assert_eq!(
        set.fact("cong_khai_ngan_sach").map(|f| f.kind),
        Some(FactType::Bool)
    );
    assert!(check_criteria(&files, Path::new(SET)).is_empty());
}

#[test]
fn check_reports_a_rule_naming_an_undeclared_fact() {
    let mut files = common::example();
    let text = criteria_toml(&files);
    // Row 6.2.2 reads `dvsn_tong`; its declaration goes.
    let declaration = "[facts.dvsn_tong]\n";
    let at = text.find(declaration).expect("declared");
    let end = text[at..].find("\n\n").map_or(text.len(), |e| at + e + 2);
    let without = format!("{}{}", &text[..at], &text[end..]);
    files.insert(Path::new(SET).join("criteria.toml"), without);
    let problems = check_criteria(&files, Path::new(SET));
    let messages: Vec<String> = problems.iter().map(|d| d.message.clone()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("số liệu `dvsn_tong` chưa được khai báo trong `[facts]`")),
        "{messages:?}"
    );
}

#[test]
fn a_declaration_with_an_unknown_key_or_type_is_refused() {
    let mut files = common::example();
    let text = criteria_toml(&files).replacen(
        "[facts.dvsn_tong]\n",
        "[facts.dvsn_tong]\nunit = \"đơn vị\"\n",
        1,
    );
    files.insert(Path::new(SET).join("criteria.toml"), text);
    let problems = check_criteria(&files, Path::new(SET));
    assert!(
        problems
            .iter()
            .any(|d| d.message.contains("khóa `unit` không dùng được ở đây")),
        "{problems:?}"
    );
    let mut files = common::example();
    let text = criteria_toml(&files).replacen(
        "[facts.dvsn_tong]\nlabel = \"Tổng số đơn vị sự nghiệp công lập trực thuộc\"\ntype = \"integer\"",
        "[facts.dvsn_tong]\nlabel = \"Tổng số đơn vị sự nghiệp công lập trực thuộc\"\ntype = \"count\"",
        1,
    );
    assert!(text.contains("type = \"count\""));
    files.insert(Path::new(SET).join("criteria.toml"), text);
    assert!(load_criteria(&files, Path::new(SET)).is_err());
}

/// The example's folder scored with `dvsn_tong`'s value written as `value` (TOML).
fn with_dvsn_tong(value: &str) -> Result<parindex_core::Report, Error> {
    let mut files = common::example();
    let path = Path::new("fixtures/skhcn-2026/facts.toml");
    let text = String::from_utf8(files.read(path).expect("facts")).expect("UTF-8");
    let written = format!("[dvsn_tong]\nvalue = {value}\n");
    let text = text.replacen("[dvsn_tong]\nvalue = 4\n", &written, 1);
    assert!(
        text.contains(&written),
        "the fixture's dvsn_tong is where the test expects it"
    );
    files.insert(path, text);
    common::try_score(&files)
}

#[test]
fn a_fact_of_another_type_is_refused_when_the_unit_is_read() {
    let shown = |value: &str| match with_dvsn_tong(value) {
        Err(Error::Evidence(problems)) => problems.to_string(),
        other => panic!("{value} where an integer is declared is refused, not {other:?}"),
    };
    // At its `value = …` (line 125, column 9 of the fixture), its value and the type asked.
    let text = shown("\"bốn\"");
    assert!(
        text.contains(
            "facts.toml:125:9: số liệu `dvsn_tong` (Tổng số đơn vị sự nghiệp công lập trực \
             thuộc) không đúng kiểu (giá trị `bốn`, cần số nguyên)"
        ),
        "{text}"
    );
    // A number mistyped with a letter O is told where the letter is.
    let text = shown("\"1O\"");
    assert!(
        text.contains(
            "facts.toml:125:9: số liệu `dvsn_tong` (Tổng số đơn vị sự nghiệp công lập trực \
             thuộc) không đúng kiểu: ký tự thứ 2 là chữ cái `O`, không phải chữ số `0`"
        ),
        "{text}"
    );
    // A decimal where an integer is declared is refused too.
    assert!(shown("4.5").contains("không đúng kiểu"));
}

#[test]
fn a_fact_of_another_type_is_refused_in_a_province_facts_csv() {
    let mut files = common::province();
    let set = load_criteria(&files, Path::new("criteria")).expect("the province's set");
    assert!(
        set.facts.is_empty(),
        "the province fixture's set declares no facts"
    );
    // Declared yes/no, `boi_duong_thuc_hien` is a number in every unit's row of facts.csv.
    let facts = String::from_utf8(files.read(Path::new("exports/facts.csv")).expect("facts"))
        .expect("UTF-8");
    assert!(
        facts.contains(",boi_duong_thuc_hien,"),
        "facts.csv has boi_duong_thuc_hien"
    );
    let toml = String::from_utf8(
        files
            .read(Path::new("criteria/criteria.toml"))
            .expect("toml"),
    )
    .expect("UTF-8");
    let first = toml.find("[[criterion]]").expect("a criterion");
    let declared = format!(
        "{}[facts.boi_duong_thuc_hien]\nlabel = \"Số lượt đã bồi dưỡng\"\ntype = \"bool\"\n\n{}",
        &toml[..first],
        &toml[first..]
    );
    files.insert("criteria/criteria.toml", declared);
    let set = load_criteria(&files, Path::new("criteria")).expect("declared");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("31/12");
    let options = ReadOptions::default();
    let result = criteria.score_province(&files, Path::new("exports"), as_of, &options);
    let Err(Error::Evidence(problems)) = result else {
        panic!("a number where yes/no is declared is refused");
    };
    let shown = problems.to_string();
    // On its line of facts.csv (SCT's is line 3).
    assert!(
        shown.contains(
            "facts.csv:3: số liệu `boi_duong_thuc_hien` (Số lượt đã bồi dưỡng) không đúng kiểu \
             (giá trị `5`, cần có/không"
        ),
        "{shown}"
    );
}
