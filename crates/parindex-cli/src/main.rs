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
    /// Output format; by default the extension of --out, else md.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Md,
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
    let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
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
    let text = match format {
        Format::Json => report.to_json(),
        Format::Md => report.to_markdown(),
    };
    match &args.out {
        Some(out) => write_atomically(out, text.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::Internal(format!("cannot write to standard output: {e}")))?;
        }
    }
    summarize(&report);
    Ok(())
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
        _ => Err(Failure::Input(format!(
            "--out {}: cannot tell the format from the extension; add --format json|md",
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
