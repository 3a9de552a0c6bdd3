//! `parindex`: the command line over `parindex-core`. It parses arguments, calls the library,
//! prints, and maps errors to exit codes: 0 success, 1 bad input, 2 internal failure.

// Printing is this binary's job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use parindex_core::{
    load_criteria, parse_date, read_evidence, CompiledCriteria, Date, Error, FsFiles, Report,
    Status,
};
use parindex_render::{
    render_csv, render_docx, render_html, render_xlsx, RenderError, RenderOptions,
};

#[derive(Parser, Debug)]
#[command(
    name = "parindex",
    version,
    about = "Scores a unit's PAR INDEX self-assessment from its evidence"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Score one unit's evidence against a criteria set.
    Score(ScoreArgs),
}

#[derive(clap::Args, Debug)]
struct ScoreArgs {
    /// The criteria set: a folder holding criteria.toml, or the file itself.
    #[arg(long, value_name = "DIR-OR-FILE")]
    criteria: PathBuf,
    /// The unit's evidence folder (CSV tables, facts.toml, unit.toml, survey.csv).
    #[arg(long, value_name = "DIR")]
    evidence: PathBuf,
    /// The date the evidence is judged at (dd/mm/yyyy or yyyy-mm-dd); default 31/12 of the
    /// set's year. The clock is never read.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Output format; by default the extension of --out, else md. xlsx and docx need --out.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Part 3 of the report (khó khăn, vướng mắc và kiến nghị): a UTF-8 text file the officer
    /// writes, paragraphs separated by blank lines. Used by docx and html.
    #[arg(long, value_name = "FILE")]
    proposals: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// The stable report, `parindex.report/1`.
    Json,
    /// The scoring table for a terminal.
    Md,
    /// The Excel annex.
    Xlsx,
    /// The three-part Word report.
    Docx,
    /// One self-contained printable page.
    Html,
    /// The scoring table for any other tool.
    Csv,
}

impl Format {
    /// Binary formats are never written to a terminal.
    fn needs_file(self) -> bool {
        matches!(self, Format::Xlsx | Format::Docx)
    }
}

/// Why the command stopped: bad input (exit 1) or an internal failure (exit 2).
enum Failure {
    Input(String),
    Internal(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    let result = match cli.command {
        Command::Score(args) => score(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Internal(message)) => {
            eprintln!("internal error: {message}");
            ExitCode::from(2)
        }
    }
}

fn score(args: &ScoreArgs) -> Result<(), Failure> {
    let format = match (args.format, &args.out) {
        (Some(f), _) => f,
        (None, Some(out)) => format_of(out)?,
        (None, None) => Format::Md,
    };
    if format.needs_file() && args.out.is_none() {
        return Err(Failure::Input(format!(
            "--format {}: a binary file needs --out FILE",
            format_name(format)
        )));
    }
    let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let proposals = match &args.proposals {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::Input(format!("--proposals {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let set = load_criteria(&FsFiles, &args.criteria)?;
    let criteria = CompiledCriteria::compile(set)?;
    let as_of = match as_of.or_else(|| criteria.default_as_of()) {
        Some(d) => d,
        None => {
            return Err(Failure::Input(
                "the criteria set's year has no 31 December".into(),
            ))
        }
    };
    let evidence = read_evidence(&FsFiles, criteria.criteria(), &args.evidence)?;
    let report = criteria.score(&evidence, as_of);
    let options = RenderOptions { proposals };
    let bytes = render(&report, format, &options)
        .map_err(|e| Failure::Internal(format!("cannot render {}: {e}", format_name(format))))?;
    match &args.out {
        Some(out) => write_atomically(out, &bytes)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::Internal(format!("cannot write to standard output: {e}")))?;
        }
    }
    summarize(&report);
    Ok(())
}

fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Json => report.to_json().into_bytes(),
        Format::Md => report.to_markdown().into_bytes(),
        Format::Csv => render_csv(report)?,
        Format::Html => render_html(report, options)?.into_bytes(),
        Format::Xlsx => render_xlsx(report, options)?,
        Format::Docx => render_docx(report, options)?,
    })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::Md => "md",
        Format::Xlsx => "xlsx",
        Format::Docx => "docx",
        Format::Html => "html",
        Format::Csv => "csv",
    }
}

fn parse_as_of(text: &str) -> Result<Date, Failure> {
    parse_date(text).ok_or_else(|| {
        Failure::Input(format!(
            "--as-of: `{text}` is not a date (expected dd/mm/yyyy or yyyy-mm-dd)"
        ))
    })
}

fn format_of(out: &Path) -> Result<Format, Failure> {
    match out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Ok(Format::Json),
        Some("md") => Ok(Format::Md),
        Some("xlsx") => Ok(Format::Xlsx),
        Some("docx") => Ok(Format::Docx),
        Some("html" | "htm") => Ok(Format::Html),
        Some("csv") => Ok(Format::Csv),
        _ => Err(Failure::Input(format!(
            "--out {}: cannot tell the format from the extension; add --format xlsx|docx|html|csv|json|md",
            out.display()
        ))),
    }
}

/// Writes beside the target and renames into place, so a failure never leaves half a file.
fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.parindex-tmp"));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, out));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Failure::Input(format!("cannot write {}: {e}", out.display()))
    })
}

/// Tells the person at the terminal which rows need attention.
fn summarize(report: &Report) {
    let ids = |status: Status| -> Vec<&str> {
        report
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && n.status == status)
            .map(|n| n.id.as_str())
            .collect()
    };
    let errors = ids(Status::Error);
    let missing = ids(Status::NoEvidence);
    if !errors.is_empty() {
        eprintln!(
            "warning: {} row(s) in error: {}",
            errors.len(),
            errors.join(", ")
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "warning: {} row(s) without evidence: {}",
            missing.len(),
            missing.join(", ")
        );
    }
}
