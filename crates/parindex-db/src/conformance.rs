//! One set of expectations of [`Database`], run against every backend: each backend's
//! `tests/conformance.rs` is [`conformance_tests!`](crate::conformance_tests) on a function
//! that opens a fresh, empty database of its engine, and gets one test per check below.
//!
//! The checks use only the trait, and assert what the web app relies on: ids in order from 1,
//! a revision that counts the history, one active file per slot, saves over a stale version
//! refused with nothing written, lists in byte order whatever the engine's collation, text
//! stored as given (U+0000 refused alike), and writers on two handles of one database (two
//! processes) losing nothing.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crate::{
    facts_digest, now, AnswerDocument, AnswerRow, AppraisalRow, Database, DbError, FactRow,
    NewAccount, NewCampaign, NewFile, NewSubmission, NewWorkspace, NoteDocument, NoteRow, Saved,
    Who,
};

/// A fresh database of one backend for one check.
pub struct Fresh {
    /// The database, empty, its schema up to date.
    pub db: Arc<dyn Database>,
    /// A second handle on the same database, opened apart from `db` as another process of
    /// the server would open it.
    pub other: Arc<dyn Database>,
    /// What must live as long as the check (a temporary folder, a scratch database).
    pub keep: Box<dyn std::any::Any + Send>,
}

impl std::fmt::Debug for Fresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fresh").field("db", &self.db).finish()
    }
}

/// One test per check, each on a database from `$fresh`: an `async fn(&'static str) ->
/// Option<Fresh>` given the check's name (`None`: the backend is not available here, and the
/// function said so).
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:path) => {
        $crate::conformance_tests!(@each $fresh;
            workspaces_have_ids_in_order_and_a_first_revision,
            the_unit_is_changed_and_recorded,
            a_workspace_is_archived_and_brought_back_with_everything,
            proposals_are_saved_over_their_version_only,
            files_keep_every_version_with_one_active_per_slot,
            facts_are_replaced_whole_and_a_stale_digest_writes_nothing,
            notes_are_saved_over_their_version_only,
            an_uploaded_notes_file_moves_every_version_on,
            attachments_come_by_row_then_id,
            criteria_sets_are_kept_once_oldest_first,
            lists_are_in_byte_order_whatever_the_collation,
            text_is_stored_as_given,
            text_with_nul_is_refused_and_nothing_is_written,
            a_missing_workspace_or_file_is_none,
            writers_on_two_handles_lose_nothing,
            accounts_are_one_per_login_and_sessions_end,
            a_unit_moves_only_from_the_state_it_is_in,
            appraisals_and_answers_are_saved_over_their_version_only,
            the_history_says_who_and_before_and_after,
            submitting_on_two_handles_submits_once,
            an_upload_s_files_are_kept_together_or_not_at_all,
        );
    };
    (@each $fresh:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                if let Some(fresh) = $fresh(stringify!($check)).await {
                    $crate::conformance::$check(fresh).await;
                }
            }
        )*
    };
}

fn unit(code: &str) -> NewWorkspace {
    NewWorkspace {
        unit_code: code.to_owned(),
        unit_name: format!("Sở {code}"),
        unit_group: "so".to_owned(),
        year: 2026,
        criteria_id: "nghe-an-2026-so".to_owned(),
        criteria_sha256: "a".repeat(64),
    }
}

fn sha(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn file<'a>(slot: &'a str, stored: &'a str, sha256: &'a str) -> NewFile<'a> {
    NewFile {
        slot,
        stored_name: stored,
        display_name: stored,
        sha256,
        size: 10,
    }
}

fn fact(name: &str, literal: &str, source: Option<&str>) -> FactRow {
    FactRow {
        name: name.to_owned(),
        literal: literal.to_owned(),
        source: source.map(str::to_owned),
    }
}

fn note(row: &str, explanation: &str, version: i64) -> NoteRow {
    NoteRow {
        row_id: row.to_owned(),
        explanation: Some(explanation.to_owned()),
        version,
        ..NoteRow::default()
    }
}

/// The workspace's revision equals its history's length: every write recorded once.
async fn assert_recorded(db: &dyn Database, ws: i64) {
    let w = db.workspace(ws).await.unwrap().unwrap();
    let history = db.history(ws).await.unwrap();
    assert_eq!(w.revision, history.len() as i64, "{history:?}");
    let ids: Vec<i64> = history.iter().map(|h| h.id).collect();
    let mut newest_first = ids.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, newest_first);
}

pub async fn workspaces_have_ids_in_order_and_a_first_revision(f: Fresh) {
    let db = &*f.db;
    assert!(db.workspaces().await.unwrap().is_empty());
    let before = now();
    assert_eq!(db.create_workspace(&unit("SKHCN")).await.unwrap(), 1);
    assert_eq!(db.create_workspace(&unit("STC")).await.unwrap(), 2);
    let all = db.workspaces().await.unwrap();
    assert_eq!(all.iter().map(|w| w.id).collect::<Vec<_>>(), [1, 2]);
    let w = db.workspace(1).await.unwrap().unwrap();
    assert_eq!(w, all[0]);
    assert_eq!(
        (
            w.unit_code.as_str(),
            w.unit_name.as_str(),
            w.unit_group.as_str()
        ),
        ("SKHCN", "Sở SKHCN", "so")
    );
    assert_eq!((w.year, w.criteria_id.as_str()), (2026, "nghe-an-2026-so"));
    assert_eq!(w.criteria_sha256, "a".repeat(64));
    assert_eq!((w.proposals, w.proposals_version, w.revision), (None, 0, 1));
    assert!(w.created_at >= before && w.created_at <= now());
    let history = db.history(1).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].action.as_str(), history[0].detail.as_str()),
        ("tạo", "SKHCN — Sở SKHCN")
    );
    // The history's ids are the database's, not the workspace's.
    assert_eq!(db.history(2).await.unwrap()[0].id, 2);
}

pub async fn the_unit_is_changed_and_recorded(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    db.set_unit(ws, "STP", "Sở Tư pháp", "so").await.unwrap();
    let w = db.workspace(ws).await.unwrap().unwrap();
    assert_eq!(
        (w.unit_code.as_str(), w.unit_name.as_str(), w.revision),
        ("STP", "Sở Tư pháp", 2)
    );
    let history = db.history(ws).await.unwrap();
    assert_eq!(
        (history[0].action.as_str(), history[0].detail.as_str()),
        ("đơn vị", "STP — Sở Tư pháp (so)")
    );
    assert_eq!(history[1].action, "tạo");
    assert_recorded(db, ws).await;
}

pub async fn a_workspace_is_archived_and_brought_back_with_everything(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let other = db.create_workspace(&unit("STC")).await.unwrap();
    db.add_file(ws, &file("dossiers", "dossiers.csv", &sha(1)))
        .await
        .unwrap();
    assert_eq!(db.workspace(ws).await.unwrap().unwrap().archived_at, None);
    let before = now();
    db.set_archived(ws, true).await.unwrap();
    let w = db.workspace(ws).await.unwrap().unwrap();
    assert!(w.archived_at.is_some_and(|at| at >= before && at <= now()));
    // Only that one, and nothing of it lost.
    assert_eq!(
        db.workspace(other).await.unwrap().unwrap().archived_at,
        None
    );
    assert_eq!(db.files(ws).await.unwrap().len(), 1);
    assert_eq!(db.workspaces().await.unwrap().len(), 2);
    // Archiving it again changes nothing, its history included.
    let revision = w.revision;
    db.set_archived(ws, true).await.unwrap();
    let again = db.workspace(ws).await.unwrap().unwrap();
    assert_eq!(
        (again.archived_at, again.revision),
        (w.archived_at, revision)
    );
    db.set_archived(ws, false).await.unwrap();
    let back = db.workspace(ws).await.unwrap().unwrap();
    assert_eq!(back.archived_at, None);
    let history = db.history(ws).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions[..2], ["bỏ lưu trữ", "lưu trữ"]);
    assert_recorded(db, ws).await;
    // A workspace that does not exist: nothing, no error.
    db.set_archived(999, true).await.unwrap();
}

pub async fn proposals_are_saved_over_their_version_only(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    assert_eq!(
        db.set_proposals(ws, Some("Kiến nghị một"), 0)
            .await
            .unwrap(),
        Saved::Yes(1)
    );
    assert_eq!(
        db.set_proposals(ws, Some("Kiến nghị khác"), 0)
            .await
            .unwrap(),
        Saved::Stale
    );
    let w = db.workspace(ws).await.unwrap().unwrap();
    assert_eq!(
        (w.proposals.as_deref(), w.proposals_version, w.revision),
        (Some("Kiến nghị một"), 1, 2)
    );
    assert_eq!(db.set_proposals(ws, None, 1).await.unwrap(), Saved::Yes(2));
    let w = db.workspace(ws).await.unwrap().unwrap();
    assert_eq!((w.proposals, w.proposals_version), (None, 2));
    assert_eq!(db.set_proposals(ws, None, 7).await.unwrap(), Saved::Stale);
    assert_recorded(db, ws).await;
}

pub async fn files_keep_every_version_with_one_active_per_slot(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let other = db.create_workspace(&unit("STC")).await.unwrap();
    let (a, b, c) = (sha(1), sha(2), sha(3));
    assert_eq!(
        db.add_file(ws, &file("documents", "documents.csv", &a))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        db.add_file(ws, &file("documents", "documents.xlsx", &b))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        db.add_file(ws, &file("dossiers", "dossiers.csv", &c))
            .await
            .unwrap(),
        1
    );
    // Another workspace's slot of the same name has its own versions.
    assert_eq!(
        db.add_file(other, &file("documents", "documents.csv", &c))
            .await
            .unwrap(),
        1
    );
    let files = db.files(ws).await.unwrap();
    let seen: Vec<(&str, i64, bool, &str)> = files
        .iter()
        .map(|f| (f.slot.as_str(), f.version, f.active, f.stored_name.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("documents", 2, true, "documents.xlsx"),
            ("documents", 1, false, "documents.csv"),
            ("dossiers", 1, true, "dossiers.csv"),
        ]
    );
    assert_eq!((files[0].sha256.as_str(), files[0].size), (b.as_str(), 10));
    let ids: Vec<i64> = files.iter().map(|f| f.id).collect();
    assert_eq!(ids, [2, 1, 3]);
    let history = db.history(ws).await.unwrap();
    assert_eq!(history[0].action, "tải lên");
    assert_eq!(
        history[0].detail,
        format!("dossiers.csv → dossiers.csv (phiên bản 1, {})", &c[..12])
    );

    let restored = db.restore_file(ws, 1).await.unwrap().unwrap();
    assert_eq!(
        (restored.id, restored.version, restored.active),
        (1, 1, true)
    );
    let files = db.files(ws).await.unwrap();
    let active: Vec<(i64, bool)> = files.iter().map(|f| (f.id, f.active)).collect();
    assert_eq!(active, [(2, false), (1, true), (3, true)]);
    assert_eq!(
        (
            db.history(ws).await.unwrap()[0].action.as_str(),
            db.history(ws).await.unwrap()[0].detail.as_str()
        ),
        ("khôi phục", "documents.csv phiên bản 1")
    );
    // A new version becomes the active one again.
    assert_eq!(
        db.add_file(ws, &file("documents", "documents.csv", &a))
            .await
            .unwrap(),
        3
    );
    let active: Vec<(i64, bool)> = db
        .files(ws)
        .await
        .unwrap()
        .iter()
        .map(|f| (f.version, f.active))
        .collect();
    assert_eq!(active, [(3, true), (2, false), (1, false), (1, true)]);
    assert_recorded(db, ws).await;
    assert_recorded(db, other).await;
}

pub async fn facts_are_replaced_whole_and_a_stale_digest_writes_nothing(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    assert!(db.facts(ws).await.unwrap().is_empty());
    let first = vec![
        fact(
            "so_van_ban",
            "4",
            Some("12/QĐ-UBND ngày 01/02/2026 — Kế hoạch"),
        ),
        fact("co_ke_hoach", "true", None),
        fact("ty_le", "\"2,5\"", None),
    ];
    assert_eq!(
        db.set_facts(ws, &first, "tải lên facts.toml", None)
            .await
            .unwrap(),
        Saved::Yes(0)
    );
    let stored = db.facts(ws).await.unwrap();
    let names: Vec<&str> = stored.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["co_ke_hoach", "so_van_ban", "ty_le"]);
    assert_eq!(
        stored[1].source.as_deref(),
        Some("12/QĐ-UBND ngày 01/02/2026 — Kế hoạch")
    );
    let opened = facts_digest(&stored);
    assert_eq!(opened, facts_digest(&first));

    // Someone else saves; a form opened before is refused, and nothing changes.
    let second = vec![fact("so_van_ban", "5", None)];
    assert_eq!(
        db.set_facts(ws, &second, "biểu mẫu", Some(&opened))
            .await
            .unwrap(),
        Saved::Yes(0)
    );
    let revision = db.workspace(ws).await.unwrap().unwrap().revision;
    assert_eq!(
        db.set_facts(ws, &first, "biểu mẫu", Some(&opened))
            .await
            .unwrap(),
        Saved::Stale
    );
    assert_eq!(db.facts(ws).await.unwrap(), second);
    assert_eq!(db.workspace(ws).await.unwrap().unwrap().revision, revision);
    let history = db.history(ws).await.unwrap();
    assert_eq!(
        (history[0].action.as_str(), history[0].detail.as_str()),
        ("số liệu", "biểu mẫu")
    );
    // Emptied whole.
    assert_eq!(
        db.set_facts(ws, &[], "biểu mẫu", Some(&facts_digest(&second)))
            .await
            .unwrap(),
        Saved::Yes(0)
    );
    assert!(db.facts(ws).await.unwrap().is_empty());
    assert_recorded(db, ws).await;
}

pub async fn notes_are_saved_over_their_version_only(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let mut n = note("3.2.4", "Đã giải trình", 0);
    n.declared_points = Some("1,5".to_owned());
    n.declared_reason = Some("Lý do".to_owned());
    n.documents = vec![
        NoteDocument {
            number: "12/QĐ-UBND".to_owned(),
            date: Some("01/02/2026".to_owned()),
            subject: Some("Kế hoạch cải cách hành chính".to_owned()),
        },
        NoteDocument {
            number: "7/BC".to_owned(),
            date: None,
            subject: None,
        },
    ];
    assert_eq!(db.save_note(ws, &n).await.unwrap(), Saved::Yes(1));
    // A second first save of the same row: the row exists now.
    assert_eq!(
        db.save_note(ws, &note("3.2.4", "Của người khác", 0))
            .await
            .unwrap(),
        Saved::Stale
    );
    let stored = db.notes(ws).await.unwrap();
    assert_eq!(
        stored,
        [NoteRow {
            version: 1,
            ..n.clone()
        }]
    );
    assert_eq!(
        db.save_note(ws, &note("3.2.4", "Sửa", 1)).await.unwrap(),
        Saved::Yes(2)
    );
    assert_eq!(
        db.save_note(ws, &note("3.2.4", "Sửa lại từ bản cũ", 1))
            .await
            .unwrap(),
        Saved::Stale
    );
    let stored = db.notes(ws).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].explanation.as_deref(), stored[0].version),
        (Some("Sửa"), 2)
    );
    // Saved whole: what the form leaves empty is emptied.
    assert_eq!(stored[0].declared_points, None);
    assert!(stored[0].documents.is_empty());
    let history = db.history(ws).await.unwrap();
    assert_eq!(
        (history[0].action.as_str(), history[0].detail.as_str()),
        ("giải trình", "dòng 3.2.4")
    );
    assert_eq!(history.len(), 3);
    assert_recorded(db, ws).await;
}

pub async fn an_uploaded_notes_file_moves_every_version_on(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    db.save_note(ws, &note("1.1.1", "một", 0)).await.unwrap();
    db.save_note(ws, &note("1.1.1", "hai", 1)).await.unwrap();
    db.save_note(ws, &note("2.1", "ba", 0)).await.unwrap();
    db.set_proposals(ws, Some("cũ"), 0).await.unwrap();
    db.replace_notes(
        ws,
        &[note("2.1", "từ tệp", 0), note("3.1", "mới", 0)],
        Some("từ tệp"),
    )
    .await
    .unwrap();
    let stored = db.notes(ws).await.unwrap();
    let seen: Vec<(&str, Option<&str>, i64)> = stored
        .iter()
        .map(|n| (n.row_id.as_str(), n.explanation.as_deref(), n.version))
        .collect();
    // Above every version there was: a form opened on any of them is refused.
    assert_eq!(seen, [("2.1", Some("từ tệp"), 3), ("3.1", Some("mới"), 3)]);
    // ("1.1.1" is gone: a save over its old version finds nothing to update.)
    for (row, version) in [("2.1", 1), ("3.1", 0), ("1.1.1", 2)] {
        let late = db.save_note(ws, &note(row, "muộn", version)).await.unwrap();
        assert_eq!(late, Saved::Stale, "{row}");
    }
    let w = db.workspace(ws).await.unwrap().unwrap();
    assert_eq!(
        (w.proposals.as_deref(), w.proposals_version),
        (Some("từ tệp"), 2)
    );
    assert_eq!(
        db.set_proposals(ws, Some("muộn"), 1).await.unwrap(),
        Saved::Stale
    );
    assert_eq!(db.history(ws).await.unwrap()[0].action.as_str(), "ghi chú");
    // Emptied by an empty file.
    db.replace_notes(ws, &[], None).await.unwrap();
    assert!(db.notes(ws).await.unwrap().is_empty());
    assert_eq!(db.workspace(ws).await.unwrap().unwrap().proposals, None);
    assert_recorded(db, ws).await;
}

pub async fn attachments_come_by_row_then_id(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let other = db.create_workspace(&unit("STC")).await.unwrap();
    assert_eq!(
        db.add_attachment(ws, "3.2", "b.pdf", &sha(1), 5)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        db.add_attachment(other, "3.2", "x.pdf", &sha(1), 5)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        db.add_attachment(ws, "1.1", "a.pdf", &sha(2), 6)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        db.add_attachment(ws, "3.2", "c.pdf", &sha(3), 7)
            .await
            .unwrap(),
        4
    );
    let seen: Vec<(i64, String, String, i64)> = db
        .attachments(ws)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.row_id, a.display_name, a.size))
        .collect();
    assert_eq!(
        seen,
        [
            (3, "1.1".to_owned(), "a.pdf".to_owned(), 6),
            (1, "3.2".to_owned(), "b.pdf".to_owned(), 5),
            (4, "3.2".to_owned(), "c.pdf".to_owned(), 7),
        ]
    );
    assert_eq!(
        db.history(ws).await.unwrap()[0].detail,
        format!("dòng 3.2: c.pdf ({})", &sha(3)[..12])
    );
    assert_recorded(db, ws).await;
    // Taken off: only its own workspace's, once, said in the history.
    assert!(db.remove_attachment(other, 1).await.unwrap().is_none());
    let removed = db.remove_attachment(ws, 1).await.unwrap().expect("b.pdf");
    assert_eq!(
        (removed.row_id.as_str(), removed.display_name.as_str()),
        ("3.2", "b.pdf")
    );
    assert!(db.remove_attachment(ws, 1).await.unwrap().is_none());
    let left: Vec<i64> = db
        .attachments(ws)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, [3, 4]);
    assert_eq!(db.attachments(other).await.unwrap().len(), 1);
    let last = &db.history(ws).await.unwrap()[0];
    assert_eq!(
        (last.action.as_str(), last.detail.clone()),
        (
            "gỡ tệp đính kèm",
            format!("dòng 3.2: b.pdf ({})", &sha(1)[..12])
        )
    );
    assert_recorded(db, ws).await;
}

pub async fn criteria_sets_are_kept_once_oldest_first(f: Fresh) {
    let db = &*f.db;
    assert!(db.criteria_sets().await.unwrap().is_empty());
    // Within one second the hash orders them.
    db.add_criteria_set(&sha(9), "bo-b", "Bộ B", 2026)
        .await
        .unwrap();
    db.add_criteria_set(&sha(3), "bo-a", "Bộ A", 2026)
        .await
        .unwrap();
    db.add_criteria_set(&sha(9), "bo-b", "Bộ B lần hai", 2026)
        .await
        .unwrap();
    let sets = db.criteria_sets().await.unwrap();
    assert_eq!(sets.len(), 2);
    let mut sorted = sets.clone();
    sorted.sort();
    // Oldest first; the two made in the same second come by hash.
    if sets != sorted {
        assert_eq!(sets, [sha(9), sha(3)]);
    }
    assert_eq!(f.other.criteria_sets().await.unwrap(), sets);
}

pub async fn lists_are_in_byte_order_whatever_the_collation(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    // A natural-language collation would put "a_b" after "ab", "B" after "a", "Đ" by "D".
    let names = [
        "ab", "a_b", "B", "b", "Đ", "D", "Z", "3.10", "3.2", "_x", "éa", "ea",
    ];
    let facts: Vec<FactRow> = names.iter().map(|n| fact(n, "1", None)).collect();
    db.set_facts(ws, &facts, "thử", None).await.unwrap();
    let mut expected: Vec<&str> = names.to_vec();
    expected.sort_unstable();
    let got: Vec<String> = db
        .facts(ws)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(got, expected);
    for n in names {
        db.save_note(ws, &note(n, n, 0)).await.unwrap();
        db.add_attachment(ws, n, n, &sha(1), 1).await.unwrap();
        db.add_file(ws, &file(n, n, &sha(1))).await.unwrap();
    }
    let rows: Vec<String> = db
        .notes(ws)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.row_id)
        .collect();
    assert_eq!(rows, expected);
    let rows: Vec<String> = db
        .attachments(ws)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.row_id)
        .collect();
    assert_eq!(rows, expected);
    let slots: Vec<String> = db
        .files(ws)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.slot)
        .collect();
    assert_eq!(slots, expected);
}

pub async fn text_is_stored_as_given(f: Fresh) {
    let db = &*f.db;
    // Decomposed and precomposed Vietnamese, an emoji, quotes, a backslash, a control
    // character, SQL-looking text, and a long text.
    let texts = [
        "Sở Khoa học và Công nghệ".to_owned(),
        "So\u{31b} Khoa ho\u{323}c".to_owned(),
        "🙂 \"trích\" 'dẫn' \\ \t\u{1}".to_owned(),
        "'; DROP TABLE workspaces; --".to_owned(),
        "Giải trình ".repeat(20_000),
    ];
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    for (i, t) in texts.iter().enumerate() {
        let row = format!("r{i}");
        db.save_note(ws, &note(&row, t, 0)).await.unwrap();
        let got = db.notes(ws).await.unwrap();
        let n = got.iter().find(|n| n.row_id == row).unwrap();
        assert_eq!(n.explanation.as_deref(), Some(t.as_str()));
    }
    db.set_unit(ws, &texts[1], &texts[2], &texts[3])
        .await
        .unwrap();
    let w = f.other.workspace(ws).await.unwrap().unwrap();
    assert_eq!(
        (&w.unit_code, &w.unit_name, &w.unit_group),
        (&texts[1], &texts[2], &texts[3])
    );
    // An empty text is not NULL.
    db.set_proposals(ws, Some(""), 0).await.unwrap();
    assert_eq!(
        db.workspace(ws)
            .await
            .unwrap()
            .unwrap()
            .proposals
            .as_deref(),
        Some("")
    );
}

pub async fn text_with_nul_is_refused_and_nothing_is_written(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let nul = "trước\u{0}sau";
    let refused = |r: Result<_, DbError>| matches!(r, Err(DbError::NulInText(_)));
    assert!(refused(
        db.save_note(ws, &note("1.1", nul, 0)).await.map(|_| ())
    ));
    assert!(refused(
        db.save_note(ws, &note(nul, "x", 0)).await.map(|_| ())
    ));
    assert!(refused(
        db.set_facts(ws, &[fact("a", "1", Some(nul))], "x", None)
            .await
            .map(|_| ())
    ));
    assert!(refused(db.set_unit(ws, "A", nul, "so").await));
    assert!(refused(
        db.set_proposals(ws, Some(nul), 0).await.map(|_| ())
    ));
    assert!(refused(
        db.replace_notes(ws, &[note("1.1", nul, 0)], None).await
    ));
    assert!(refused(
        db.add_attachment(ws, "1.1", nul, &sha(1), 1)
            .await
            .map(|_| ())
    ));
    assert!(refused(
        db.add_file(ws, &file("documents", nul, &sha(1)))
            .await
            .map(|_| ())
    ));
    let mut bad = unit("X");
    bad.unit_name = nul.to_owned();
    assert!(refused(db.create_workspace(&bad).await.map(|_| ())));
    assert!(refused(db.add_criteria_set(&sha(1), "b", nul, 2026).await));
    assert_eq!(db.workspaces().await.unwrap().len(), 1);
    assert_eq!(db.workspace(ws).await.unwrap().unwrap().revision, 1);
    assert!(db.notes(ws).await.unwrap().is_empty());
    assert!(db.criteria_sets().await.unwrap().is_empty());
}

pub async fn a_missing_workspace_or_file_is_none(f: Fresh) {
    let db = &*f.db;
    assert_eq!(db.workspace(1).await.unwrap(), None);
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let other = db.create_workspace(&unit("STC")).await.unwrap();
    db.add_file(other, &file("documents", "documents.csv", &sha(1)))
        .await
        .unwrap();
    assert_eq!(db.restore_file(ws, 1).await.unwrap(), None);
    assert_eq!(db.restore_file(ws, 99).await.unwrap(), None);
    assert_eq!(db.workspace(ws).await.unwrap().unwrap().revision, 1);
    assert!(db.files(ws).await.unwrap().is_empty());
    assert!(db.history(99).await.unwrap().is_empty());
    assert!(db.facts(99).await.unwrap().is_empty());
    assert!(db.notes(99).await.unwrap().is_empty());
    assert!(db.attachments(99).await.unwrap().is_empty());
}

pub async fn writers_on_two_handles_lose_nothing(f: Fresh) {
    const EACH: usize = 6;
    let first = f.db.create_workspace(&unit("DAU")).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..2 * EACH {
        // Half the writers on each handle: two processes on one database.
        let db = Arc::clone(if i % 2 == 0 { &f.db } else { &f.other });
        tasks.push(tokio::spawn(async move {
            let ws = db.create_workspace(&unit(&format!("U{i}"))).await.unwrap();
            let version = db
                .add_file(ws, &file("documents", "documents.csv", &sha(1)))
                .await
                .unwrap();
            assert_eq!(version, 1);
            assert_eq!(
                db.save_note(ws, &note("1.1", &format!("của {i}"), 0))
                    .await
                    .unwrap(),
                Saved::Yes(1)
            );
            db.add_attachment(first, "1.1", &format!("{i}.pdf"), &sha(2), 1)
                .await
                .unwrap();
            db.add_file(first, &file("documents", &format!("{i}.csv"), &sha(3)))
                .await
                .unwrap();
            // Everyone saves the first workspace's row at version 0: one wins.
            let shared = db
                .save_note(first, &note("9.9", &format!("người {i}"), 0))
                .await
                .unwrap();
            // And its facts over the empty digest: one wins.
            let facts = db
                .set_facts(
                    first,
                    &[fact("n", &i.to_string(), None)],
                    "biểu mẫu",
                    Some(&facts_digest(&[])),
                )
                .await
                .unwrap();
            (ws, shared, facts)
        }));
    }
    let mut notes_won = 0;
    let mut facts_won = 0;
    let mut made = Vec::new();
    for t in tasks {
        let (ws, shared, facts) = t.await.unwrap();
        made.push(ws);
        notes_won += usize::from(shared != Saved::Stale);
        facts_won += usize::from(facts != Saved::Stale);
    }
    assert_eq!((notes_won, facts_won), (1, 1));
    made.sort_unstable();
    let expected: Vec<i64> = (2..=(2 * EACH as i64 + 1)).collect();
    assert_eq!(made, expected);
    for db in [&f.db, &f.other] {
        let all: Vec<i64> = db
            .workspaces()
            .await
            .unwrap()
            .iter()
            .map(|w| w.id)
            .collect();
        assert_eq!(all.len(), 2 * EACH + 1);
        for ws in &all {
            assert_recorded(&**db, *ws).await;
        }
    }
    let files = f.db.files(first).await.unwrap();
    let versions: Vec<i64> = files.iter().map(|f| f.version).collect();
    let expected: Vec<i64> = (1..=(2 * EACH as i64)).rev().collect();
    assert_eq!(versions, expected);
    assert_eq!(files.iter().filter(|f| f.active).count(), 1);
    assert_eq!(f.db.attachments(first).await.unwrap().len(), 2 * EACH);
    assert_eq!(f.other.facts(first).await.unwrap().len(), 1);
    // Every history id once, across every workspace.
    let mut ids = Vec::new();
    for ws in 1..=(2 * EACH as i64 + 1) {
        ids.extend(f.db.history(ws).await.unwrap().iter().map(|h| h.id));
    }
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count);
    assert_eq!(ids.last().copied(), Some(count as i64));
}

fn account<'a>(login: &'a str, role: &'a str, unit: Option<&'a str>) -> NewAccount<'a> {
    NewAccount {
        login,
        display_name: login,
        password_hash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
        role,
        unit_code: unit,
        agency: None,
        fields: &[],
    }
}

const ADMIN: Who<'static> = Who {
    account: 1,
    login: "admin",
};

/// An administrator (account 1) and a campaign (1) with the units `codes`.
async fn campaign(db: &dyn Database, codes: &[&str]) -> i64 {
    db.create_account(&account("admin", "admin", None), None, 100)
        .await
        .unwrap();
    let c = db
        .create_campaign(
            &NewCampaign {
                title: "Đợt 2026",
                year: 2026,
                criteria_id: "province-mini-2026",
                criteria_sha256: &sha(9),
                as_of: "2026-12-31",
                self_end: "2026-12-15",
                round1_end: "2027-01-10",
                explain_end: "2027-01-20",
                round2_end: "2027-01-31",
            },
            ADMIN,
            101,
        )
        .await
        .unwrap();
    for code in codes {
        db.add_campaign_unit(c, &unit(code), ADMIN, 102)
            .await
            .unwrap()
            .unwrap();
    }
    c
}

fn snapshot(n: u8) -> NewSubmission<'static> {
    NewSubmission {
        folder_sha256: if n == 1 { "f1" } else { "f2" },
        report_sha256: if n == 1 { "r1" } else { "r2" },
        fingerprint: "fp",
        points: "16.91",
        score_index: Some("84.55"),
    }
}

pub async fn accounts_are_one_per_login_and_sessions_end(f: Fresh) {
    let db = &*f.db;
    assert_eq!(db.account_count().await.unwrap(), 0);
    let admin = db
        .create_account(&account("admin", "admin", None), None, 10)
        .await
        .unwrap();
    assert_eq!(admin, Some(1));
    assert_eq!(
        db.create_account(&account("admin", "officer", Some("X")), None, 11)
            .await
            .unwrap(),
        None,
        "the login is taken"
    );
    let fields = ["1".to_owned(), "3".to_owned()];
    let mut appraiser = account("stp", "appraiser", None);
    appraiser.fields = &fields;
    appraiser.agency = Some("Sở Tư pháp");
    assert_eq!(
        db.create_account(&appraiser, Some(ADMIN), 12)
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(db.account_count().await.unwrap(), 2);
    let stp = db.account_by_login("stp").await.unwrap().unwrap();
    assert_eq!(stp.fields, fields);
    assert_eq!(stp.agency.as_deref(), Some("Sở Tư pháp"));
    assert!(stp.active);
    assert_eq!(db.account(2).await.unwrap(), Some(stp.clone()));
    assert!(db.account_by_login("STP").await.unwrap().is_none(), "exact");
    assert_eq!(db.accounts().await.unwrap().len(), 2);

    db.create_session("s1", 2, 20, 100).await.unwrap();
    db.create_session("s2", 2, 20, 100).await.unwrap();
    assert_eq!(db.session_account("s1", 99).await.unwrap(), Some(stp));
    assert_eq!(
        db.session_account("s1", 100).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(db.session_account("nope", 50).await.unwrap(), None);
    db.delete_session("s1").await.unwrap();
    assert_eq!(db.session_account("s1", 50).await.unwrap(), None);
    // Closing the account ends its sessions; opening it again does not bring them back.
    assert!(db.set_account_active(2, false, ADMIN, 30).await.unwrap());
    assert_eq!(db.session_account("s2", 50).await.unwrap(), None);
    assert!(db.set_account_active(2, true, ADMIN, 31).await.unwrap());
    assert_eq!(db.session_account("s2", 50).await.unwrap(), None);
    db.create_session("s3", 2, 40, 1000).await.unwrap();
    assert!(db
        .set_password(2, "$argon2id$new", ADMIN, 41)
        .await
        .unwrap());
    assert_eq!(
        db.session_account("s3", 50).await.unwrap(),
        None,
        "a new password"
    );
    assert!(!db.set_password(99, "x", ADMIN, 42).await.unwrap());
    assert!(!db.set_account_active(99, false, ADMIN, 42).await.unwrap());
}

pub async fn a_unit_moves_only_from_the_state_it_is_in(f: Fresh) {
    let db = &*f.db;
    let c = campaign(db, &["SKHCN", "STP"]).await;
    assert_eq!(
        db.add_campaign_unit(c, &unit("SKHCN"), ADMIN, 103)
            .await
            .unwrap(),
        None,
        "the code is taken"
    );
    assert_eq!(
        db.add_campaign_unit(99, &unit("X"), ADMIN, 103)
            .await
            .unwrap(),
        None
    );
    let units = db.campaign_units(c).await.unwrap();
    let codes: Vec<&str> = units.iter().map(|u| u.unit_code.as_str()).collect();
    assert_eq!(codes, ["SKHCN", "STP"]);
    assert!(units.iter().all(|u| u.state == "drafting"));
    let ws = units[0].workspace_id;
    assert_eq!(
        db.campaign_unit_of(ws).await.unwrap(),
        Some(units[0].clone())
    );
    assert_eq!(db.workspace(ws).await.unwrap().unwrap().unit_code, "SKHCN");

    let officer = Who {
        account: 1,
        login: "admin",
    };
    let step = |from: &'static str, to: &'static str, s: Option<NewSubmission<'static>>| async move {
        db.move_unit(c, "SKHCN", from, to, s.as_ref(), officer, 200)
            .await
            .unwrap()
    };
    assert_eq!(
        step("with_leader", "submitted", Some(snapshot(1))).await,
        Saved::Stale
    );
    assert!(
        db.submissions(c, "SKHCN").await.unwrap().is_empty(),
        "nothing written"
    );
    assert_eq!(step("drafting", "with_leader", None).await, Saved::Yes(0));
    let Saved::Yes(first) = step("with_leader", "submitted", Some(snapshot(1))).await else {
        panic!("submitted");
    };
    assert!(first > 0);
    assert_eq!(step("submitted", "drafting", None).await, Saved::Yes(0));
    assert_eq!(step("drafting", "with_leader", None).await, Saved::Yes(0));
    let Saved::Yes(second) = step("with_leader", "submitted", Some(snapshot(2))).await else {
        panic!("submitted again");
    };
    let subs = db.submissions(c, "SKHCN").await.unwrap();
    assert_eq!(
        subs.iter().map(|s| s.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert_eq!(subs[0].withdrawn_at, Some(200));
    assert_eq!(subs[1].withdrawn_at, None);
    assert_eq!(subs[1].folder_sha256, "f2");
    assert_eq!(subs[1].score_index.as_deref(), Some("84.55"));
    assert_eq!(db.submission(second).await.unwrap(), Some(subs[1].clone()));
    let units = db.campaign_units(c).await.unwrap();
    assert_eq!(
        (units[0].state.as_str(), units[1].state.as_str()),
        ("submitted", "drafting")
    );
    assert_recorded(db, ws).await;
}

fn appraisal(round: i64, points: &str, version: i64) -> AppraisalRow {
    AppraisalRow {
        campaign_id: 1,
        unit_code: "SGDDT".to_owned(),
        row_id: "1.1".to_owned(),
        round,
        points: points.to_owned(),
        note: format!("vòng {round}"),
        agency: "Sở Nội vụ".to_owned(),
        account_id: 1,
        at: 300,
        version,
    }
}

pub async fn appraisals_and_answers_are_saved_over_their_version_only(f: Fresh) {
    let db = &*f.db;
    let c = campaign(db, &["SGDDT"]).await;
    assert_eq!(c, 1);
    assert_eq!(
        db.save_appraisal(&appraisal(1, "0", 0), ADMIN)
            .await
            .unwrap(),
        Saved::Yes(1)
    );
    assert_eq!(
        db.save_appraisal(&appraisal(1, "0.5", 0), ADMIN)
            .await
            .unwrap(),
        Saved::Stale
    );
    assert_eq!(
        db.save_appraisal(&appraisal(1, "0.5", 1), ADMIN)
            .await
            .unwrap(),
        Saved::Yes(2)
    );
    assert_eq!(
        db.save_appraisal(&appraisal(2, "1", 0), ADMIN)
            .await
            .unwrap(),
        Saved::Yes(1)
    );
    let rows = db.appraisals(c, Some("SGDDT")).await.unwrap();
    let got: Vec<(i64, &str, i64)> = rows
        .iter()
        .map(|r| (r.round, r.points.as_str(), r.version))
        .collect();
    assert_eq!(got, [(1, "0.5", 2), (2, "1", 1)]);
    assert_eq!(db.appraisals(c, None).await.unwrap(), rows);
    assert!(db.appraisals(c, Some("OTHER")).await.unwrap().is_empty());

    let answer = |note: &str, version| AnswerRow {
        campaign_id: c,
        unit_code: "SGDDT".to_owned(),
        row_id: "1.1".to_owned(),
        note: note.to_owned(),
        documents: vec![AnswerDocument {
            display_name: "phu-luc.pdf".to_owned(),
            sha256: sha(4),
            size: 12,
        }],
        account_id: 1,
        at: 400,
        version,
    };
    assert_eq!(
        db.save_answer(&answer("bổ sung", 0), ADMIN).await.unwrap(),
        Saved::Yes(1)
    );
    assert_eq!(
        db.save_answer(&answer("lần hai", 0), ADMIN).await.unwrap(),
        Saved::Stale
    );
    let answers = db.answers(c, "SGDDT").await.unwrap();
    assert_eq!(
        answers,
        [AnswerRow {
            version: 1,
            ..answer("bổ sung", 0)
        }]
    );
}

pub async fn the_history_says_who_and_before_and_after(f: Fresh) {
    let db = &*f.db;
    let c = campaign(db, &["SGDDT"]).await;
    db.save_appraisal(&appraisal(1, "0", 0), ADMIN)
        .await
        .unwrap();
    db.save_appraisal(&appraisal(1, "0.5", 1), ADMIN)
        .await
        .unwrap();
    // A new round's "before" is the round before's points.
    db.save_appraisal(&appraisal(2, "1", 0), ADMIN)
        .await
        .unwrap();
    assert!(db.set_survey(c, &sha(5), ADMIN, 500).await.unwrap());
    assert!(db.publish(c, ADMIN, 600).await.unwrap());
    assert!(db.publish(c, ADMIN, 700).await.unwrap(), "once");
    assert!(!db.publish(99, ADMIN, 700).await.unwrap());
    let campaign = db.campaign(c).await.unwrap().unwrap();
    assert_eq!(campaign.survey_sha256, Some(sha(5)));
    assert_eq!(campaign.published_at, Some(600));
    let all = db.province_history().await.unwrap();
    type Line<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    let lines: Vec<Line<'_>> = all
        .iter()
        .map(|h| {
            (
                h.actor.as_deref(),
                h.unit_code.as_deref(),
                h.action.as_str(),
                h.before_value.as_deref(),
                h.after_value.as_deref(),
            )
        })
        .collect();
    let survey = sha(5);
    assert_eq!(
        lines,
        [
            (Some("admin"), None, "công bố kết quả", None, None),
            (
                Some("admin"),
                None,
                "kết quả điều tra xã hội học",
                None,
                Some(survey.as_str())
            ),
            (
                Some("admin"),
                Some("SGDDT"),
                "thẩm định",
                Some("0.5"),
                Some("1"),
            ),
            (
                Some("admin"),
                Some("SGDDT"),
                "thẩm định",
                Some("0"),
                Some("0.5")
            ),
            (Some("admin"), Some("SGDDT"), "thẩm định", None, Some("0")),
            (
                Some("admin"),
                Some("SGDDT"),
                "thêm đơn vị vào đợt",
                None,
                None
            ),
            (Some("admin"), None, "tạo đợt đánh giá", None, None),
            (None, None, "tạo tài khoản", None, None),
        ]
    );
    assert_eq!(all[0].at, 600);
    // A workspace's own history is its part of the province's, and its entries name it.
    let ws = db.campaign_units(c).await.unwrap()[0].workspace_id;
    let own = db.history(ws).await.unwrap();
    assert_eq!(own.len(), 4);
    assert!(own
        .iter()
        .all(|h| h.workspace_id == Some(ws) && h.campaign_id == Some(c)));
    assert_recorded(db, ws).await;
    // An officer's own-app change names the unit too, and no one.
    let solo = db.create_workspace(&unit("SOLO")).await.unwrap();
    let entry = &db.history(solo).await.unwrap()[0];
    assert_eq!(
        (entry.unit_code.as_deref(), entry.actor.as_deref()),
        (Some("SOLO"), None)
    );
}

pub async fn submitting_on_two_handles_submits_once(f: Fresh) {
    let c = campaign(&*f.db, &["SKHCN"]).await;
    f.db.move_unit(c, "SKHCN", "drafting", "with_leader", None, ADMIN, 200)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let db = Arc::clone(if i % 2 == 0 { &f.db } else { &f.other });
        tasks.push(tokio::spawn(async move {
            db.move_unit(
                c,
                "SKHCN",
                "with_leader",
                "submitted",
                Some(&snapshot(1)),
                ADMIN,
                201,
            )
            .await
            .unwrap()
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap() != Saved::Stale);
    }
    assert_eq!(won, 1);
    assert_eq!(f.other.submissions(c, "SKHCN").await.unwrap().len(), 1);
}

pub async fn an_upload_s_files_are_kept_together_or_not_at_all(f: Fresh) {
    let db = &*f.db;
    let ws = db.create_workspace(&unit("SKHCN")).await.unwrap();
    let (a, b) = (sha(1), sha(2));
    let versions = db
        .add_files(
            ws,
            &[
                file("documents", "documents.csv", &a),
                file("dossiers", "dossiers.csv", &b),
                file("documents", "documents.xlsx", &b),
            ],
        )
        .await
        .unwrap();
    assert_eq!(versions, [1, 1, 2]);
    let files = db.files(ws).await.unwrap();
    let active: Vec<(&str, i64)> = files
        .iter()
        .filter(|f| f.active)
        .map(|f| (f.slot.as_str(), f.version))
        .collect();
    assert_eq!(active, [("documents", 2), ("dossiers", 1)]);
    assert_recorded(db, ws).await;
    // One file that cannot be stored: none of the upload is.
    let before = db.files(ws).await.unwrap();
    let got = db
        .add_files(
            ws,
            &[
                file("documents", "documents.csv", &a),
                file("reports", "bad\u{0}.csv", &b),
            ],
        )
        .await;
    assert!(matches!(got, Err(DbError::NulInText(_))), "{got:?}");
    assert_eq!(db.files(ws).await.unwrap(), before);
    assert_recorded(db, ws).await;
}
