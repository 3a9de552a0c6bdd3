//! `parindex`: the command line over `parindex-core`. It parses arguments, calls the library,
//! prints, and maps errors to exit codes: 0 success, 1 bad input (or a check that fails), 2
//! internal failure, 3 a report written with rows in error.

// Printing is this binary's job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod check;
mod output;
mod terminal;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{
    Command, DiffArgs, DiffFormat, ExplainArgs, HelpArgs, Inputs, RankArgs, RankFormat, ScoreArgs,
    ServeArgs, TestArgs, VerifyArgs,
};
use parindex_core::cases::{read_cases, run_cases, CASES_DIR};
use parindex_core::compare::Comparison;
use parindex_core::date::{parse_date, read_date, DateProblem};
use parindex_core::evidence::{is_province, TextEncoding, Threads};
use parindex_core::rank::Ranking;
use parindex_core::replay::Cause;
use parindex_core::report::{write_province_json, Status};
use parindex_core::visible::visible;
use parindex_core::{
    load_criteria, CompiledCriteria, Date, Error, Files, FsFiles, ReadOptions, Report,
};
use parindex_render::{
    comparison_markdown, explain_markdown, explain_score_markdown, gaps_markdown,
    province_markdown, ranking_markdown, render, render_ranking_xlsx, Format as RenderFormat,
    RenderOptions,
};
use terminal::{describe_sources, summarize, Progress};
use unicode_normalization::UnicodeNormalization;

/// A province run makes and frees millions of small strings (reports, rule traces) on every
/// core: with mimalloc a 2M-dossier province scores 5–10% faster than with the system
/// allocator (`scripts/bench.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

impl Inputs {
    /// The threads given, else the cores.
    fn threads(&self) -> Threads {
        self.threads.map_or_else(Threads::default, Threads::new)
    }

    /// The as-of date given, if any.
    fn as_of(&self) -> Result<Option<Date>, Failure> {
        self.as_of.as_deref().map(parse_as_of).transpose()
    }

    /// The criteria and evidence paths, which an output may not overwrite.
    fn paths(&self) -> Vec<PathBuf> {
        vec![self.criteria.clone(), self.evidence.clone()]
    }
}

/// Why the command stopped: bad input or a replay that differs (exit 1), or an internal
/// failure (exit 2).
enum Failure {
    Input(String),
    Differs(String),
    /// The report was written, but some rows are in error (exit 3).
    RowErrors(String),
    Internal(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            // The set's problems are for its authors; the officer is told what they are and
            // whom to give them to.
            Error::Criteria(problems) => Failure::Input(format!(
                "bộ tiêu chí có lỗi nên không chấm được; hãy gửi các dòng dưới đây (dành cho \
                 người soạn bộ tiêu chí) cho người soạn, hoặc kiểm tra bằng `parindex check`:\n\
                 {}",
                problems
            )),
            other => Failure::Input(other.to_string()),
        }
    }
}

fn main() -> ExitCode {
    quiet_panics();
    // A panic is a bug, never the officer's doing: one short message and exit 2, instead of a
    // Rust message and backtrace. Panics of worker threads are resumed on join, so they end
    // here too; nothing half-written is left, since `--out` is renamed into place only at the
    // end.
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        eprintln!(
            "lỗi nội bộ: parindex dừng đột ngột do một lỗi của chương trình, không phải của dữ \
             liệu; tệp --out (nếu có) không bị ghi dở. Hãy gửi lệnh đã chạy cùng thông báo này cho \
             người phụ trách phần mềm (chạy lại với PARINDEX_BACKTRACE=1 để có chi tiết kỹ thuật)."
        );
        ExitCode::from(2)
    })
}

/// Replaces the panic message (and its backtrace, with RUST_BACKTRACE set) with nothing: a
/// panic that ends the run is reported by `main`, and one the library recovers from (a
/// malformed workbook) is no news. `PARINDEX_BACKTRACE=1` keeps Rust's own report for
/// developers.
fn quiet_panics() {
    if std::env::var_os("PARINDEX_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
}

fn run() -> ExitCode {
    let cli = match args::parse() {
        Ok(cli) => cli,
        Err(e) => return refused(&e),
    };
    if let Command::Help(args) = &cli.command {
        return help(args);
    }
    if let Command::Check(args) = &cli.command {
        return match check::run(&args.criteria) {
            Ok(0) => ExitCode::SUCCESS,
            Ok(_) => ExitCode::from(1),
            Err(e) => {
                eprintln!("lỗi nội bộ: {e}");
                ExitCode::from(2)
            }
        };
    }
    let result = match cli.command {
        Command::Score(args) => score(&args),
        Command::Verify(args) => verify(&args),
        Command::Diff(args) => diff(&args),
        Command::Rank(args) => rank(&args),
        Command::Test(args) => test(&args),
        Command::Gaps(args) => gaps(&args),
        Command::Explain(args) => explain(&args),
        Command::Serve(args) => serve(&args),
        Command::Check(_) | Command::Help(_) => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("lỗi: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Differs(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(Failure::RowErrors(message)) => {
            eprintln!("{message}");
            ExitCode::from(3)
        }
        Err(Failure::Internal(message)) => {
            eprintln!("lỗi nội bộ: {message}");
            ExitCode::from(2)
        }
    }
}

/// What a command line clap did not run ends in: its help or version (exit 0), the help of a
/// command given without its arguments (exit 1), or the Vietnamese [`usage_error`] (exit 1).
fn refused(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    match e.kind() {
        K::DisplayHelp | K::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        // Help is the answer to a command given without its arguments.
        K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(1)
        }
        _ => {
            eprintln!("lỗi: {}", usage_error(e));
            ExitCode::from(1)
        }
    }
}

/// `parindex help [COMMAND]`, clap's own `help` command redone (clap's has English words):
/// exactly what `parindex [COMMAND] --help` prints, and a command that does not exist is
/// refused as on any command line.
fn help(args: &HelpArgs) -> ExitCode {
    let argv = ["parindex"]
        .into_iter()
        .chain(args.command.as_deref())
        .chain(["--help"]);
    match args::command().try_get_matches_from(argv) {
        Err(e) => refused(&e),
        // A bug (`main` reports it): `--help` ends every parse, in its help or in a refusal.
        Ok(_) => unreachable!("`--help` was parsed as a command line to run"),
    }
}

/// A command line clap refused, told in Vietnamese (clap's own words are English): what is
/// wrong, with which option or value, and where to read how the command is used.
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind as C, ErrorKind as K};
    let get = |kind| {
        e.get(kind)
            .map(|v| visible(&v.to_string()).into_owned())
            .unwrap_or_default()
    };
    let (arg, value) = (get(C::InvalidArg), get(C::InvalidValue));
    let mut what = match e.kind() {
        K::InvalidValue if value.is_empty() => format!("{arg} cần một giá trị"),
        K::InvalidValue => format!("giá trị `{value}` của {arg} không hợp lệ"),
        // --encoding, --threads and --addr are validated so; their parsers give the reason in
        // Vietnamese (the standard library's, for a number or an address, are English).
        K::ValueValidation => match std::error::Error::source(e) {
            Some(why) => format!("{arg}: {}", visible(&why.to_string())),
            None => format!("giá trị `{value}` của {arg} không hợp lệ"),
        },
        K::UnknownArgument => format!("không có tùy chọn `{arg}`"),
        K::InvalidSubcommand => format!("không có lệnh `{}`", get(C::InvalidSubcommand)),
        K::MissingRequiredArgument => format!("thiếu {arg}"),
        K::MissingSubcommand => "chưa ghi lệnh (score, verify, diff, rank, test, gaps, explain, \
                                 check hay serve)"
            .to_owned(),
        K::ArgumentConflict if get(C::PriorArg) == arg => format!("{arg} chỉ được ghi một lần"),
        K::ArgumentConflict => format!("{arg} không dùng được cùng {}", get(C::PriorArg)),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => {
            format!("{arg}: số giá trị không đúng")
        }
        K::InvalidUtf8 => "tham số dòng lệnh không phải văn bản UTF-8".to_owned(),
        _ => "tham số dòng lệnh không hợp lệ".to_owned(),
    };
    let valid = get(C::ValidValue);
    if !valid.is_empty() && matches!(e.kind(), K::InvalidValue) {
        what.push_str(&format!(" (giá trị được nhận: {valid})"));
    }
    for kind in [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue] {
        let suggested = get(kind);
        if !suggested.is_empty() {
            what.push_str(&format!("; có phải ý bạn là `{suggested}`?"));
        }
    }
    let end = if what.ends_with('?') { " " } else { ". " };
    format!("{what}{end}Xem cách dùng: `parindex --help`, hoặc `parindex <LỆNH> --help`")
}

fn score(args: &ScoreArgs) -> Result<(), Failure> {
    let format = match (args.format, &args.out) {
        (Some(f), _) => f.into(),
        (None, Some(out)) => format_of(out)?,
        (None, None) => RenderFormat::Markdown,
    };
    if format.is_binary() && args.out.is_none() {
        return Err(needs_out(format.name()));
    }
    let mut inputs = args.inputs.paths();
    inputs.extend(args.proposals.clone());
    // Refused before the run where the paths given already tell.
    if let Some(out) = &args.out {
        guard_out(out, &inputs)?;
    }
    let files = output::RecordingFiles::default();
    let as_of = args.inputs.as_of()?;
    let proposals = match &args.proposals {
        // NFC, like every text the engine reads, so that Vietnamese compares and renders alike.
        Some(path) => Some(read_text("--proposals", path)?.nfc().collect()),
        None => None,
    };
    if is_province(&files, &args.inputs.evidence) {
        let reports = compute_province(&files, &args.inputs, as_of)?;
        if let Some(out) = &args.out {
            guard_read(out, &inputs, &files)?;
        }
        match format {
            // In the pieces the cores serialised it in: never held whole.
            RenderFormat::Json => emit_with(args.out.as_deref(), |w| {
                write_province_json(&reports, w, args.inputs.threads())
            })?,
            RenderFormat::Markdown => {
                emit(args.out.as_deref(), province_markdown(&reports).as_bytes())?
            }
            other => {
                return Err(Failure::Input(format!(
                    "--evidence {}: là thư mục của cả tỉnh, báo cáo các đơn vị chỉ ghi được dạng \
                     json hoặc md, không ghi được dạng {1}; hãy dùng --format json hoặc md, hoặc \
                     chấm thư mục của một đơn vị để có tệp {1}",
                    shown(&args.inputs.evidence),
                    other.name()
                )))
            }
        }
        for r in &reports {
            summarize(r, true);
        }
        let status = row_errors(&reports);
        // The process ends here: freeing a province's reports string by string takes longer
        // (~10 ms at 150 units) than the system takes to drop the whole memory.
        std::mem::forget(reports);
        return status;
    }
    let report = compute(
        &files,
        &args.inputs.criteria,
        &args.inputs.evidence,
        as_of,
        args.inputs.encoding,
        args.inputs.threads(),
        args.verbose,
    )?;
    // Part 3: the officer's file, else what notes.toml says.
    let options = RenderOptions {
        proposals: proposals.or_else(|| report.proposals.clone()),
    };
    let bytes = render(&report, format, &options).map_err(|e| {
        Failure::Internal(format!(
            "không tạo được báo cáo dạng {}: {}",
            format.name(),
            visible(&e.to_string())
        ))
    })?;
    match &args.out {
        Some(out) => {
            guard_read(out, &inputs, &files)?;
            write_atomically(out, &bytes)?;
        }
        None => output::to_stdout(|w| w.write_all(&bytes)).map_err(stdout_failure)?,
    }
    summarize(&report, false);
    row_errors(std::slice::from_ref(&report))
}

/// Loads and compiles the criteria set, and settles the as-of date (the library's default
/// when none is given).
fn prepare(
    files: &dyn Files,
    criteria: &Path,
    as_of: Option<Date>,
) -> Result<(CompiledCriteria, Date), Failure> {
    let set = load_criteria(files, criteria)?;
    let criteria = CompiledCriteria::compile(set)?;
    // The one error of `as_of`: no date given, and the set's year has no 31 December.
    let as_of = criteria.as_of(as_of).map_err(|_| {
        Failure::Input(format!(
            "{}: năm {} của bộ tiêu chí không có ngày 31/12; hãy sửa năm ([set] year) hoặc ghi \
             ngày tính đến bằng --as-of dd/mm/yyyy",
            shown(&criteria.criteria().path),
            criteria.criteria().year
        ))
    })?;
    Ok((criteria, as_of))
}

/// Read options with a progress bar on standard error.
fn read_options<'a>(
    progress: &'a Progress,
    encoding: TextEncoding,
    threads: Threads,
) -> ReadOptions<'a> {
    ReadOptions {
        encoding,
        progress: Some(progress),
        threads,
        ..ReadOptions::default()
    }
}

/// Loads, compiles, reads and scores one unit: the pipeline most commands share.
fn compute(
    files: &dyn Files,
    criteria: &Path,
    evidence: &Path,
    as_of: Option<Date>,
    encoding: TextEncoding,
    threads: Threads,
    verbose: bool,
) -> Result<Report, Failure> {
    let (criteria, as_of) = prepare(files, criteria, as_of)?;
    let progress = Progress::new();
    let options = read_options(&progress, encoding, threads);
    let (evidence, report) = criteria.read_and_score(files, evidence, as_of, &options)?;
    drop(progress);
    if verbose {
        describe_sources(&evidence);
    }
    Ok(report)
}

fn read_report(path: &Path) -> Result<(String, Report), Failure> {
    let text = read_text("báo cáo", path)?;
    let report = Report::from_json(&text).map_err(|e| {
        Failure::Input(format!(
            "{}: không phải báo cáo JSON của parindex ({}); hãy chỉ đến tệp do `parindex score \
             --format json` ghi ra, không sửa tay",
            shown(path),
            visible(&e)
        ))
    })?;
    Ok((text, report))
}

/// A text file the command itself reads (`--proposals`, a report), through [`FsFiles`] like
/// every input: a FIFO, a device, a link or an oversized file is refused, not waited on or
/// loaded. `what` names it in the message.
fn read_text(what: &str, path: &Path) -> Result<String, Failure> {
    let bytes = FsFiles.read(path).map_err(|source| {
        let e = Error::Io {
            path: path.to_path_buf(),
            source,
        };
        Failure::Input(format!("{what}: {e}"))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Failure::Input(format!(
            "{what}: {} không phải văn bản UTF-8 (byte sai ở vị trí {}); hãy lưu lại tệp với \
             bảng mã UTF-8",
            shown(path),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Scores every unit of a province folder.
/// Every unit of the province folder `inputs` names, scored.
fn compute_province(
    files: &dyn Files,
    inputs: &Inputs,
    as_of: Option<Date>,
) -> Result<Vec<Report>, Failure> {
    let (criteria, as_of) = prepare(files, &inputs.criteria, as_of)?;
    let progress = Progress::new();
    let options = read_options(&progress, inputs.encoding, inputs.threads());
    let reports = criteria.score_province(files, &inputs.evidence, as_of, &options)?;
    drop(progress);
    Ok(reports)
}

fn rank(args: &RankArgs) -> Result<(), Failure> {
    let format = match (args.format, &args.out) {
        (Some(f), _) => f,
        (None, Some(out)) => match format_of(out)? {
            RenderFormat::Json => RankFormat::Json,
            RenderFormat::Xlsx => RankFormat::Xlsx,
            RenderFormat::Markdown => RankFormat::Md,
            _ => {
                return Err(Failure::Input(format!(
                    "--out {}: bảng xếp hạng chỉ ghi được dạng md, json hoặc xlsx; hãy đặt tên \
                     tệp có đuôi .md, .json hoặc .xlsx, hoặc thêm --format md|json|xlsx",
                    shown(out)
                )))
            }
        },
        (None, None) => RankFormat::Md,
    };
    if format == RankFormat::Xlsx && args.out.is_none() {
        return Err(needs_out("xlsx"));
    }
    if !is_province(&FsFiles, &args.inputs.evidence) {
        return Err(Failure::Input(format!(
            "--evidence {}: không phải thư mục của cả tỉnh (mỗi đơn vị một thư mục con, hoặc \
             units.csv kèm các tệp xuất của cả tỉnh); hãy chỉ đến thư mục của tỉnh, hoặc dùng \
             `parindex score` cho một đơn vị",
            shown(&args.inputs.evidence)
        )));
    }
    let inputs = args.inputs.paths();
    if let Some(out) = &args.out {
        guard_out(out, &inputs)?;
    }
    let as_of = args.inputs.as_of()?;
    let files = output::RecordingFiles::default();
    let reports = compute_province(&files, &args.inputs, as_of)?;
    let ranking = Ranking::of(&reports);
    let bytes = match format {
        RankFormat::Md => ranking_markdown(&ranking).into_bytes(),
        RankFormat::Json => ranking.to_json().into_bytes(),
        RankFormat::Xlsx => render_ranking_xlsx(&ranking).map_err(|e| {
            Failure::Internal(format!(
                "không tạo được bảng xếp hạng xlsx: {}",
                visible(&e.to_string())
            ))
        })?,
    };
    if let Some(out) = &args.out {
        guard_read(out, &inputs, &files)?;
    }
    emit(args.out.as_deref(), &bytes)
}

/// Runs the set's cases; every failing case is shown with what was expected and what came.
fn test(args: &TestArgs) -> Result<(), Failure> {
    let set = load_criteria(&FsFiles, &args.criteria)?;
    let dir = set.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let criteria = CompiledCriteria::compile(set)?;
    let file = read_cases(&FsFiles, &dir)?;
    if file.cases.is_empty() {
        return Err(Failure::Input(format!(
            "{}: chưa có ca kiểm thử nào; hãy viết các ca trong {}/*.cases",
            shown(&args.criteria),
            shown(&dir.join(CASES_DIR))
        )));
    }
    let results = run_cases(&criteria, &file);
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    for r in &failed {
        print_out(&format!(
            "SAI {}:{}: dòng {} | {} | {}\n  cần:  {}\n  được: {} — {}\n",
            shown(&r.case.file),
            r.case.line,
            visible(&r.case.row),
            r.case
                .as_of
                .map_or_else(|| "-".to_owned(), parindex_core::date::vi_date),
            visible(&r.case.evidence),
            visible(&r.case.expected),
            visible(&r.got),
            visible(&r.explanation)
        ))?;
    }
    print_out(&format!(
        "{} ca đạt, {} ca sai\n",
        results.len() - failed.len(),
        failed.len()
    ))?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Differs(format!(
            "{} ca kiểm thử sai: hãy sửa quy tắc, hoặc sửa kết quả cần có trong tệp .cases",
            failed.len()
        )))
    }
}

fn serve(args: &ServeArgs) -> Result<(), Failure> {
    let config = parindex_server::ServeConfig {
        data: args.data.clone(),
        database: args.database.clone().or_else(|| {
            std::env::var(parindex_server::store::DATABASE_VAR)
                .ok()
                .filter(|a| !a.is_empty())
        }),
        addr: args.addr,
        limits: parindex_server::Limits::default(),
        secure_cookies: args.secure_cookies,
    };
    let failure = |e| match e {
        parindex_server::ServeError::Refused(m) => Failure::Input(m),
        parindex_server::ServeError::Internal(m) => Failure::Internal(m),
    };
    if let Some(login) = &args.create_admin {
        let password = match std::env::var("PARINDEX_ADMIN_PASSWORD") {
            Ok(p) if !p.is_empty() => p,
            _ => {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| Failure::Input(format!("không đọc được mật khẩu: {e}")))?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            }
        };
        parindex_server::create_admin(&config, login, &password).map_err(failure)?;
        eprintln!("đã tạo tài khoản quản trị {login}");
        return Ok(());
    }
    parindex_server::serve(config).map_err(failure)
}

fn gaps(args: &Inputs) -> Result<(), Failure> {
    let as_of = args.as_of()?;
    let report = compute(
        &FsFiles,
        &args.criteria,
        &args.evidence,
        as_of,
        args.encoding,
        Threads::default(),
        false,
    )?;
    print_out(&gaps_markdown(&report))?;
    Ok(())
}

fn explain(args: &ExplainArgs) -> Result<(), Failure> {
    let set = load_criteria(&FsFiles, &args.criteria)?;
    let Some(row) = parindex_core::explain::explain_row(&set, &args.row) else {
        return Err(Failure::Input(format!(
            "{}: không có dòng `{}`; hãy ghi mã dòng như trong bộ tiêu chí, ví dụ 3.2.1",
            shown(&args.criteria),
            visible(&args.row)
        )));
    };
    if let (true, Some(evidence)) = (args.records, &args.evidence) {
        return records(args, evidence);
    }
    print_out(&explain_markdown(&row))?;
    if let Some(evidence) = &args.evidence {
        let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
        let report = compute(
            &FsFiles,
            &args.criteria,
            evidence,
            as_of,
            TextEncoding::Auto,
            Threads::default(),
            false,
        )?;
        if let Some(node) = report.node(&args.row) {
            print_out(&explain_score_markdown(node, &report))?;
        }
    }
    Ok(())
}

/// `explain --records`: the row's deciding records in full, as the web app's row page
/// downloads them ([`parindex_render::render_records_csv`]).
fn records(args: &ExplainArgs, evidence: &Path) -> Result<(), Failure> {
    let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let (criteria, as_of) = prepare(&FsFiles, &args.criteria, as_of)?;
    let progress = Progress::new();
    let options = read_options(&progress, TextEncoding::Auto, Threads::default());
    let lists = criteria.row_records(&FsFiles, evidence, &args.row, as_of, &options)?;
    drop(progress);
    let Some(lists) = lists else {
        return Err(Failure::Input(format!(
            "dòng `{}` không chấm theo quy tắc từ tài liệu kiểm chứng nên không có bản ghi quyết \
             định điểm",
            visible(&args.row)
        )));
    };
    if lists.is_empty() {
        eprintln!(
            "dòng {}: điểm không dựa trên danh sách bản ghi nào",
            visible(&args.row)
        );
    }
    for (i, list) in lists.iter().enumerate() {
        let csv = parindex_render::render_records_csv(list)
            .map_err(|e| Failure::Internal(e.to_string()))?;
        output::to_stdout(|w| {
            if i > 0 {
                w.write_all(b"\n")?;
            }
            w.write_all(&csv)
        })
        .map_err(stdout_failure)?;
        if list.left_out() > 0 {
            eprintln!(
                "{} — {}: liệt kê {} bản ghi đầu trong {} (tối đa {} một danh sách)",
                visible(&list.list.title),
                visible(&list.list.what),
                list.records.len(),
                list.list.total,
                parindex_core::explain::RECORDS_LISTED_MAX
            );
        }
    }
    Ok(())
}

/// Writes to `--out` (atomically) or to standard output.
fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    emit_with(out, |w| w.write_all(bytes))
}

/// [`emit`] of what `write` writes.
fn emit_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match out {
        Some(out) => output::write_atomically_with(out, write),
        None => output::to_stdout(write).map_err(stdout_failure),
    }
}

/// Replays the report ([`parindex_core::replay()`](fn@parindex_core::replay)) and says what differs.
fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let (text, old) = read_report(&args.report)?;
    let (criteria, _) = prepare(&FsFiles, &args.criteria, Some(old.as_of))?;
    let progress = Progress::new();
    let options = read_options(&progress, args.encoding, Threads::default());
    let replay = parindex_core::replay(&criteria, &FsFiles, &args.evidence, &old, &text, &options)?;
    drop(progress);
    if replay.agrees {
        let total = &replay.report.total;
        print_out(&format!(
            "khớp: chấm lại {} cho đúng báo cáo đó ({} điểm, chỉ số {})\n",
            shown(&args.report),
            parindex_core::num::vi_decimal(total.points),
            parindex_render::table::index_text(total.index)
        ))?;
        return Ok(());
    }
    let comparison = &replay.comparison;
    print_out(&comparison_markdown(comparison, "báo cáo", "chấm lại"))?;
    if replay.cause == Some(Cause::EditedText) {
        print_out(&format!("{}\n", parindex_core::replay::EDITED_TEXT))?;
    }
    let stated = parindex_core::date::vi_date(old.as_of);
    let cause = match &replay.cause {
        Some(Cause::EditedAsOf { recorded }) => {
            let recorded = parse_date(recorded).map_or_else(
                || visible(recorded).into_owned(),
                parindex_core::date::vi_date,
            );
            format!(
                "ngày tính đến (as_of) của báo cáo là {stated} nhưng dấu vân tay của nó ghi \
                 {recorded}: một trong hai đã bị sửa sau khi lập báo cáo. Hãy lập lại báo cáo \
                 bằng `parindex score --as-of` với ngày đúng"
            )
        }
        Some(Cause::MovedAsOf { scored_at }) => format!(
            "báo cáo ghi ngày tính đến (as_of) {stated}, nhưng điểm của nó khớp khi chấm lại \
             tại {}: ngày tính đến đã bị sửa sau khi lập báo cáo. Hãy dùng báo cáo gốc, hoặc \
             lập lại báo cáo tại ngày mong muốn",
            parindex_core::date::vi_date(*scored_at)
        ),
        Some(Cause::EditedScores) => format!(
            "mọi dữ liệu đầu vào đều khớp nhưng {} dòng và {} tổng khác: báo cáo đã bị sửa sau khi \
             lập, ở ngày tính đến (as_of) {stated} hoặc ở điểm các dòng. Hãy lập lại báo cáo bằng \
             `parindex score`",
            comparison.rows.len(),
            comparison.totals.len()
        ),
        Some(Cause::EditedText) | None => format!(
            "{} tệp đầu vào, {} dòng và {} tổng khác nhau (xem bảng trên); hãy chấm lại đúng các \
             tệp đã dùng khi lập báo cáo, hoặc lập lại báo cáo",
            comparison.inputs.len(),
            comparison.rows.len(),
            comparison.totals.len()
        ),
    };
    Err(Failure::Differs(format!(
        "{} không chấm lại được như cũ: {cause}",
        shown(&args.report)
    )))
}

fn diff(args: &DiffArgs) -> Result<(), Failure> {
    let (_, a) = read_report(&args.a)?;
    let (_, b) = read_report(&args.b)?;
    let comparison = Comparison::of(&a, &b);
    let name = |p: &Path| {
        p.file_name()
            .map_or_else(String::new, |n| visible(&n.to_string_lossy()).into_owned())
    };
    match args.format {
        DiffFormat::Md => print_out(&comparison_markdown(
            &comparison,
            &name(&args.a),
            &name(&args.b),
        ))?,
        DiffFormat::Json => print_out(&comparison.to_json())?,
    }
    Ok(())
}

/// The `--as-of` date, or why it is none, in the library's words: a form not accepted
/// (`31/12/2026 garbage`) is told apart from a day the calendar lacks (`29/02/2026`).
fn parse_as_of(text: &str) -> Result<Date, Failure> {
    read_date(text).map_err(|problem| {
        let what = match problem {
            DateProblem::Form => "không đúng dạng ngày",
            DateProblem::NoSuchDay => "không phải ngày có thật",
        };
        Failure::Input(format!(
            "--as-of: `{}` {what}: cần {}; hãy ghi lại, ví dụ --as-of 31/12/2026",
            visible(text),
            problem.expected()
        ))
    })
}

/// A binary format asked for without `--out`.
fn needs_out(format: &str) -> Failure {
    Failure::Input(format!(
        "--format {format}: tệp {format} không in ra màn hình được; hãy thêm --out TỆP, ví dụ \
         --out bao-cao.{format}"
    ))
}

/// `text` on standard output ([`output::to_stdout`]): the one way the commands print.
fn print_out(text: &str) -> Result<(), Failure> {
    output::to_stdout(|w| w.write_all(text.as_bytes())).map_err(stdout_failure)
}

fn stdout_failure(e: std::io::Error) -> Failure {
    Failure::Internal(format!(
        "không ghi được ra đầu ra chuẩn (stdout): {}",
        visible(&e.to_string())
    ))
}

/// A path as it may be shown: a file name is the uploader's text, and its hidden characters
/// are escaped like any value's.
fn shown(path: &Path) -> String {
    visible(&path.display().to_string()).into_owned()
}

fn format_of(out: &Path) -> Result<RenderFormat, Failure> {
    RenderFormat::from_path(out).ok_or_else(|| {
        Failure::Input(format!(
            "--out {}: không nhận ra định dạng từ đuôi tệp; hãy đặt tên tệp có đuôi .xlsx, .docx, \
             .html, .csv, .json hoặc .md, hoặc thêm --format xlsx|docx|html|csv|json|md",
            shown(out)
        ))
    })
}

/// Before the run: an `--out` that is not a writable plain file, or that is (or lies in) an
/// input given on the command line, is refused before anything is read.
fn guard_out(out: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    output::check_target(out)?;
    output::refuse_inputs(out, inputs)
}

/// After the run, before writing: every file the run read is protected too, wherever it lies
/// (rule files outside the criteria folder, links out of the evidence folder, hard links).
fn guard_read(
    out: &Path,
    inputs: &[PathBuf],
    files: &output::RecordingFiles,
) -> Result<(), Failure> {
    let mut read = files.read();
    read.extend(inputs.iter().cloned());
    guard_out(out, &read)
}

/// Writes beside the target and renames into place, so a failure never leaves half a file.
fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), Failure> {
    output::write_atomically_with(out, |w| w.write_all(bytes))
}

/// Exit 3 when a written report holds rows in error: a rule failed, its row scored 0.
fn row_errors(reports: &[Report]) -> Result<(), Failure> {
    let errors = reports
        .iter()
        .flat_map(|r| &r.nodes)
        .filter(|n| n.is_leaf() && n.status == Status::Error)
        .count();
    if errors == 0 {
        Ok(())
    } else {
        Err(Failure::RowErrors(format!(
            "đã ghi báo cáo, nhưng {errors} dòng bị lỗi quy tắc và được 0 điểm (mã thoát 3); \
             hãy xem lý do ở các dòng đó trong báo cáo"
        )))
    }
}
