//! A workspace as an evidence folder: what the library reads, and what an export holds.
//!
//! The folder is made from the database and the blobs on every read ([`FolderFiles`], the
//! library's `Files` over the snapshot: nothing is written), and read by
//! `CompiledCriteria::read_and_score` like any folder on disk: the web app scores exactly what
//! `parindex score` scores on the exported zip. Names in the folder are chosen here (a table's
//! own file name, a fixed name for a workbook), never an uploader's.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use parindex_core::{Files, FsFiles};

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::store::{Attachment, FactRow, FileVersion, NoteDocument, NoteRow, Workspace};

/// A snapshot's evidence folder as the library reads it, at a path of no file system
/// ([`FolderFiles::ROOT`]): the files the database makes (`unit.toml`, `facts.toml`,
/// `notes.toml`) from memory, the tables streamed from their blobs (through [`FsFiles`], which
/// refuses what is not a regular file), and the files of an upload being tried, before they
/// are stored: from memory, or from the store's temporary folder they were received in.
#[derive(Debug, Default)]
pub struct FolderFiles {
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug)]
enum Entry {
    Bytes(Vec<u8>),
    Shared(Bytes),
    Blob(PathBuf),
}

impl FolderFiles {
    /// Where the folder is, for the library: every name in it is `ROOT/name`.
    pub const ROOT: &'static str = "evidence";

    pub fn root() -> &'static Path {
        Path::new(Self::ROOT)
    }

    pub fn insert_bytes(&mut self, name: String, bytes: Vec<u8>) {
        self.entries.insert(name, Entry::Bytes(bytes));
    }

    pub fn insert_shared(&mut self, name: String, bytes: Bytes) {
        self.entries.insert(name, Entry::Shared(bytes));
    }

    pub fn insert_blob(&mut self, name: String, path: PathBuf) {
        self.entries.insert(name, Entry::Blob(path));
    }

    fn entry(&self, path: &Path) -> io::Result<&Entry> {
        let name = (path.parent() == Some(Self::root()))
            .then(|| path.file_name())
            .flatten()
            .and_then(|n| n.to_str());
        name.and_then(|n| self.entries.get(n))
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

impl Files for FolderFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.entry(path)? {
            Entry::Bytes(b) => Ok(b.clone()),
            Entry::Shared(b) => Ok(b.to_vec()),
            Entry::Blob(blob) => FsFiles.read(blob),
        }
    }

    fn is_dir(&self, path: &Path) -> bool {
        path == Self::root()
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        if dir != Self::root() {
            return Err(io::ErrorKind::NotFound.into());
        }
        Ok(self.entries.keys().map(|n| dir.join(n)).collect())
    }

    fn dirs(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        if dir != Self::root() {
            return Err(io::ErrorKind::NotFound.into());
        }
        Ok(Vec::new())
    }

    fn open(&self, path: &Path) -> io::Result<(Box<dyn io::Read + '_>, u64)> {
        match self.entry(path)? {
            Entry::Bytes(b) => Ok((Box::new(io::Cursor::new(b.as_slice())), b.len() as u64)),
            Entry::Shared(b) => Ok((Box::new(io::Cursor::new(&b[..])), b.len() as u64)),
            Entry::Blob(blob) => FsFiles.open(blob),
        }
    }

    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.entry(path)? {
            Entry::Blob(blob) => FsFiles.read_at_most(blob, limit),
            _ => {
                let bytes = self.read(path)?;
                if bytes.len() as u64 > limit {
                    return Err(parindex_core::files::too_large(bytes.len() as u64, limit));
                }
                Ok(bytes)
            }
        }
    }
}

/// The folder attachments are exported under.
pub const ATTACHMENTS_DIR: &str = "tai-lieu-kiem-chung";

/// A workspace's whole state, as one read of the database.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub ws: Workspace,
    /// The active file of each slot.
    pub files: Vec<FileVersion>,
    pub facts: Vec<FactRow>,
    pub notes: Vec<NoteRow>,
    pub attachments: Vec<Attachment>,
    /// The campaign's as-of date, for a campaign's unit (else the set's default).
    pub as_of: Option<parindex_core::Date>,
    /// The encoding text exports are read in (`parindex score --encoding`).
    pub encoding: parindex_core::evidence::TextEncoding,
}

/// One file of the folder.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A stored blob, by hash.
    Blob(String),
}

#[derive(Debug, Serialize)]
struct UnitToml<'a> {
    code: &'a str,
    name: &'a str,
    group: &'a str,
}

/// `notes.toml` as the library reads it (`evidence/notes.rs`).
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NotesToml {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kho_khan_kien_nghi: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tieu_chi: BTreeMap<String, NotesRowToml>,
}

#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NotesRowToml {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub giai_trinh: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tai_lieu: Vec<DocToml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diem_de_nghi: Option<toml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ly_do: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocToml {
    pub so_ky_hieu: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ngay: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trich_yeu: Option<String>,
}

/// The first 12 hex digits of a hash: how an attachment is named in the report.
pub fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// A display name reduced to letters, digits, `.`, `-` and `_`, for a name inside the
/// exported zip (never a path on the server).
pub fn safe_component(name: &str) -> String {
    let folded = parindex_core::evidence::fold_header(name);
    let mut out: String = folded
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    if out.is_empty() {
        out.push_str("tep");
    }
    out
}

/// Where an attachment lies in the exported folder.
pub fn attachment_path(a: &Attachment) -> String {
    format!(
        "{ATTACHMENTS_DIR}/{}-{}",
        short(&a.sha256),
        safe_component(&a.display_name)
    )
}

/// The TLKC entry an attachment adds to its row's `tai_lieu`.
pub fn attachment_document(a: &Attachment) -> NoteDocument {
    NoteDocument {
        number: format!("{} [SHA-256 {}]", a.display_name, short(&a.sha256)),
        date: None,
        subject: Some(format!("tệp đính kèm {}", attachment_path(a))),
    }
}

/// A stored fact literal as a TOML value.
pub fn literal_value(literal: &str) -> Result<toml::Value, AppError> {
    let mut table: toml::Table = toml::from_str(&format!("v = {literal}"))
        .map_err(|e| AppError::Internal(format!("giá trị số liệu đã lưu: {e}")))?;
    table
        .remove("v")
        .ok_or_else(|| AppError::Internal("giá trị số liệu đã lưu".to_owned()))
}

fn toml_text<T: Serialize>(what: &str, value: &T) -> Result<Vec<u8>, AppError> {
    toml::to_string(value)
        .map(String::into_bytes)
        .map_err(|e| AppError::Internal(format!("{what}: {e}")))
}

/// A declared-points text as TOML: a number stays a number, anything else a string (the
/// library checks it).
fn points_value(text: &str) -> toml::Value {
    match text.trim().parse::<i64>() {
        Ok(n) => toml::Value::Integer(n),
        Err(_) => toml::Value::String(text.trim().to_owned()),
    }
}

impl Snapshot {
    /// Every file of the evidence folder, by its name in it. `with_attachments` adds the
    /// attached files themselves (an export); the library never reads them.
    pub fn contents(&self, with_attachments: bool) -> Result<Vec<(String, Content)>, AppError> {
        let mut out = Vec::new();
        out.push((
            "unit.toml".to_owned(),
            Content::Bytes(toml_text(
                "unit.toml",
                &UnitToml {
                    code: &self.ws.unit_code,
                    name: &self.ws.unit_name,
                    group: &self.ws.unit_group,
                },
            )?),
        ));
        for f in &self.files {
            out.push((f.stored_name.clone(), Content::Blob(f.sha256.clone())));
        }
        if !self.facts.is_empty() {
            let mut table = toml::Table::new();
            for f in &self.facts {
                let value = literal_value(&f.literal)?;
                let entry = match &f.source {
                    Some(source) => {
                        let mut t = toml::Table::new();
                        t.insert("value".to_owned(), value);
                        t.insert("source".to_owned(), toml::Value::String(source.clone()));
                        toml::Value::Table(t)
                    }
                    None => value,
                };
                table.insert(f.name.clone(), entry);
            }
            out.push((
                "facts.toml".to_owned(),
                Content::Bytes(toml_text("facts.toml", &table)?),
            ));
        }
        if let Some(notes) = self.notes_toml() {
            out.push((
                parindex_core::evidence::NOTES_FILE.to_owned(),
                Content::Bytes(toml_text("notes.toml", &notes)?),
            ));
        }
        if with_attachments {
            for a in &self.attachments {
                out.push((attachment_path(a), Content::Blob(a.sha256.clone())));
            }
        }
        Ok(out)
    }

    /// `notes.toml`, when there is anything to write: the notes, part 3 and the attachments
    /// (as documents of their rows).
    fn notes_toml(&self) -> Option<NotesToml> {
        let mut notes = NotesToml {
            kho_khan_kien_nghi: self.ws.proposals.clone(),
            tieu_chi: BTreeMap::new(),
        };
        for n in &self.notes {
            let row = notes.tieu_chi.entry(n.row_id.clone()).or_default();
            row.giai_trinh = n.explanation.clone();
            row.diem_de_nghi = n.declared_points.as_deref().map(points_value);
            row.ly_do = n.declared_reason.clone();
            row.tai_lieu.extend(n.documents.iter().map(doc_toml));
        }
        for a in &self.attachments {
            let row = notes.tieu_chi.entry(a.row_id.clone()).or_default();
            row.tai_lieu.push(doc_toml(&attachment_document(a)));
        }
        notes.tieu_chi.retain(|_, r| {
            r.giai_trinh.is_some()
                || !r.tai_lieu.is_empty()
                || r.diem_de_nghi.is_some()
                || r.ly_do.is_some()
        });
        if notes.kho_khan_kien_nghi.is_none() && notes.tieu_chi.is_empty() {
            return None;
        }
        Some(notes)
    }
}

fn doc_toml(d: &NoteDocument) -> DocToml {
    DocToml {
        so_ky_hieu: d.number.clone(),
        ngay: d.date.clone(),
        trich_yeu: d.subject.clone(),
    }
}
