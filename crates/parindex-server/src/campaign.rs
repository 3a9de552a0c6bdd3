//! The province's campaign, for the pages and the API alike: accounts, campaigns and their
//! units, the submission's steps, appraisal rounds and answers, the survey, consolidation and
//! ranking, the history. Every rule is `parindex-campaign`'s; every score the library's:
//!
//! - a submission is the unit's evidence folder (the workspace's export, a zip) and its report
//!   at the campaign's as-of date, both kept as blobs before the one transaction that submits
//!   them — killed in between, the unit is not submitted and the blobs are unreferenced;
//! - appraisal points are tried as the unit's `appraisal.csv` with the library (the same
//!   rules and refusals as a file an officer brings) before they are saved;
//! - the consolidation is a province folder (each unit's submitted folder, its
//!   `appraisal.csv`, the province's `survey.csv`) scored by the library's province reading
//!   and ranked by `Ranking::of`, exactly what `parindex rank` gives on that folder, which the
//!   administrator can download.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use parindex_campaign::appraisal::{self, Line};
use parindex_campaign::password;
use parindex_campaign::submission::Standing;
use parindex_campaign::{permits, Action, Actor, Deadlines, Phase, Role, State, Step};
use parindex_core::rank::Ranking;
use parindex_core::{Date, MemoryFiles, ReadOptions, Report};
use parindex_db::{
    AnswerDocument, AnswerRow, AppraisalRow, CampaignRow, CampaignUnit, NewAccount, NewCampaign,
    NewSubmission, NewWorkspace, Saved, SubmissionRow, Who,
};
use serde::Serialize;

use crate::auth::Viewer;
use crate::error::{AppError, Problem};
use crate::service::{form_text, App};

/// Where a folder held in memory is, for the library.
const ROOT: &str = "evidence";

/// A campaign's deadlines, from its stored dates.
pub fn deadlines_of(c: &CampaignRow) -> Result<Deadlines, AppError> {
    let d = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::Internal(format!("đợt {}: ngày lạ {s:?}", c.id)))
    };
    Ok(Deadlines::new(
        d(&c.self_end)?,
        d(&c.round1_end)?,
        d(&c.explain_end)?,
        d(&c.round2_end)?,
    )?)
}

/// A date as the administrator types it: `dd/mm/yyyy` or ISO.
fn date_field(what: &str, text: &str) -> Result<NaiveDate, AppError> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .map_err(|_| {
            AppError::BadRequest(format!(
                "{what}: «{}» không phải ngày (cần dd/mm/yyyy)",
                parindex_core::visible::visible(t)
            ))
        })
}

/// A unit code or login as the server accepts it: letters, digits, `-`, `_`, `.`, at most 64.
fn code_field(what: &str, text: &str) -> Result<String, AppError> {
    let t = text.trim();
    let ok = !t.is_empty()
        && t.len() <= 64
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(t.to_owned())
    } else {
        Err(AppError::BadRequest(format!(
            "{what} «{}» không hợp lệ: chỉ dùng chữ không dấu, chữ số, «-», «_», «.» (tối đa 64 ký tự)",
            parindex_core::visible::visible(t)
        )))
    }
}

fn who(actor: &Actor) -> Who<'_> {
    Who {
        account: actor.account,
        login: &actor.login,
    }
}

/// A new account, as the administrator's form gives it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AccountForm {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub agency: String,
    /// Space- or comma-separated field ids.
    #[serde(default)]
    pub fields: String,
}

/// A new campaign, as the administrator's form gives it (dates `dd/mm/yyyy`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CampaignForm {
    pub title: String,
    /// A criteria set's key (its SHA-256, as the sets' list gives it).
    pub criteria: String,
    #[serde(default)]
    pub as_of: String,
    pub self_end: String,
    pub round1_end: String,
    pub explain_end: String,
    pub round2_end: String,
}

/// A unit of a campaign as the dashboard shows it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitStanding {
    pub code: String,
    pub name: String,
    pub group: String,
    pub workspace: i64,
    /// `parindex_campaign::Standing::as_str`.
    pub standing: &'static str,
    pub standing_vi: &'static str,
    /// The latest submission's total and index, as the JSON writes them.
    pub points: Option<String>,
    pub index: Option<String>,
    pub submission: Option<i64>,
    pub appraised_rows: usize,
}

/// The campaign as the dashboard shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub id: i64,
    pub title: String,
    pub year: i64,
    pub criteria_id: String,
    pub as_of: String,
    pub phase: &'static str,
    pub phase_vi: &'static str,
    pub deadlines: [String; 4],
    pub survey: bool,
    pub published: bool,
    pub units: Vec<UnitStanding>,
}

/// The campaign's consolidated result: every unit's final report and the ranking, and the
/// province folder they were scored from.
#[derive(Debug)]
pub struct Consolidation {
    pub reports: Vec<Report>,
    pub ranking: Ranking,
    pub folder: Vec<(String, Vec<u8>)>,
}

impl App {
    /// Creates the first administrator, from the command line: refused once any account
    /// exists.
    pub async fn create_first_admin(
        &self,
        login: &str,
        display_name: &str,
        password_text: &str,
    ) -> Result<i64, AppError> {
        if self.db.account_count().await? > 0 {
            return Err(AppError::Conflict(
                "đã có tài khoản: quản trị viên tạo thêm tài khoản trên trang Tài khoản".to_owned(),
            ));
        }
        let form = AccountForm {
            login: login.to_owned(),
            display_name: display_name.to_owned(),
            password: password_text.to_owned(),
            role: Role::Admin.as_str().to_owned(),
            unit_code: String::new(),
            agency: String::new(),
            fields: String::new(),
        };
        self.insert_account(&form, None).await
    }

    /// An account made by the administrator.
    pub async fn create_account(
        &self,
        viewer: &Viewer,
        form: &AccountForm,
    ) -> Result<i64, AppError> {
        let actor = viewer.permitted(Action::ManageProvince)?;
        self.insert_account(form, Some(who(actor))).await
    }

    /// An account from its form, checked; `who` made it (`None`: the command line).
    async fn insert_account(
        &self,
        form: &AccountForm,
        by: Option<Who<'_>>,
    ) -> Result<i64, AppError> {
        let login = code_field("tên đăng nhập", &form.login)?;
        let role = Role::parse(form.role.trim()).ok_or_else(|| {
            AppError::BadRequest(format!(
                "vai trò «{}» không có: chọn admin, officer, leader, appraiser hoặc auditor",
                parindex_core::visible::visible(&form.role)
            ))
        })?;
        let unit = if role.has_unit() {
            Some(code_field("mã đơn vị", &form.unit_code)?)
        } else {
            None
        };
        let fields: Vec<String> = form
            .fields
            .split([' ', ','])
            .filter(|f| !f.is_empty())
            .map(|f| code_field("lĩnh vực", f))
            .collect::<Result<_, _>>()?;
        let agency = form_text(&form.agency);
        if role == Role::Appraiser && (fields.is_empty() || agency.is_none()) {
            return Err(AppError::BadRequest(
                "cơ quan thẩm định cần tên cơ quan (ví dụ «Sở Tư pháp») và ít nhất một lĩnh vực \
                 (ví dụ «1 3»)"
                    .to_owned(),
            ));
        }
        let hash = password::hash(&form.password, self.accounts.cost)?;
        let name = form_text(&form.display_name).unwrap_or_else(|| login.clone());
        self.db
            .create_account(
                &NewAccount {
                    login: &login,
                    display_name: &name,
                    password_hash: &hash,
                    role: role.as_str(),
                    unit_code: unit.as_deref(),
                    agency: agency.as_deref(),
                    fields: if role == Role::Appraiser {
                        &fields
                    } else {
                        &[]
                    },
                },
                by,
                self.accounts.now(),
            )
            .await?
            .ok_or_else(|| AppError::Conflict(format!("tên đăng nhập {login} đã có")))
    }

    pub async fn create_campaign(
        &self,
        viewer: &Viewer,
        form: &CampaignForm,
    ) -> Result<i64, AppError> {
        let actor = viewer.permitted(Action::ManageProvince)?;
        let title = form_text(&form.title)
            .ok_or_else(|| AppError::BadRequest("đợt đánh giá cần tên".to_owned()))?;
        let set = self.find_set(form.criteria.trim()).await?.ok_or_else(|| {
            AppError::BadRequest(
                "không có bộ tiêu chí đã chọn; hãy tải bộ tiêu chí lên trước".to_owned(),
            )
        })?;
        let as_of = match form_text(&form.as_of) {
            Some(t) => date_field("ngày tính điểm", &t)?,
            None => set
                .compiled
                .as_of(None)
                .map_err(|_| AppError::Internal(format!("năm {} không có ngày 31/12", set.year)))?,
        };
        let deadlines = Deadlines::new(
            date_field("hạn tự chấm điểm", &form.self_end)?,
            date_field("hạn thẩm định vòng 1", &form.round1_end)?,
            date_field("hạn giải trình", &form.explain_end)?,
            date_field("hạn thẩm định vòng 2", &form.round2_end)?,
        )?;
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        Ok(self
            .db
            .create_campaign(
                &NewCampaign {
                    title: &title,
                    year: i64::from(set.year),
                    criteria_id: &set.id,
                    criteria_sha256: &set.sha256,
                    as_of: &iso(as_of),
                    self_end: &iso(deadlines.self_end),
                    round1_end: &iso(deadlines.round1_end),
                    explain_end: &iso(deadlines.explain_end),
                    round2_end: &iso(deadlines.round2_end),
                },
                who(actor),
                self.accounts.now(),
            )
            .await?)
    }

    pub async fn campaign(&self, id: i64) -> Result<CampaignRow, AppError> {
        self.db
            .campaign(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("không có đợt đánh giá số {id}")))
    }

    /// The campaign's as-of date: every score of it is computed there.
    pub fn as_of_of_campaign(c: &CampaignRow) -> Result<Date, AppError> {
        parindex_core::date::parse_date(&c.as_of)
            .ok_or_else(|| AppError::Internal(format!("đợt {}: ngày tính điểm lạ", c.id)))
    }

    /// Adds units (`ma_don_vi,ten_don_vi,nhom` lines, as the province's `units.csv`), each
    /// with a workspace of its own; the codes added. Every line is checked before any is
    /// added.
    pub async fn add_units(
        &self,
        viewer: &Viewer,
        campaign: i64,
        csv: &str,
    ) -> Result<Vec<String>, AppError> {
        let actor = viewer.permitted(Action::ManageProvince)?;
        let c = self.campaign(campaign).await?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let mut units = Vec::new();
        let mut problems = Vec::new();
        let csv_problem = |e: &csv::Error, line: usize| {
            let d = parindex_core::evidence::csv_diagnostic(
                std::path::Path::new("units.csv"),
                e,
                line as u64,
            );
            Problem::under(&d, None)
        };
        let header = reader
            .headers()
            .map_err(|e| AppError::Invalid {
                message: "units.csv không đọc được".to_owned(),
                problems: vec![csv_problem(&e, 1)],
            })?
            .clone();
        let at = |name: &str| header.iter().position(|h| h.trim() == name);
        let (Some(ci), Some(ni), Some(gi)) = (at("ma_don_vi"), at("ten_don_vi"), at("nhom")) else {
            return Err(AppError::BadRequest(
                "units.csv cần các cột ma_don_vi, ten_don_vi, nhom".to_owned(),
            ));
        };
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(csv_problem(&e, line));
                    continue;
                }
            };
            let cell = |k: usize| record.get(k).unwrap_or("").trim().to_owned();
            match (
                code_field("mã đơn vị", &cell(ci)),
                form_text(&cell(ni)),
                code_field("nhóm", &cell(gi)),
            ) {
                (Ok(code), Some(name), Ok(group)) => units.push((code, name, group)),
                (code, name, group) => {
                    let why = [
                        code.err().map(|e| e.message()),
                        name.is_none().then(|| "thiếu tên đơn vị".to_owned()),
                        group.err().map(|e| e.message()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; ");
                    problems.push(Problem {
                        line: Some(line),
                        ..Problem::plain("units.csv", why)
                    });
                }
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid {
                message: "danh sách đơn vị có lỗi nên chưa thêm đơn vị nào".to_owned(),
                problems,
            });
        }
        let mut added = Vec::new();
        for (code, name, group) in units {
            let new = NewWorkspace {
                unit_code: code.clone(),
                unit_name: name,
                unit_group: group,
                year: c.year,
                criteria_id: c.criteria_id.clone(),
                criteria_sha256: c.criteria_sha256.clone(),
            };
            if self
                .db
                .add_campaign_unit(campaign, &new, who(actor), self.accounts.now())
                .await?
                .is_some()
            {
                added.push(code);
            }
        }
        Ok(added)
    }

    /// The campaign's unit `code`.
    pub async fn campaign_unit(&self, campaign: i64, code: &str) -> Result<CampaignUnit, AppError> {
        self.db
            .campaign_units(campaign)
            .await?
            .into_iter()
            .find(|u| u.unit_code == code)
            .ok_or_else(|| AppError::NotFound(format!("đợt {campaign} không có đơn vị {code}")))
    }

    fn state_of(unit: &CampaignUnit) -> Result<State, AppError> {
        State::parse(&unit.state)
            .ok_or_else(|| AppError::Internal(format!("trạng thái lạ {:?}", unit.state)))
    }

    pub async fn phase(&self, c: &CampaignRow) -> Result<Phase, AppError> {
        Ok(deadlines_of(c)?.phase(self.accounts.now()))
    }

    /// A step of a unit's submission; the submission's id when it submits.
    pub async fn step(
        self: &Arc<Self>,
        viewer: &Viewer,
        campaign: i64,
        code: &str,
        step: Step,
    ) -> Result<Option<i64>, AppError> {
        let actor = viewer.permitted(Action::Submission { unit: code, step })?;
        let c = self.campaign(campaign).await?;
        let unit = self.campaign_unit(campaign, code).await?;
        let from = Self::state_of(&unit)?;
        let to = from.apply(step, self.phase(&c).await?)?;
        let snapshot = if step == Step::Submit {
            Some(self.submission_snapshot(&c, unit.workspace_id).await?)
        } else {
            None
        };
        let new = snapshot.as_ref().map(|s| NewSubmission {
            folder_sha256: &s.0,
            report_sha256: &s.1,
            fingerprint: &s.2,
            points: &s.3,
            score_index: s.4.as_deref(),
        });
        match self
            .db
            .move_unit(
                campaign,
                code,
                from.as_str(),
                to.as_str(),
                new.as_ref(),
                who(actor),
                self.accounts.now(),
            )
            .await?
        {
            Saved::Stale => Err(AppError::Conflict(
                "hồ sơ vừa được người khác chuyển bước; hãy tải lại trang".to_owned(),
            )),
            Saved::Yes(0) => Ok(None),
            Saved::Yes(id) => Ok(Some(id)),
        }
    }

    /// The blobs of a submission: the folder's zip, the report's JSON at the campaign's
    /// as-of date, its fingerprint's digest, the total and the index.
    async fn submission_snapshot(
        self: &Arc<Self>,
        c: &CampaignRow,
        ws: i64,
    ) -> Result<(String, String, String, String, Option<String>), AppError> {
        let zip = self.export_zip(ws).await?;
        let report = self.score_folder_zip(c, &zip).await?;
        let json = report.to_json();
        let folder = self.blobs.put(&zip)?;
        let report_sha = self.blobs.put(json.as_bytes())?;
        let fingerprint = serde_json::to_string(&report.fingerprint)
            .map(|t| parindex_core::fingerprint::sha256_hex(t.as_bytes()))
            .map_err(|e| AppError::Internal(format!("dấu vân tay: {e}")))?;
        let dec = |d: rust_decimal::Decimal| parindex_core::num::canonical_decimal(d);
        Ok((
            folder,
            report_sha,
            fingerprint,
            dec(report.total.points),
            report.total.index.map(dec),
        ))
    }

    /// A unit's folder (a zip, as exported) scored by the library at the campaign's as-of
    /// date, with `extra` files (an appraisal.csv being tried) beside its own.
    async fn score_folder_zip(
        self: &Arc<Self>,
        c: &CampaignRow,
        zip: &[u8],
    ) -> Result<Report, AppError> {
        self.score_unit_files(
            c,
            crate::service::unzip_bounded(zip, self.limits.request_bytes)?,
            Vec::new(),
        )
        .await
    }

    async fn score_unit_files(
        self: &Arc<Self>,
        c: &CampaignRow,
        files: Vec<(String, Vec<u8>)>,
        extra: Vec<(String, Vec<u8>)>,
    ) -> Result<Report, AppError> {
        let set = self.find_set(&c.criteria_sha256).await?.ok_or_else(|| {
            AppError::Internal(format!("đợt {}: thiếu bộ tiêu chí {}", c.id, c.criteria_id))
        })?;
        let as_of = Self::as_of_of_campaign(c)?;
        tokio::task::spawn_blocking(move || {
            let mut folder = MemoryFiles::default();
            for (name, bytes) in files.into_iter().chain(extra) {
                folder.insert(Path::new(ROOT).join(name), bytes);
            }
            set.compiled
                .score_unit(&folder, Path::new(ROOT), as_of, &ReadOptions::default())
                .map_err(|e| AppError::Invalid {
                    message: "minh chứng không đọc được nên chưa chấm được".to_owned(),
                    problems: crate::service::problems_of(&e),
                })
        })
        .await
        .map_err(|e| AppError::Internal(format!("chấm điểm: {e}")))?
    }

    /// The folder a unit is judged on: its latest submission, or — late, never submitted —
    /// its workspace as it stood when it was locked.
    async fn judged_folder(
        self: &Arc<Self>,
        unit: &CampaignUnit,
    ) -> Result<Vec<(String, Vec<u8>)>, AppError> {
        let latest = self.latest_submission(unit).await?;
        let zip = match latest {
            Some(s) => self.blobs.get(&s.folder_sha256)?,
            None => self.export_zip(unit.workspace_id).await?,
        };
        crate::service::unzip_bounded(&zip, self.limits.request_bytes)
    }

    /// The unit's standing submission (submitted, not withdrawn).
    pub async fn latest_submission(
        &self,
        unit: &CampaignUnit,
    ) -> Result<Option<SubmissionRow>, AppError> {
        if Self::state_of(unit)? != State::Submitted {
            return Ok(None);
        }
        Ok(self
            .db
            .submissions(unit.campaign_id, &unit.unit_code)
            .await?
            .into_iter()
            .rev()
            .find(|s| s.withdrawn_at.is_none()))
    }

    /// An appraiser's points and note on a row, in the round of the campaign's phase.
    #[allow(clippy::too_many_arguments)]
    pub async fn appraise(
        self: &Arc<Self>,
        viewer: &Viewer,
        campaign: i64,
        code: &str,
        row: &str,
        points: &str,
        note: &str,
        version: i64,
    ) -> Result<i64, AppError> {
        let actor = viewer.actor()?;
        let c = self.campaign(campaign).await?;
        let unit = self.campaign_unit(campaign, code).await?;
        let submitted = Self::state_of(&unit)? == State::Submitted;
        permits(
            actor,
            Action::Appraise {
                unit: code,
                row,
                submitted,
            },
        )?;
        let round = appraisal::round_in(self.phase(&c).await?)?;
        let points = parindex_core::num::parse_decimal(points.trim()).ok_or_else(|| {
            AppError::BadRequest(format!(
                "điểm thẩm định «{}» không phải số",
                parindex_core::visible::visible(points)
            ))
        })?;
        let account = self
            .db
            .account(actor.account)
            .await?
            .ok_or_else(|| AppError::Internal("tài khoản không còn".to_owned()))?;
        let agency = account.agency.unwrap_or(account.display_name);
        let mut row_new = AppraisalRow {
            campaign_id: campaign,
            unit_code: code.to_owned(),
            row_id: row.to_owned(),
            round: i64::from(round),
            points: parindex_core::num::canonical_decimal(points),
            note: form_text(note).unwrap_or_default(),
            agency,
            account_id: actor.account,
            at: self.accounts.now(),
            version,
        };
        // Tried as the unit's appraisal.csv with the library before it is kept.
        let mut lines = self.appraisal_lines(campaign, code).await?;
        lines.retain(|l| !(l.round == round && l.row == row));
        lines.push(line_of(&row_new));
        let files = self.judged_folder(&unit).await?;
        let overlay = vec![(
            parindex_core::evidence::APPRAISAL_FILE.to_owned(),
            appraisal::overlay_csv(&lines).into_bytes(),
        )];
        let report = self
            .score_unit_files(&c, files, overlay)
            .await
            .map_err(|e| match e {
                AppError::Invalid { problems, .. } => AppError::Invalid {
                    message: "điểm thẩm định không hợp lệ nên chưa được lưu".to_owned(),
                    problems,
                },
                other => other,
            })?;
        if !report.nodes.iter().any(|n| n.id == row && n.is_leaf()) {
            return Err(crate::service::no_row(row));
        }
        row_new.version = version;
        match self.db.save_appraisal(&row_new, who(actor)).await? {
            Saved::Yes(v) => Ok(v),
            Saved::Stale => Err(crate::service::stale()),
        }
    }

    async fn appraisal_lines(&self, campaign: i64, code: &str) -> Result<Vec<Line>, AppError> {
        Ok(self
            .db
            .appraisals(campaign, Some(code))
            .await?
            .iter()
            .map(line_of)
            .collect())
    }

    /// A unit's answer to a row's round-1 points, in the explanation window.
    #[allow(clippy::too_many_arguments)]
    pub async fn answer(
        &self,
        viewer: &Viewer,
        campaign: i64,
        code: &str,
        row: &str,
        note: &str,
        files: Vec<(String, Vec<u8>)>,
        version: i64,
    ) -> Result<i64, AppError> {
        let actor = viewer.permitted(Action::Answer { unit: code })?;
        let c = self.campaign(campaign).await?;
        appraisal::answering(self.phase(&c).await?)?;
        let appraised = self
            .db
            .appraisals(campaign, Some(code))
            .await?
            .iter()
            .any(|a| a.row_id == row && a.round == 1);
        if !appraised {
            return Err(AppError::Conflict(format!(
                "dòng {row} chưa có điểm thẩm định vòng 1 nên chưa cần giải trình"
            )));
        }
        let mut documents = Vec::new();
        for (name, bytes) in files {
            if bytes.len() > self.limits.attachment_bytes {
                return Err(AppError::TooLarge(format!(
                    "tệp {} lớn quá {} MB",
                    crate::service::display_name(&name),
                    self.limits.attachment_bytes >> 20
                )));
            }
            let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            documents.push(AnswerDocument {
                display_name: crate::service::display_name(&name),
                sha256: self.blobs.put(&bytes)?,
                size,
            });
        }
        let row_new = AnswerRow {
            campaign_id: campaign,
            unit_code: code.to_owned(),
            row_id: row.to_owned(),
            note: form_text(note)
                .ok_or_else(|| AppError::BadRequest("giải trình cần nội dung".to_owned()))?,
            documents,
            account_id: actor.account,
            at: self.accounts.now(),
            version,
        };
        match self.db.save_answer(&row_new, who(actor)).await? {
            Saved::Yes(v) => Ok(v),
            Saved::Stale => Err(crate::service::stale()),
        }
    }

    /// The province's survey results (`ma_don_vi,ma_tieu_chi,ty_le`), checked by
    /// consolidating with them before they are kept.
    pub async fn upload_survey(
        self: &Arc<Self>,
        viewer: &Viewer,
        campaign: i64,
        bytes: &[u8],
    ) -> Result<(), AppError> {
        let actor = viewer.permitted(Action::ManageProvince)?;
        let c = self.campaign(campaign).await?;
        self.consolidate_with(&c, Some(bytes.to_vec()))
            .await
            .map_err(|e| match e {
                AppError::Invalid { problems, .. } => AppError::Invalid {
                    message: "kết quả điều tra có lỗi nên chưa được lưu".to_owned(),
                    problems,
                },
                other => other,
            })?;
        let sha = self.blobs.put(bytes)?;
        self.db
            .set_survey(campaign, &sha, who(actor), self.accounts.now())
            .await?;
        Ok(())
    }

    pub async fn publish(&self, viewer: &Viewer, campaign: i64) -> Result<(), AppError> {
        let actor = viewer.permitted(Action::ManageProvince)?;
        let c = self.campaign(campaign).await?;
        if self.phase(&c).await? != Phase::Closed {
            return Err(AppError::Conflict(
                "chưa hết hạn thẩm định vòng 2 nên chưa công bố được".to_owned(),
            ));
        }
        self.db
            .publish(campaign, who(actor), self.accounts.now())
            .await?;
        Ok(())
    }

    /// Every unit's final report and the ranking.
    /// Every unit's final report and the ranking; computed again only when something it is
    /// computed from changed (a submission, a late unit's workspace, an appraisal, the
    /// survey), else the last one.
    pub async fn consolidate(
        self: &Arc<Self>,
        campaign: i64,
    ) -> Result<Arc<Consolidation>, AppError> {
        let c = self.campaign(campaign).await?;
        let key = self.consolidation_key(&c).await?;
        let cached = self
            .consolidated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&campaign)
            .filter(|(k, _)| *k == key)
            .map(|(_, done)| Arc::clone(done));
        if let Some(done) = cached {
            return Ok(done);
        }
        let survey = match &c.survey_sha256 {
            Some(sha) => Some(self.blobs.get(sha)?),
            None => None,
        };
        let done = Arc::new(self.consolidate_with(&c, survey).await?);
        self.consolidated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(campaign, (key, Arc::clone(&done)));
        Ok(done)
    }

    /// What a consolidation is computed from, in one line per input.
    async fn consolidation_key(&self, c: &CampaignRow) -> Result<String, AppError> {
        use std::fmt::Write;
        let mut key = format!("{} {} {:?}\n", c.criteria_sha256, c.as_of, c.survey_sha256);
        for u in self.db.campaign_units(c.id).await? {
            match self.latest_submission(&u).await? {
                Some(s) => writeln!(key, "submitted {} {}", u.unit_code, s.folder_sha256),
                None => writeln!(
                    key,
                    "workspace {} {} {}",
                    u.unit_code,
                    u.workspace_id,
                    self.workspace(u.workspace_id).await?.revision
                ),
            }
            .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        for a in self.db.appraisals(c.id, None).await? {
            writeln!(
                key,
                "{} {} {} {} {}",
                a.unit_code, a.row_id, a.round, a.points, a.version
            )
            .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        Ok(key)
    }

    async fn consolidate_with(
        self: &Arc<Self>,
        c: &CampaignRow,
        survey: Option<Vec<u8>>,
    ) -> Result<Consolidation, AppError> {
        let mut folder: Vec<(String, Vec<u8>)> = Vec::new();
        let appraisals = self.db.appraisals(c.id, None).await?;
        for unit in self.db.campaign_units(c.id).await? {
            let code = &unit.unit_code;
            for (name, bytes) in self.judged_folder(&unit).await? {
                // The attachments stay in the unit's own folder: the score does not read them.
                if !name.contains('/') {
                    folder.push((format!("{code}/{name}"), bytes));
                }
            }
            let lines: Vec<Line> = appraisals
                .iter()
                .filter(|a| &a.unit_code == code)
                .map(line_of)
                .collect();
            if !lines.is_empty() {
                folder.push((
                    format!("{code}/{}", parindex_core::evidence::APPRAISAL_FILE),
                    appraisal::overlay_csv(&lines).into_bytes(),
                ));
            }
        }
        if let Some(s) = survey {
            folder.push((parindex_core::evidence::SURVEY_FILE.to_owned(), s));
        }
        let set = self.find_set(&c.criteria_sha256).await?.ok_or_else(|| {
            AppError::Internal(format!("đợt {}: thiếu bộ tiêu chí {}", c.id, c.criteria_id))
        })?;
        let as_of = Self::as_of_of_campaign(c)?;
        let crate::rank::Ranked { reports, ranking } = crate::rank::score_province(
            set,
            folder.clone(),
            "",
            as_of,
            parindex_core::evidence::TextEncoding::Auto,
            "minh chứng của tỉnh không đọc được nên chưa tổng hợp được",
        )
        .await?;
        Ok(Consolidation {
            reports,
            ranking,
            folder,
        })
    }

    /// One unit of a campaign as the dashboard shows it, in `phase`, with the campaign's
    /// `appraisals` (of this unit, or all).
    pub async fn standing_of(
        &self,
        u: &CampaignUnit,
        phase: Phase,
        appraisals: &[AppraisalRow],
    ) -> Result<UnitStanding, AppError> {
        let ws = self.workspace(u.workspace_id).await?;
        let standing: Standing = Self::state_of(u)?.standing(phase);
        let latest = self.latest_submission(u).await?;
        let mut rows: Vec<&str> = appraisals
            .iter()
            .filter(|a| a.unit_code == u.unit_code)
            .map(|a| a.row_id.as_str())
            .collect();
        rows.dedup();
        Ok(UnitStanding {
            code: u.unit_code.clone(),
            name: ws.unit_name,
            group: ws.unit_group,
            workspace: u.workspace_id,
            standing: standing.as_str(),
            standing_vi: standing.vi(),
            points: latest.as_ref().map(|s| s.points.clone()),
            index: latest.as_ref().and_then(|s| s.score_index.clone()),
            submission: latest.as_ref().map(|s| s.id),
            appraised_rows: rows.len(),
        })
    }

    /// The campaign as its dashboard shows it.
    pub async fn dashboard(&self, campaign: i64) -> Result<Dashboard, AppError> {
        let c = self.campaign(campaign).await?;
        let phase = self.phase(&c).await?;
        let appraisals = self.db.appraisals(campaign, None).await?;
        let mut units = Vec::new();
        for u in self.db.campaign_units(campaign).await? {
            units.push(self.standing_of(&u, phase, &appraisals).await?);
        }
        let vi = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_or_else(|_| s.to_owned(), parindex_campaign::phase::vi_date)
        };
        Ok(Dashboard {
            id: c.id,
            title: c.title.clone(),
            year: c.year,
            criteria_id: c.criteria_id.clone(),
            as_of: vi(&c.as_of),
            phase: phase.as_str(),
            phase_vi: phase.vi(),
            deadlines: [
                vi(&c.self_end),
                vi(&c.round1_end),
                vi(&c.explain_end),
                vi(&c.round2_end),
            ],
            survey: c.survey_sha256.is_some(),
            published: c.published_at.is_some(),
            units,
        })
    }

    /// The history as CSV (who, when, what, before → after), the entries `keep` keeps; a
    /// cell that a spreadsheet would take for a formula is written as text.
    pub async fn history_csv(
        &self,
        keep: impl Fn(&parindex_db::HistoryEntry) -> bool,
    ) -> Result<String, AppError> {
        const HEADER: [&str; 8] = [
            "thoi_gian",
            "nguoi",
            "don_vi",
            "dot",
            "hanh_dong",
            "noi_dung",
            "truoc",
            "sau",
        ];
        let mut rows = vec![HEADER.map(str::to_owned)];
        for h in self.db.province_history().await?.into_iter().rev() {
            if !keep(&h) {
                continue;
            }
            let cells = [
                crate::format::vi_time(h.at),
                h.actor.unwrap_or_else(|| "(không đăng nhập)".to_owned()),
                h.unit_code.unwrap_or_default(),
                h.campaign_id.map(|c| c.to_string()).unwrap_or_default(),
                h.action,
                h.detail,
                h.before_value.unwrap_or_default(),
                h.after_value.unwrap_or_default(),
            ];
            rows.push(cells.map(|c| parindex_core::visible::visible(&c).into_owned()));
        }
        let bytes = parindex_render::render_text_csv(rows)
            .map_err(|e| AppError::Internal(format!("lịch sử: {e}")))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("lịch sử: {e}")))
    }
}

fn line_of(a: &AppraisalRow) -> Line {
    Line {
        round: u8::try_from(a.round).unwrap_or(u8::MAX),
        row: a.row_id.clone(),
        points: a.points.clone(),
        note: a.note.clone(),
        agency: a.agency.clone(),
    }
}

/// Appraisal rows by (row, round).
pub fn by_row(rows: &[AppraisalRow]) -> BTreeMap<(String, i64), &AppraisalRow> {
    rows.iter()
        .map(|r| ((r.row_id.clone(), r.round), r))
        .collect()
}
