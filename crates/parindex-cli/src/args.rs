//! The command line: every command and option, with its help in Vietnamese, as clap parses
//! them; the commands themselves are in `main.rs`.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use parindex_core::evidence::TextEncoding;
use parindex_core::visible::visible;

// The help is Vietnamese like every text the officer reads, while the comments stay English:
// each command and argument gives its `about`/`help` explicitly, and the comments above them
// are plain `//` ones, since clap would show a doc comment as help. clap's own English frame
// is replaced too: the template's `Usage:` heading (`help_template`), the section headings
// (`subcommand_help_heading`, `next_help_heading`, `help_heading`), the usage lines (clap
// writes `[OPTIONS]`; `override_usage` holds clap's own line with that word translated, which
// a test checks), `-h`/`--help`, `-V`/`--version` and the `help` command. clap's
// `[default: …]`, `[possible values: …]` and `Possible values:` are hidden, and the help text
// states the default and the values instead.

/// The heading of the positional arguments (clap's `Arguments:`).
pub(crate) const ARGUMENTS: &str = "Tham số";
/// The heading of the options (clap's `Options:`).
pub(crate) const OPTIONS: &str = "Tùy chọn";
/// `-h`/`--help` as `-h` shows it (clap's "Print help (see more with '--help')").
pub(crate) const HELP_SHORT: &str = "In hướng dẫn (--help: bản đầy đủ)";
/// `-h`/`--help` as `--help` shows it (clap's "Print help (see a summary with '-h')").
pub(crate) const HELP_LONG: &str = "In hướng dẫn (-h: bản tóm tắt)";
/// The width clap lays the help out in (without its `wrap_help` feature, which would read the
/// terminal's), and so the width [`wrapped`] texts are broken to.
pub(crate) const WIDTH: usize = 100;
/// The width of an argument's long help, which `--help` indents by 10 columns.
pub(crate) const ARG_WIDTH: usize = WIDTH - 10;

/// clap's default help template with its one word, `Usage:`, in Vietnamese, styled as clap
/// styles its headings.
pub(crate) fn help_template() -> String {
    let styles = clap::builder::styling::Styles::default();
    let h = styles.get_header();
    format!(
        "{{before-help}}{{about-with-newline}}\n{h}Cách dùng:{h:#} {{usage}}\n\n\
         {{all-args}}{{after-help}}"
    )
}

/// The command line as clap parses it: [`Cli`] with each command's help in the frame above
/// (the template, the options' heading), given here once rather than on every command.
pub(crate) fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().mut_subcommands(|c| {
        c.help_template(help_template()).mut_args(|a| {
            if a.get_help_heading().is_none() {
                a.help_heading(OPTIONS)
            } else {
                a
            }
        })
    })
}

/// The process's command line parsed by [`command`].
pub(crate) fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    Cli::from_arg_matches_mut(&mut command().try_get_matches()?)
}

/// `text` broken at spaces into lines of at most `width` characters, a continuation indented as
/// its line is: clap breaks help text only with its `wrap_help` feature.
pub(crate) fn wrapped(width: usize, text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let words = line.trim_start();
        let indent = &line[..line.len() - words.len()];
        let mut taken = 0;
        for (j, word) in words.split(' ').enumerate() {
            let w = word.chars().count();
            if j > 0 && taken + 1 + w <= width {
                out.push(' ');
                taken += 1 + w;
            } else {
                if j > 0 {
                    out.push('\n');
                }
                out.push_str(indent);
                taken = indent.chars().count() + w;
            }
            out.push_str(word);
        }
    }
    out
}

/// An argument's long help, [`wrapped`] to its width.
pub(crate) fn long_help(text: &str) -> String {
    wrapped(ARG_WIDTH, text)
}

/// A command's long description or closing text, [`wrapped`] to the help's width.
pub(crate) fn long_about(text: &str) -> String {
    wrapped(WIDTH, text)
}

// Scores a unit's PAR INDEX self-assessment from its evidence.
#[derive(Parser, Debug)]
#[command(
    name = "parindex",
    version,
    about = "Chấm điểm tự đánh giá Chỉ số cải cách hành chính (PAR INDEX) của đơn vị từ tài liệu \
             kiểm chứng",
    after_help = "Hướng dẫn của từng lệnh: `parindex <LỆNH> --help` hoặc `parindex help <LỆNH>`.",
    after_long_help = long_about(
        "Hướng dẫn của từng lệnh: `parindex <LỆNH> --help` hoặc `parindex help <LỆNH>`.\n\
         \n\
         Mã thoát:\n  \
         0  thành công\n  \
         1  dữ liệu đầu vào sai (khi đó không ghi tệp nào), hoặc kiểm tra không đạt (verify, \
         test, check)\n  \
         2  lỗi nội bộ của phần mềm\n  \
         3  đã ghi báo cáo, nhưng có dòng bị lỗi quy tắc và được 0 điểm"
    ),
    override_usage = "parindex <LỆNH>",
    help_template = help_template(),
    subcommand_help_heading = "Lệnh",
    subcommand_value_name = "LỆNH",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    next_help_heading = OPTIONS
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    // `-h`/`--help`, of every command (global); last in each list, as clap's own.
    #[arg(
        short,
        long,
        global = true,
        action = ArgAction::Help,
        display_order = 1000,
        help = HELP_SHORT,
        long_help = HELP_LONG
    )]
    pub(crate) help: Option<bool>,
    // `-V`/`--version`, of the top level only.
    #[arg(
        short = 'V',
        long,
        action = ArgAction::Version,
        display_order = 1001,
        help = "In số phiên bản"
    )]
    pub(crate) version: Option<bool>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    // Score one unit's evidence (or a province's) against a criteria set.
    #[command(
        about = "Chấm điểm minh chứng của một đơn vị theo bộ tiêu chí",
        long_about = long_about(
            "Chấm điểm minh chứng của một đơn vị theo bộ tiêu chí và lập báo cáo: mặc định in \
             bảng chấm điểm ra màn hình, với --out thì ghi vào tệp. Với thư mục minh chứng của cả \
             tỉnh, chấm mọi đơn vị trong đó (báo cáo dạng json hoặc md)."
        ),
        after_long_help = "Ví dụ:\n  \
            parindex score --criteria criteria/nghe-an-2026-so --evidence so-khcn\n  \
            parindex score --criteria criteria/nghe-an-2026-so --evidence so-khcn \
            --out bao-cao.docx\n  \
            parindex score --criteria criteria/nghe-an-2026-so --evidence so-khcn \
            --as-of 30/06/2026",
        override_usage = "parindex score [TÙY_CHỌN] --criteria <BỘ_TIÊU_CHÍ> --evidence \
                          <THƯ_MỤC>"
    )]
    Score(ScoreArgs),
    // Replay a JSON report from the same files: exit 0 when identical, else say what differs.
    #[command(
        about = "Kiểm tra lại một báo cáo JSON: chấm lại từ cùng các tệp, chỉ ra chỗ khác nếu có",
        long_about = long_about(
            "Kiểm tra lại một báo cáo JSON: chấm lại minh chứng theo bộ tiêu chí tại ngày chốt số \
             liệu ghi trong báo cáo, rồi so với báo cáo. Khớp thì mã thoát 0; khác thì liệt kê \
             các tệp đầu vào, các dòng và các tổng khác nhau, mã thoát 1."
        ),
        after_long_help = "Ví dụ:\n  \
            parindex verify bao-cao.json --criteria criteria/nghe-an-2026-so --evidence \
            so-khcn",
        override_usage = "parindex verify [TÙY_CHỌN] --criteria <BỘ_TIÊU_CHÍ> --evidence \
                          <THƯ_MỤC> <BÁO_CÁO_JSON>"
    )]
    Verify(VerifyArgs),
    // Row-by-row differences between two JSON reports (self vs appraised, year vs year).
    #[command(
        about = "So sánh từng dòng hai báo cáo JSON (tự đánh giá với thẩm định, năm này với năm \
                 trước)",
        after_long_help = "Ví dụ:\n  \
            parindex diff tu-danh-gia.json tham-dinh.json\n  \
            parindex diff bao-cao-2025.json bao-cao-2026.json --format json",
        override_usage = "parindex diff [TÙY_CHỌN] <BÁO_CÁO_A> <BÁO_CÁO_B>"
    )]
    Diff(DiffArgs),
    // Score every unit of a province and rank them within their peer groups.
    #[command(
        about = "Chấm điểm mọi đơn vị của tỉnh và xếp hạng trong từng nhóm",
        long_about = long_about(
            "Chấm điểm mọi đơn vị của tỉnh và xếp hạng trong từng nhóm: theo chỉ số, bằng nhau \
             thì đơn vị có điểm tự đánh giá được thẩm định cao hơn đứng trước. --evidence là thư \
             mục minh chứng của cả tỉnh."
        ),
        after_long_help = "Ví dụ:\n  \
            parindex rank --criteria criteria/nghe-an-2026-so --evidence ca-tinh \
            --out xep-hang.xlsx",
        override_usage = "parindex rank [TÙY_CHỌN] --criteria <BỘ_TIÊU_CHÍ> --evidence \
                          <THƯ_MỤC>"
    )]
    Rank(RankArgs),
    // Run the cases stored beside a criteria set (cases/*.cases): expected vs got per case.
    #[command(
        about = "Chạy các ca kiểm thử kèm bộ tiêu chí (cases/*.cases), so kết quả cần có với kết \
                 quả được",
        after_long_help = "Ví dụ:\n  parindex test criteria/nghe-an-2026-so",
        override_usage = "parindex test <BỘ_TIÊU_CHÍ>"
    )]
    Test(TestArgs),
    // The rows that lost points, the most first, with what would restore them.
    #[command(
        about = "Các tiêu chí bị mất điểm, mất nhiều nhất trước, và cách khôi phục",
        after_long_help = "Ví dụ:\n  \
            parindex gaps --criteria criteria/nghe-an-2026-so --evidence so-khcn",
        override_usage = "parindex gaps [TÙY_CHỌN] --criteria <BỘ_TIÊU_CHÍ> --evidence \
                          <THƯ_MỤC>"
    )]
    Gaps(Inputs),
    // One row: its rule, a reading of its bands, and (with --evidence) how it scored.
    #[command(
        about = "Giải thích một tiêu chí: quy tắc, cách đọc các mức điểm và (với --evidence) kết quả \
                 chấm",
        after_long_help = "Ví dụ:\n  \
            parindex explain criteria/nghe-an-2026-so 3.2.1\n  \
            parindex explain criteria/nghe-an-2026-so 3.2.1 --evidence so-khcn\n  \
            parindex explain criteria/nghe-an-2026-so 3.2.1 --evidence so-khcn \
            --records > tre-han.csv",
        override_usage = "parindex explain [TÙY_CHỌN] <BỘ_TIÊU_CHÍ> <MÃ_DÒNG>"
    )]
    Explain(ExplainArgs),
    // Check a criteria set: every problem at once, each on its source line.
    #[command(
        about = "Kiểm tra một bộ tiêu chí: báo mọi lỗi cùng lúc, mỗi lỗi tại dòng nguồn của nó",
        after_long_help = "Ví dụ:\n  parindex check criteria/nghe-an-2026-so",
        override_usage = "parindex check <BỘ_TIÊU_CHÍ>"
    )]
    Check(CheckArgs),
    // The officer's web app on this machine: upload the exports, see the score, download.
    #[command(
        about = "Chạy ứng dụng web cho cán bộ trên máy này: tải tệp xuất lên, xem điểm, tải báo cáo \
                 về",
        long_about = long_about(
            "Chạy ứng dụng web cho cán bộ trên máy này: tải tệp xuất lên, xem điểm, tải báo cáo \
             về. Máy chủ dùng HTTP thường; HTTPS (TLS) là việc của proxy ngược đặt trước nó."
        ),
        after_long_help = "Ví dụ:\n  \
            parindex serve\n  \
            PARINDEX_ADMIN_PASSWORD='mật khẩu dài' parindex serve --data /srv/parindex \
            --create-admin quantri\n  \
            parindex serve --data /srv/parindex --addr 0.0.0.0:8080 --secure-cookies",
        override_usage = "parindex serve [TÙY_CHỌN]"
    )]
    Serve(ServeArgs),
    // clap's `help` command, in Vietnamese: the help of the top level or of a command.
    #[command(
        about = "In hướng dẫn chung, hoặc hướng dẫn của một lệnh",
        after_long_help = "Ví dụ:\n  parindex help score",
        override_usage = "parindex help [LỆNH]"
    )]
    Help(HelpArgs),
}

#[derive(clap::Args, Debug)]
pub(crate) struct HelpArgs {
    // The command whose help to print; none: the top level's.
    #[arg(
        value_name = "LỆNH",
        help_heading = ARGUMENTS,
        help = "Lệnh cần xem hướng dẫn; không ghi thì in hướng dẫn chung"
    )]
    pub(crate) command: Option<String>,
}

#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    // The data folder (database, uploaded files); created when missing.
    #[arg(
        long,
        value_name = "THƯ_MỤC",
        default_value = "parindex-data",
        hide_default_value = true,
        help = "Thư mục dữ liệu, tạo mới nếu chưa có; mặc định parindex-data",
        long_help = long_help(
            "Thư mục dữ liệu (cơ sở dữ liệu, các tệp đã tải lên), tạo mới nếu chưa có; mặc định \
             parindex-data"
        )
    )]
    pub(crate) data: PathBuf,
    // A PostgreSQL database instead of the data folder's SQLite file, else from the variable
    // PARINDEX_DATABASE_URL (which keeps the password off the command line). Uploaded files stay
    // in --data.
    #[arg(
        long,
        value_name = "URL",
        help = "Dùng cơ sở dữ liệu PostgreSQL thay cho SQLite",
        long_help = long_help(
            "Dùng cơ sở dữ liệu PostgreSQL thay cho tệp SQLite trong thư mục dữ liệu, địa chỉ \
             dạng postgres://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY_CHỦ:CỔNG/TÊN_CSDL. Không ghi thì lấy từ \
             biến môi trường PARINDEX_DATABASE_URL (để mật khẩu không hiện trên dòng lệnh). Các \
             tệp tải lên vẫn nằm trong --data."
        )
    )]
    pub(crate) database: Option<String>,
    // The address to listen on: loopback only (127.0.0.1 or ::1) until accounts exist.
    #[arg(
        long,
        value_name = "ĐỊA_CHỈ",
        default_value = "127.0.0.1:8080",
        value_parser = parse_addr,
        hide_default_value = true,
        help = "Địa chỉ lắng nghe; mặc định 127.0.0.1:8080",
        long_help = long_help(
            "Địa chỉ lắng nghe; mặc định 127.0.0.1:8080. Khi chưa có tài khoản nào, máy chủ chỉ \
             nghe trên chính máy này (127.0.0.1 hoặc ::1)."
        )
    )]
    pub(crate) addr: std::net::SocketAddr,
    // Behind a TLS reverse proxy: send the session cookie over HTTPS only.
    #[arg(
        long,
        help = "Chỉ gửi cookie đăng nhập qua HTTPS (khi chạy sau proxy TLS)",
        long_help = long_help(
            "Chạy sau proxy ngược có TLS: chỉ gửi cookie phiên đăng nhập qua HTTPS. Không có \
             proxy thì đừng dùng, vì khi đó không ai đăng nhập được."
        )
    )]
    pub(crate) secure_cookies: bool,
    // Create the province server's first administrator with this login, the password read from
    // the variable PARINDEX_ADMIN_PASSWORD or else the first line of standard input, and stop
    // (refused once any account exists).
    #[arg(
        long,
        value_name = "TÊN_ĐĂNG_NHẬP",
        help = "Tạo tài khoản quản trị đầu tiên với tên đăng nhập này rồi dừng",
        long_help = long_help(
            "Tạo tài khoản quản trị đầu tiên của máy chủ với tên đăng nhập này, rồi dừng. Mật \
             khẩu lấy từ biến môi trường PARINDEX_ADMIN_PASSWORD, nếu không có thì từ dòng đầu \
             tiên của đầu vào chuẩn (stdin). Bị từ chối khi đã có tài khoản."
        )
    )]
    pub(crate) create_admin: Option<String>,
}

#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    // The criteria set: a folder holding criteria.toml, or the file itself.
    #[arg(
        value_name = "BỘ_TIÊU_CHÍ",
        help_heading = ARGUMENTS,
        help = CRITERIA_HELP
    )]
    pub(crate) criteria: PathBuf,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Inputs {
    // The criteria set: a folder holding criteria.toml, or the file itself.
    #[arg(
        long,
        value_name = "BỘ_TIÊU_CHÍ",
        help = CRITERIA_HELP
    )]
    pub(crate) criteria: PathBuf,
    // The evidence: a unit's folder (CSV or spreadsheet tables, facts.toml, unit.toml, …), or a
    // province folder (one folder per unit, or units.csv with province-wide exports).
    #[arg(
        long,
        value_name = "THƯ_MỤC",
        help = "Thư mục minh chứng của một đơn vị, hoặc của cả tỉnh",
        long_help = long_help(
            "Thư mục minh chứng (tài liệu kiểm chứng) của một đơn vị: các bảng CSV hoặc bảng \
             tính, facts.toml, unit.toml, …; hoặc của cả tỉnh: mỗi đơn vị một thư mục con, hoặc \
             units.csv kèm các tệp xuất của cả tỉnh."
        )
    )]
    pub(crate) evidence: PathBuf,
    // The date the evidence is judged at (dd/mm/yyyy or yyyy-mm-dd); default 31/12 of the set's
    // year. The clock is never read.
    #[arg(
        long,
        value_name = "NGÀY",
        help = AS_OF_HELP,
        long_help = long_help(AS_OF_LONG)
    )]
    pub(crate) as_of: Option<String>,
    // The encoding of text exports: auto (default), utf-8, utf-16le, utf-16be, windows-1258.
    #[arg(
        long,
        value_name = "BẢNG_MÃ",
        default_value = "auto",
        hide_default_value = true,
        value_parser = parse_encoding,
        help = "Bảng mã của các tệp văn bản; mặc định auto (tự nhận ra)",
        long_help = long_help(ENCODING_LONG)
    )]
    pub(crate) encoding: TextEncoding,
    // The threads reading, scoring and writing may use (default: the cores).
    #[arg(
        long,
        value_name = "N",
        value_parser = parse_threads,
        help = "Số luồng xử lý; mặc định bằng số lõi CPU của máy",
        long_help = long_help(
            "Số luồng dùng để đọc, chấm điểm và ghi; mặc định bằng số lõi CPU của máy. Số luồng \
             nào cũng cho cùng một kết quả."
        )
    )]
    pub(crate) threads: Option<std::num::NonZeroUsize>,
}

/// The criteria set, of every command that takes it as `criteria.toml` or its folder.
pub(crate) const CRITERIA_HELP: &str = "Bộ tiêu chí: thư mục chứa criteria.toml, hoặc chính tệp đó";

/// `--as-of` in short, of every command that takes it.
pub(crate) const AS_OF_HELP: &str = "Ngày chốt số liệu; mặc định 31/12 của năm bộ tiêu chí";

/// `--as-of` in full, of every command that takes it.
pub(crate) const AS_OF_LONG: &str = "Ngày chốt số liệu, tức ngày tính đến khi chấm, dạng \
    dd/mm/yyyy hoặc yyyy-mm-dd; mặc định 31/12 của năm bộ tiêu chí. Phần mềm không đọc đồng hồ \
    của máy: cùng tệp, cùng ngày thì cùng kết quả.";

/// `--encoding` in full, of every command that takes it.
pub(crate) const ENCODING_LONG: &str = "Bảng mã của các tệp xuất dạng văn bản: auto (mặc định), \
    utf-8, utf-16le, utf-16be hoặc windows-1258. Với auto, tệp có BOM đọc theo BOM; tệp không có \
    BOM là UTF-8 nếu hợp lệ, nếu không thì đọc theo Windows-1258 khi có chữ Việt theo bảng mã đó.";

#[derive(clap::Args, Debug)]
pub(crate) struct ExplainArgs {
    // The criteria set.
    #[arg(
        value_name = "BỘ_TIÊU_CHÍ",
        help_heading = ARGUMENTS,
        help = CRITERIA_HELP
    )]
    pub(crate) criteria: PathBuf,
    // The row id, e.g. 3.2.1.
    #[arg(
        value_name = "MÃ_DÒNG",
        help_heading = ARGUMENTS,
        help = "Mã dòng (tiêu chí) như trong bộ tiêu chí, ví dụ 3.2.1"
    )]
    pub(crate) row: String,
    // A unit's evidence folder: also show how the row scored there.
    #[arg(
        long,
        value_name = "THƯ_MỤC",
        help = "Thư mục minh chứng của một đơn vị: in thêm kết quả chấm dòng này"
    )]
    pub(crate) evidence: Option<PathBuf>,
    // The as-of date (default 31/12 of the set's year).
    #[arg(
        long,
        value_name = "NGÀY",
        help = AS_OF_HELP,
        long_help = long_help(AS_OF_LONG)
    )]
    pub(crate) as_of: Option<String>,
    // Instead of the explanation: every record that decided the row (all the late dossiers, not
    // only the report's first 20), with all its columns, as CSV for a spreadsheet; a row with
    // several lists prints one CSV each, a blank line between. Needs --evidence.
    #[arg(
        long,
        requires = "evidence",
        help = "In mọi bản ghi quyết định điểm của dòng, dạng CSV (cần --evidence)",
        long_help = long_help(
            "Thay cho phần giải thích: in mọi bản ghi quyết định điểm của dòng (ví dụ mọi hồ sơ \
             trễ hạn, không chỉ 20 bản ghi đầu như trong báo cáo), đủ các cột, dạng CSV để mở \
             bằng bảng tính. Dòng có nhiều danh sách thì in mỗi danh sách một bảng CSV, cách nhau \
             một dòng trống. Cần --evidence."
        )
    )]
    pub(crate) records: bool,
}

#[derive(clap::Args, Debug)]
pub(crate) struct TestArgs {
    // The criteria set, its folder holding cases/.
    #[arg(
        value_name = "BỘ_TIÊU_CHÍ",
        help_heading = ARGUMENTS,
        help = "Bộ tiêu chí: thư mục chứa criteria.toml và cases/, hoặc chính tệp criteria.toml"
    )]
    pub(crate) criteria: PathBuf,
}

#[derive(clap::Args, Debug)]
pub(crate) struct RankArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    // md (default), json or xlsx; by default the extension of --out.
    #[arg(
        long,
        value_enum,
        value_name = "ĐỊNH_DẠNG",
        hide_possible_values = true,
        help = "Định dạng bảng xếp hạng (md, json, xlsx)",
        long_help = long_help(
            "Định dạng bảng xếp hạng: md, json hoặc xlsx; mặc định theo đuôi tệp --out, nếu \
             không có --out thì md."
        )
    )]
    pub(crate) format: Option<RankFormat>,
    // Write to this file instead of standard output (required for xlsx).
    #[arg(
        long,
        value_name = "TỆP",
        help = "Ghi vào tệp này thay vì in ra màn hình (bắt buộc với xlsx)"
    )]
    pub(crate) out: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RankFormat {
    Md,
    Json,
    Xlsx,
}

#[derive(clap::Args, Debug)]
pub(crate) struct VerifyArgs {
    // The JSON report to replay.
    #[arg(
        value_name = "BÁO_CÁO_JSON",
        help_heading = ARGUMENTS,
        help = "Báo cáo JSON cần kiểm tra lại"
    )]
    pub(crate) report: PathBuf,
    // The criteria set it was computed with.
    #[arg(
        long,
        value_name = "BỘ_TIÊU_CHÍ",
        help = "Bộ tiêu chí đã dùng để lập báo cáo (thư mục hoặc tệp)",
        long_help = long_help(
            "Bộ tiêu chí đã dùng để lập báo cáo: thư mục chứa criteria.toml, hoặc chính tệp đó"
        )
    )]
    pub(crate) criteria: PathBuf,
    // The unit's evidence folder.
    #[arg(
        long,
        value_name = "THƯ_MỤC",
        help = "Thư mục minh chứng của đơn vị đã dùng để lập báo cáo"
    )]
    pub(crate) evidence: PathBuf,
    // The encoding of text exports, as when the report was made.
    #[arg(
        long,
        value_name = "BẢNG_MÃ",
        default_value = "auto",
        hide_default_value = true,
        value_parser = parse_encoding,
        help = "Bảng mã của các tệp văn bản, như khi lập báo cáo; mặc định auto",
        long_help = long_help(ENCODING_LONG)
    )]
    pub(crate) encoding: TextEncoding,
}

#[derive(clap::Args, Debug)]
pub(crate) struct DiffArgs {
    // The first report (e.g. the self-assessment, or last year's).
    #[arg(
        value_name = "BÁO_CÁO_A",
        help_heading = ARGUMENTS,
        help = "Báo cáo JSON thứ nhất (ví dụ bản tự đánh giá, hoặc của năm trước)"
    )]
    pub(crate) a: PathBuf,
    // The second report.
    #[arg(
        value_name = "BÁO_CÁO_B",
        help_heading = ARGUMENTS,
        help = "Báo cáo JSON thứ hai (ví dụ bản sau thẩm định, hoặc của năm nay)"
    )]
    pub(crate) b: PathBuf,
    // md (default) or json.
    #[arg(
        long,
        value_enum,
        value_name = "ĐỊNH_DẠNG",
        default_value = "md",
        hide_default_value = true,
        hide_possible_values = true,
        help = "Định dạng kết quả: md (mặc định) hoặc json"
    )]
    pub(crate) format: DiffFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DiffFormat {
    Md,
    Json,
}

#[derive(clap::Args, Debug)]
pub(crate) struct ScoreArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    // Output format; by default the extension of --out, else md. xlsx and docx need --out.
    #[arg(
        long,
        value_enum,
        value_name = "ĐỊNH_DẠNG",
        hide_possible_values = true,
        help = "Định dạng báo cáo (md, json, xlsx, docx, html, csv)",
        long_help = long_help(
            "Định dạng báo cáo; mặc định theo đuôi tệp --out, nếu không có --out thì md. xlsx và \
             docx cần --out.\n  \
             md    bảng chấm điểm để xem trên màn hình\n  \
             json  báo cáo ổn định để lưu và đối chiếu (parindex.report/1)\n  \
             xlsx  phụ lục Excel\n  \
             docx  báo cáo Word gồm ba phần\n  \
             html  một trang in được, không cần tệp nào khác\n  \
             csv   bảng chấm điểm cho phần mềm khác"
        )
    )]
    pub(crate) format: Option<Format>,
    // Write the report to this file instead of standard output.
    #[arg(
        long,
        value_name = "TỆP",
        help = "Ghi báo cáo vào tệp này thay vì in ra màn hình"
    )]
    pub(crate) out: Option<PathBuf>,
    // Also list where each table was read from and the columns that were ignored.
    #[arg(long, short, help = "In thêm nơi đọc từng bảng và các cột bị bỏ qua")]
    pub(crate) verbose: bool,
    // Part 3 of the report (khó khăn, vướng mắc và kiến nghị): a UTF-8 text file the officer
    // writes, paragraphs separated by blank lines. Used by docx and html; without it, the text of
    // notes.toml if any.
    #[arg(
        long,
        value_name = "TỆP",
        help = "Tệp nội dung phần III (khó khăn, vướng mắc và kiến nghị)",
        long_help = long_help(
            "Phần III của báo cáo (khó khăn, vướng mắc và kiến nghị): tệp văn bản UTF-8 do cán bộ \
             soạn, các đoạn cách nhau một dòng trống. Dùng cho docx và html; không ghi thì lấy \
             nội dung trong notes.toml (nếu có)."
        )
    )]
    pub(crate) proposals: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    // The stable report, `parindex.report/1`.
    Json,
    // The scoring table for a terminal.
    Md,
    // The Excel annex.
    Xlsx,
    // The three-part Word report.
    Docx,
    // One self-contained printable page.
    Html,
    // The scoring table for any other tool.
    Csv,
}

impl From<Format> for parindex_render::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Json => Self::Json,
            Format::Md => Self::Markdown,
            Format::Xlsx => Self::Xlsx,
            Format::Docx => Self::Docx,
            Format::Html => Self::Html,
            Format::Csv => Self::Csv,
        }
    }
}

/// `--encoding`, refused in Vietnamese.
pub(crate) fn parse_encoding(text: &str) -> Result<TextEncoding, String> {
    text.parse().map_err(|_: String| {
        format!(
            "`{}` không phải bảng mã parindex đọc được; hãy ghi auto, utf-8, utf-16le, utf-16be \
             hoặc windows-1258",
            visible(text)
        )
    })
}

/// `--threads`, refused in Vietnamese.
pub(crate) fn parse_threads(text: &str) -> Result<std::num::NonZeroUsize, String> {
    text.parse().map_err(|_| {
        format!(
            "`{}` không phải số luồng: cần một số nguyên từ 1 trở lên, ví dụ --threads 4",
            visible(text)
        )
    })
}

/// `--addr`, refused in Vietnamese.
pub(crate) fn parse_addr(text: &str) -> Result<std::net::SocketAddr, String> {
    text.parse().map_err(|_| {
        format!(
            "`{}` không phải địa chỉ dạng IP:CỔNG; hãy ghi ví dụ 127.0.0.1:8080 hoặc [::1]:8080",
            visible(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every usage line written by hand (`override_usage`) is clap's own with its one English
    /// word, `[OPTIONS]`, in Vietnamese: an argument added or renamed shows there too.
    #[test]
    fn each_usage_line_is_clap_s_own_in_vietnamese() {
        let mut cli = command();
        cli.build();
        let commands = std::iter::once(cli.clone()).chain(cli.get_subcommands().cloned());
        for command in commands {
            let ours = command.get_overridden_usage().map(ToString::to_string);
            let clap_s = command
                .clone()
                .override_usage(None::<&'static str>)
                .render_usage()
                .to_string();
            let clap_s = clap_s
                .strip_prefix("Usage: ")
                .unwrap_or(&clap_s)
                .replace("[OPTIONS]", "[TÙY_CHỌN]");
            assert_eq!(ours, Some(clap_s), "{}", command.get_name());
        }
    }

    #[test]
    fn wrapped_breaks_at_spaces_and_keeps_each_line_s_indent() {
        assert_eq!(wrapped(10, "một hai ba bốn năm"), "một hai ba\nbốn năm");
        assert_eq!(wrapped(9, "a\n  bb cc dd"), "a\n  bb cc\n  dd");
        assert_eq!(wrapped(3, "dàidài x"), "dàidài\nx");
    }
}
