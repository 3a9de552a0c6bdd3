//! Property tests of the scoring invariants, on the reference set (`criteria/nghe-an-2026-so`)
//! with generated evidence held in memory:
//!
//! - a row's points lie within its bounds (0..=max; a penalty row floor..=0);
//! - every parent's points, max and applicable max are the sums of its children's;
//! - the index lies in [0, 100];
//! - the score does not depend on the order of rows in any evidence file (every table shuffled);
//! - adding on-time dossiers never lowers row 3.2.1;
//! - an extra not-arising row (policy `exclude`) never changes the index of the others.
//!
//! Dossiers, documents, plan tasks and reports are generated; the other tables and the facts come
//! from `fixtures/skhcn-2026`, with the integer facts behind ratios and penalties generated too.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::Duration;
use parindex_core::criteria::{CriteriaSet, Method};
use parindex_core::report::{NodeScore, Status};
use parindex_core::{
    load_criteria, CompiledCriteria, Date, Files, FsFiles, MemoryFiles, ReadOptions, Report,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const CASES: u32 = 64;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn date(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).expect("valid date")
}

fn as_of() -> Date {
    date(2026, 12, 31)
}

fn criteria_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(root().join("criteria/nghe-an-2026-so/criteria.toml"))
            .expect("reference criteria")
    })
}

/// The reference set, compiled once for the whole file.
fn reference() -> &'static CompiledCriteria {
    static SET: OnceLock<CompiledCriteria> = OnceLock::new();
    SET.get_or_init(|| compile(criteria_text()))
}

fn compile(text: &str) -> CompiledCriteria {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", text);
    let set = load_criteria(&files, Path::new("set")).expect("criteria load");
    CompiledCriteria::compile(set).expect("criteria compile")
}

/// The files of `fixtures/skhcn-2026` that are not generated here, read once.
fn fixture_files() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = root().join("fixtures/skhcn-2026");
        FsFiles
            .list(&dir)
            .expect("fixture listing")
            .into_iter()
            .filter_map(|p| {
                let name = p.file_name()?.to_string_lossy().into_owned();
                let generated = [
                    "dossiers.csv",
                    "documents.csv",
                    "plan_tasks.csv",
                    "reports.csv",
                    "facts.toml",
                ];
                let keep = (name.ends_with(".csv") || name == "unit.toml")
                    && !name.starts_with("expected")
                    && !generated.contains(&name.as_str());
                keep.then(|| (name, std::fs::read(&p).expect("fixture file")))
            })
            .collect()
    })
}

fn fixture_facts() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(root().join("fixtures/skhcn-2026/facts.toml")).expect("facts")
    })
}

// --- Generated evidence ----------------------------------------------------------------------

fn vi(d: Date) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A day of 2026, give or take a few weeks either side (so some rows fall outside the year).
fn day() -> impl Strategy<Value = Date> {
    (-20i64..385).prop_map(|n| date(2026, 1, 1) + Duration::days(n))
}

#[derive(Debug, Clone)]
struct Dossier {
    received: Date,
    due_in: i64,
    /// Days after receipt the result was returned; `None` while pending.
    returned_in: Option<i64>,
    online: bool,
    fee: bool,
    paid_online: bool,
    digitised: bool,
    apologised: bool,
    rating: u8,
    channel: u8,
}

fn dossier() -> impl Strategy<Value = Dossier> {
    (
        day(),
        0i64..30,
        proptest::option::weighted(0.85, 0i64..45),
        any::<[bool; 5]>(),
        0u8..3,
        0u8..4,
    )
        .prop_map(
            |(received, due_in, returned_in, flags, rating, channel)| Dossier {
                received,
                due_in,
                returned_in,
                online: flags[0],
                fee: flags[1],
                paid_online: flags[1] && flags[2],
                digitised: flags[3],
                apologised: flags[4],
                rating,
                channel,
            },
        )
}

/// An on-time dossier: received in 2026, returned by its deadline and by the as-of date.
fn on_time_dossier() -> impl Strategy<Value = Dossier> {
    (dossier(), 0i64..330, 0i64..30).prop_map(|(mut d, received, due_in)| {
        d.received = date(2026, 1, 1) + Duration::days(received);
        d.due_in = due_in;
        d.returned_in = Some(due_in / 2);
        d
    })
}

const DOSSIER_HEADER: &str = "ma_ho_so,ma_thu_tuc,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua,kenh,\
toan_trinh,co_phi,thanh_toan_truc_tuyen,so_hoa,xin_loi,danh_gia";

fn dossier_line(i: usize, d: &Dossier) -> String {
    let x = |b: bool| if b { "x" } else { "" };
    format!(
        "HS-{i:05},1.00{},{},{},{},{},{},{},{},{},{},{}",
        i % 7,
        vi(d.received),
        vi(d.received + Duration::days(d.due_in)),
        d.returned_in
            .map(|n| vi(d.received + Duration::days(n)))
            .unwrap_or_default(),
        ["truc_tuyen", "truc_tiep", "buu_chinh", ""][usize::from(d.channel)],
        x(d.online),
        x(d.fee),
        x(d.paid_online),
        x(d.digitised),
        x(d.apologised),
        ["hai_long", "khong_hai_long", ""][usize::from(d.rating)],
    )
}

#[derive(Debug, Clone)]
struct Document {
    issued: Date,
    tags: Vec<&'static str>,
    signed: bool,
    electronic: bool,
    secret: bool,
}

const TAGS: [&str; 8] = [
    "ke-hoach-cchc",
    "ke-hoach-kiem-tra-cchc",
    "ke-hoach-tuyen-truyen",
    "ke-hoach-chuyen-doi-so",
    "bao-cao-cchc",
    "phan-cap",
    "danh-gia-xep-loai",
    "khac",
];

fn document() -> impl Strategy<Value = Document> {
    (
        day(),
        proptest::sample::subsequence(TAGS.to_vec(), 0..3),
        any::<[bool; 3]>(),
    )
        .prop_map(|(issued, tags, f)| Document {
            issued,
            tags,
            signed: f[0],
            electronic: f[1],
            secret: f[2] && !f[0],
        })
}

const DOCUMENT_HEADER: &str = "so_ky_hieu,ngay_ban_hanh,loai,trich_yeu,nhom,ky_so,gui_dien_tu,mat";

fn document_line(i: usize, d: &Document) -> String {
    let x = |b: bool| if b { "x" } else { "" };
    format!(
        "{i}/VB-U,{},CV,Văn bản {i},{},{},{},{}",
        vi(d.issued),
        d.tags.join(";"),
        x(d.signed),
        x(d.electronic),
        x(d.secret)
    )
}

/// A deadline item (plan task): deadline and optional completion.
#[derive(Debug, Clone)]
struct Task {
    due: Date,
    done_in: Option<i64>,
}

fn task() -> impl Strategy<Value = Task> {
    (day(), proptest::option::of(-10i64..40)).prop_map(|(due, done_in)| Task { due, done_in })
}

const TASK_HEADER: &str = "ma,nhiem_vu,don_vi_chu_tri,han,ngay_hoan_thanh,san_pham";

fn task_line(i: usize, t: &Task) -> String {
    format!(
        "NV{i:03},Nhiệm vụ {i},Văn phòng,{},{},",
        vi(t.due),
        t.done_in
            .map(|n| vi(t.due + Duration::days(n)))
            .unwrap_or_default()
    )
}

const REPORT_KINDS: [&str; 5] = ["Q1", "6T", "9T", "NAM", "DOT_XUAT"];

fn report_row() -> impl Strategy<Value = (u8, Task)> {
    (0u8..5, task())
}

const REPORT_HEADER: &str = "ky,han,ngay_gui,so_ky_hieu";

fn report_line(i: usize, (kind, t): &(u8, Task)) -> String {
    format!(
        "{},{},{},{i}/BC-U",
        REPORT_KINDS[usize::from(*kind)],
        vi(t.due),
        t.done_in
            .map(|n| vi(t.due + Duration::days(n)))
            .unwrap_or_default()
    )
}

/// Integer facts behind ratios and penalties; each pair is (numerator, denominator), and a
/// numerator may exceed its denominator or the denominator be 0.
const FACT_PAIRS: [(&str, &str); 9] = [
    ("tuyen_truyen_hoan_thanh", "tuyen_truyen_ke_hoach"),
    ("ra_soat_da_xu_ly", "ra_soat_phat_hien"),
    ("thanh_tra_thuc_hien", "thanh_tra_ke_hoach"),
    ("tinh_gian_thuc_hien", "tinh_gian_ke_hoach"),
    ("chuyen_doi_thuc_hien", "chuyen_doi_ke_hoach"),
    ("boi_duong_thuc_hien", "boi_duong_ke_hoach"),
    ("kien_nghi_da_thuc_hien", "kien_nghi_tong"),
    ("bao_cao_he_thong_dung_han", "bao_cao_he_thong_tong"),
    ("dvsn_tu_chu", "dvsn_tong"),
];
const FACT_COUNTS: [&str; 5] = [
    "so_vu_sach_nhieu",
    "so_vi_pham_ky_luat",
    "so_cap_pho_vuot",
    "so_don_vi_truc_thuoc",
    "vi_pham_tuyen_dung",
];

/// The fixture's facts with `[name]`'s `value = …` line replaced.
fn set_fact(text: &str, name: &str, value: i64) -> String {
    let header = format!("[{name}]\n");
    let Some(at) = text.find(&header) else {
        return text.to_owned();
    };
    let start = at + header.len();
    let Some(rest) = text[start..].strip_prefix("value = ") else {
        return text.to_owned();
    };
    let end = start + "value = ".len() + rest.find('\n').unwrap_or(rest.len());
    format!("{}value = {value}{}", &text[..start], &text[end..])
}

#[derive(Debug, Clone)]
struct Unit {
    dossiers: Vec<Dossier>,
    documents: Vec<Document>,
    tasks: Vec<Task>,
    reports: Vec<(u8, Task)>,
    pairs: Vec<(i64, i64)>,
    counts: Vec<i64>,
    /// Survey rates (percent) for the survey rows, when the survey is in.
    survey: Option<Vec<u8>>,
}

fn unit() -> impl Strategy<Value = Unit> {
    (
        proptest::collection::vec(dossier(), 0..40),
        proptest::collection::vec(document(), 0..25),
        proptest::collection::vec(task(), 0..10),
        proptest::collection::vec(report_row(), 0..8),
        proptest::collection::vec((0i64..15, 0i64..15), FACT_PAIRS.len()),
        proptest::collection::vec(0i64..6, FACT_COUNTS.len()),
        proptest::option::of(proptest::collection::vec(0u8..=100, 7)),
    )
        .prop_map(
            |(dossiers, documents, tasks, reports, pairs, counts, survey)| Unit {
                dossiers,
                documents,
                tasks,
                reports,
                pairs,
                counts,
                survey,
            },
        )
}

fn csv(header: &str, lines: impl Iterator<Item = String>) -> String {
    let mut out = format!("{header}\n");
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The unit's evidence folder `u/`: generated rows written in the order given by each `order`
/// (a permutation of the row indices; ids follow the rows, not their place in the file).
fn files(unit: &Unit, set: &CriteriaSet, orders: &Orders) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for (name, bytes) in fixture_files() {
        let bytes = match orders.fixture_seed {
            Some(seed) if name.ends_with(".csv") => shuffle_lines(bytes, seed),
            _ => bytes.clone(),
        };
        files.insert(format!("u/{name}"), bytes);
    }
    files.insert(
        "u/dossiers.csv",
        csv(
            DOSSIER_HEADER,
            orders
                .dossiers(unit.dossiers.len())
                .map(|i| dossier_line(i, &unit.dossiers[i])),
        ),
    );
    files.insert(
        "u/documents.csv",
        csv(
            DOCUMENT_HEADER,
            orders
                .documents(unit.documents.len())
                .map(|i| document_line(i, &unit.documents[i])),
        ),
    );
    files.insert(
        "u/plan_tasks.csv",
        csv(
            TASK_HEADER,
            orders
                .tasks(unit.tasks.len())
                .map(|i| task_line(i, &unit.tasks[i])),
        ),
    );
    files.insert(
        "u/reports.csv",
        csv(
            REPORT_HEADER,
            orders
                .reports(unit.reports.len())
                .map(|i| report_line(i, &unit.reports[i])),
        ),
    );
    let mut facts = fixture_facts().to_owned();
    for ((a, b), (n, d)) in FACT_PAIRS.iter().zip(&unit.pairs) {
        facts = set_fact(&facts, a, *n);
        facts = set_fact(&facts, b, *d);
    }
    for (name, n) in FACT_COUNTS.iter().zip(&unit.counts) {
        facts = set_fact(&facts, name, *n);
    }
    files.insert("u/facts.toml", facts);
    if let Some(rates) = &unit.survey {
        let rows: Vec<&str> = set
            .leaves()
            .filter(|(_, l)| l.method == Method::Survey)
            .map(|(c, _)| c.id.as_str())
            .collect();
        let mut survey = String::from("ma_tieu_chi,ty_le\n");
        for (id, rate) in rows.iter().zip(rates.iter().cycle()) {
            survey.push_str(&format!("{id},{rate}\n"));
        }
        files.insert("u/survey.csv", survey);
    }
    files
}

/// Row orders per generated table; empty: file order = generation order. With a seed, the
/// fixture's own tables (one record per line) are shuffled too.
#[derive(Debug, Clone, Default)]
struct Orders {
    dossiers: Vec<usize>,
    documents: Vec<usize>,
    tasks: Vec<usize>,
    reports: Vec<usize>,
    fixture_seed: Option<u64>,
}

/// The data lines of a one-record-per-line CSV in an order drawn from `seed`.
fn shuffle_lines(bytes: &[u8], seed: u64) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("fixture CSVs are UTF-8");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let mut rows: Vec<&str> = lines.collect();
    let mut x = seed;
    for i in (1..rows.len()).rev() {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from((x >> 33) % (i as u64 + 1)).unwrap_or(0);
        rows.swap(i, j);
    }
    let mut out = format!("{header}\n");
    for row in rows {
        out.push_str(row);
        out.push('\n');
    }
    out.into_bytes()
}

impl Orders {
    fn pick(order: &[usize], n: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        if order.len() == n {
            Box::new(order.iter().copied())
        } else {
            Box::new(0..n)
        }
    }
    fn dossiers(&self, n: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        Self::pick(&self.dossiers, n)
    }
    fn documents(&self, n: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        Self::pick(&self.documents, n)
    }
    fn tasks(&self, n: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        Self::pick(&self.tasks, n)
    }
    fn reports(&self, n: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        Self::pick(&self.reports, n)
    }
}

fn score_with(criteria: &CompiledCriteria, files: &MemoryFiles) -> Report {
    (criteria.score_unit(files, Path::new("u"), as_of(), &ReadOptions::default()))
        .expect("generated evidence")
}

fn score(unit: &Unit, orders: &Orders) -> Report {
    let criteria = reference();
    score_with(criteria, &files(unit, criteria.criteria(), orders))
}

/// A unit and the same unit with every generated table's rows shuffled.
fn unit_and_orders() -> impl Strategy<Value = (Unit, Orders)> {
    unit().prop_flat_map(|u| {
        let perm = |n: usize| Just((0..n).collect::<Vec<_>>()).prop_shuffle();
        (
            Just(u.clone()),
            perm(u.dossiers.len()),
            perm(u.documents.len()),
            perm(u.tasks.len()),
            perm(u.reports.len()),
            any::<u64>(),
        )
            .prop_map(|(u, dossiers, documents, tasks, reports, seed)| {
                (
                    u,
                    Orders {
                        dossiers,
                        documents,
                        tasks,
                        reports,
                        fixture_seed: Some(seed),
                    },
                )
            })
    })
}

/// What a node scored, without the parts that name records in file order.
fn outcome(n: &NodeScore) -> (String, Decimal, Decimal, Decimal, Option<Decimal>, Status) {
    (
        n.id.clone(),
        n.points,
        n.final_points,
        n.applicable_max,
        n.index,
        n.status,
    )
}

// --- The invariants --------------------------------------------------------------------------

fn check_bounds_and_sums(set: &CriteriaSet, report: &Report) -> Result<(), TestCaseError> {
    prop_assert_eq!(report.nodes.len(), set.criteria.len());
    for (node, c) in report.nodes.iter().zip(&set.criteria) {
        prop_assert_eq!(&node.id, &c.id);
        match &c.leaf {
            Some(leaf) => {
                let (low, high) = match leaf.method {
                    Method::Penalty => (leaf.floor.unwrap_or(Decimal::ZERO), Decimal::ZERO),
                    Method::SelfAssessed | Method::Survey => (Decimal::ZERO, c.max),
                };
                for p in [node.points, node.final_points] {
                    prop_assert!(
                        low <= p && p <= high,
                        "row {} scored {} outside [{}, {}]: {}",
                        c.id,
                        p,
                        low,
                        high,
                        node.explanation
                    );
                }
                prop_assert!(node.applicable_max == c.max || node.applicable_max.is_zero());
            }
            None => {
                let kids = || c.children.iter().map(|&k| &report.nodes[k]);
                let points: Decimal = kids().map(|k| k.points).sum();
                let finals: Decimal = kids().map(|k| k.final_points).sum();
                let max: Decimal = kids().map(|k| k.max).sum();
                let applicable: Decimal = kids().map(|k| k.applicable_max).sum();
                prop_assert_eq!(node.points, points, "points of {}", c.id);
                prop_assert_eq!(node.final_points, finals, "final points of {}", c.id);
                prop_assert_eq!(node.max, max, "max of {}", c.id);
                prop_assert_eq!(
                    node.applicable_max,
                    applicable,
                    "applicable max of {}",
                    c.id
                );
                prop_assert!(node.applicable_max <= node.max);
            }
        }
    }
    let hundred = Decimal::ONE_HUNDRED;
    for index in report
        .nodes
        .iter()
        .filter_map(|n| n.index)
        .chain(report.total.index)
        .chain(report.total.self_assessed.index)
    {
        // A parent's index may go below 0 only through penalties; the totals never do.
        prop_assert!(index <= hundred, "index {} above 100", index);
    }
    if let Some(index) = report.total.index {
        prop_assert!(
            Decimal::ZERO <= index && index <= hundred,
            "index {}",
            index
        );
    }
    if let Some(index) = report.total.self_assessed.index {
        prop_assert!(
            Decimal::ZERO <= index && index <= hundred,
            "self index {}",
            index
        );
    }
    prop_assert_eq!(
        report.total.max,
        Decimal::ONE_HUNDRED,
        "the reference set totals 100"
    );
    prop_assert!(report.total.points <= report.total.applicable_max);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn points_lie_within_bounds_parents_add_up_and_the_index_is_a_percentage(u in unit()) {
        let report = score(&u, &Orders::default());
        check_bounds_and_sums(reference().criteria(), &report)?;
        // Well-formed evidence: every rule runs to a result (the generators are not vacuous).
        for n in report.nodes.iter().filter(|n| n.is_leaf()) {
            prop_assert!(
                !matches!(n.status, Status::Error | Status::NoEvidence),
                "{}: {:?} {}",
                n.id,
                n.status,
                n.explanation
            );
        }
    }

    #[test]
    fn the_score_does_not_depend_on_the_order_of_rows((u, orders) in unit_and_orders()) {
        let a = score(&u, &Orders::default());
        let b = score(&u, &orders);
        let (oa, ob): (Vec<_>, Vec<_>) =
            (a.nodes.iter().map(outcome).collect(), b.nodes.iter().map(outcome).collect());
        prop_assert_eq!(oa, ob);
        prop_assert_eq!(a.total.points, b.total.points);
        prop_assert_eq!(a.total.index, b.total.index);
        prop_assert_eq!(&a.total.rating, &b.total.rating);
    }

    #[test]
    fn adding_on_time_dossiers_never_lowers_row_3_2_1(
        u in unit(),
        extra in proptest::collection::vec(on_time_dossier(), 1..20),
    ) {
        let before = score(&u, &Orders::default());
        let mut more = u.clone();
        more.dossiers.extend(extra);
        let after = score(&more, &Orders::default());
        let (b, a) = (before.node("3.2.1").expect("3.2.1"), after.node("3.2.1").expect("3.2.1"));
        prop_assert!(
            a.points >= b.points,
            "3.2.1 went from {} ({}) to {} ({})",
            b.points,
            b.explanation,
            a.points,
            a.explanation
        );
        // With on-time dossiers added there is something to score.
        prop_assert_eq!(a.status, Status::Scored);
    }

    #[test]
    fn an_extra_not_arising_row_never_changes_the_index_of_the_others(
        u in unit(),
        max in 1u32..=40,
        zero_denominator in any::<bool>(),
    ) {
        let base = reference();
        let extended = extended(max, zero_denominator);
        let orders = Orders::default();
        let a = score_with(base, &files(&u, base.criteria(), &orders));
        let mut files_b = files(&u, extended.criteria(), &orders);
        files_b.insert("u/extra.csv", "ma,dat\n");
        let b = score_with(&extended, &files_b);
        let row = b.node("8.1").expect("the extra row");
        prop_assert_eq!(row.status, Status::NotApplicable, "{}", &row.explanation);
        prop_assert!(row.applicable_max.is_zero());
        prop_assert_eq!(a.total.index, b.total.index);
        prop_assert_eq!(a.total.applicable_max, b.total.applicable_max);
        prop_assert_eq!(a.total.points, b.total.points);
        prop_assert_eq!(a.total.self_assessed.index, b.total.self_assessed.index);
        prop_assert_eq!(&a.total.rating, &b.total.rating);
        prop_assert_eq!(b.total.max, a.total.max + Decimal::from(max) / Decimal::TEN);
        for n in &a.nodes {
            let m = b.node(&n.id).expect("the same rows");
            prop_assert_eq!(outcome(n), outcome(m));
        }
    }
}

/// The reference set plus a field `8` holding one `exclude` row worth `max / 10` that reads an
/// empty table: not arising either because the table has no rows or through a 0 denominator.
fn extended(max: u32, zero_denominator: bool) -> CompiledCriteria {
    let max = Decimal::from(max) / Decimal::TEN;
    let rule = if zero_denominator {
        r#"bands(ratio(table("extra").where_true("dat"), 0), [[1, 1]])"#
    } else {
        r#"let t = table("extra"); if t.count == 0 { not_arising("không có") } else { 1 }"#
    };
    let text = format!(
        "{}\n[tables.extra]\ntitle = \"Thêm\"\ncolumns = [{{ id = \"ma\", type = \"text\", required = true }}, {{ id = \"dat\", type = \"bool\" }}]\n\n\
         [[criterion]]\nid = \"8\"\ntitle = \"Lĩnh vực thêm\"\nmax = \"{max}\"\n\n\
         [[criterion]]\nid = \"8.1\"\ntitle = \"Dòng không phát sinh\"\nmax = \"{max}\"\nmethod = \"self\"\n\
         not_arising = \"exclude\"\nreads = [\"extra\"]\nrule = '{rule}'\n",
        criteria_text()
    );
    compile(&text)
}

#[test]
fn the_generators_reach_every_kind_of_row_3_2_1() {
    // Sanity of the strategies: the fixture-like unit scores 3.2.1, and an empty dossier table
    // makes it not arising (policy exclude).
    let u = Unit {
        dossiers: Vec::new(),
        documents: Vec::new(),
        tasks: Vec::new(),
        reports: Vec::new(),
        pairs: vec![(1, 1); FACT_PAIRS.len()],
        counts: vec![0; FACT_COUNTS.len()],
        survey: None,
    };
    let report = score(&u, &Orders::default());
    assert_eq!(
        report.node("3.2.1").expect("3.2.1").status,
        Status::NotApplicable
    );
    // The generated facts really replace the fixture's.
    let facts = set_fact(fixture_facts(), "tuyen_truyen_hoan_thanh", 12);
    assert!(facts.contains("[tuyen_truyen_hoan_thanh]\nvalue = 12\n"));
    // Shuffling keeps the header first and every line.
    let (_, feedback) = fixture_files()
        .iter()
        .find(|(name, _)| name == "feedback.csv")
        .expect("feedback.csv");
    let shuffled = shuffle_lines(feedback, 42);
    assert_ne!(&shuffled, feedback);
    let sorted = |b: &[u8]| {
        let text = String::from_utf8(b.to_vec()).expect("utf-8");
        let mut lines: Vec<String> = text.lines().skip(1).map(str::to_owned).collect();
        lines.sort();
        (text.lines().next().map(str::to_owned), lines)
    };
    assert_eq!(sorted(&shuffled), sorted(feedback));
}
