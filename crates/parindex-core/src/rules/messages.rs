//! rhai's own errors in the officer's language. rhai words them in English ("Too many
//! operations", "Function not found: …", "Undefined variable: x"); every one that can end a
//! rule, at compile or at run time, is worded here, so that no English reaches a report.

use rhai::{Engine, EvalAltResult, LexError, ParseErrorType};

/// A run-time error of a rule, without its place (the caller adds the rule's file:line).
pub(crate) fn eval_message(err: &EvalAltResult, engine: &Engine) -> String {
    use EvalAltResult as E;
    match err {
        E::ErrorRuntime(d, _) => match d.clone().into_immutable_string() {
            Ok(s) => s.to_string(),
            // `throw` of a value that is not a string.
            Err(_) => format!("quy tắc dừng với giá trị {d}"),
        },
        E::ErrorInFunctionCall(name, _, inner, _) => {
            format!("trong hàm `{name}`: {}", eval_message(inner, engine))
        }
        E::ErrorInModule(_, inner, _) => eval_message(inner, engine),
        E::ErrorParsing(p, _) => parse_message(p),
        E::ErrorTooManyOperations(_) => format!(
            "quy tắc chạy quá nhiều phép tính (giới hạn {}): có thể là một vòng lặp không dừng",
            engine.max_operations()
        ),
        E::ErrorStackOverflow(_) => format!(
            "các lời gọi hàm lồng nhau quá sâu (giới hạn {} cấp): có thể là một hàm gọi lại \
             chính nó không dừng",
            engine.max_call_levels()
        ),
        E::ErrorTooManyVariables(_) => format!(
            "quy tắc dùng quá nhiều biến (giới hạn {})",
            engine.max_variables()
        ),
        E::ErrorTooManyModules(_) | E::ErrorModuleNotFound(..) => {
            "quy tắc không được nạp module".to_owned()
        }
        E::ErrorDataTooLarge(what, _) => {
            let what = what.to_ascii_lowercase();
            if what.contains("string") {
                format!("chuỗi quá lớn (tối đa {} ký tự)", engine.max_string_size())
            } else if what.contains("array") {
                format!("mảng quá lớn (tối đa {} phần tử)", engine.max_array_size())
            } else if what.contains("map") {
                format!(
                    "bảng khóa #{{…}} quá lớn (tối đa {} khóa)",
                    engine.max_map_size()
                )
            } else {
                "dữ liệu quá lớn".to_owned()
            }
        }
        E::ErrorArithmetic(text, _) => arithmetic(text),
        E::ErrorFunctionNotFound(signature, _) => function_not_found(signature),
        E::ErrorVariableNotFound(name, _) => {
            format!("biến `{name}` chưa được khai báo (viết `let {name} = …;` trước)")
        }
        E::ErrorVariableExists(name, _) => format!("biến `{name}` đã được khai báo"),
        E::ErrorForbiddenVariable(name, _) => format!("không được dùng tên biến `{name}`"),
        E::ErrorPropertyNotFound(name, _) => format!("không có thuộc tính `{name}`"),
        E::ErrorIndexNotFound(key, _) => format!("không có khóa `{key}`"),
        E::ErrorUnboundThis(_) => "`this` không dùng được ở đây".to_owned(),
        E::ErrorMismatchDataType(expected, actual, _) => {
            format!("sai kiểu dữ liệu: cần {expected}, nhận được {actual}")
        }
        E::ErrorMismatchOutputType(expected, actual, _) => {
            format!("kết quả sai kiểu: cần {expected}, nhận được {actual}")
        }
        E::ErrorIndexingType(t, _) => format!("không lấy phần tử theo chỉ số được trên {t}"),
        E::ErrorArrayBounds(len, index, _) => {
            format!("chỉ số {index} nằm ngoài mảng {len} phần tử")
        }
        E::ErrorStringBounds(len, index, _) => {
            format!("chỉ số {index} nằm ngoài chuỗi {len} ký tự")
        }
        E::ErrorBitFieldBounds(len, index, _) => {
            format!("bit {index} nằm ngoài số {len} bit")
        }
        E::ErrorFor(_) => "`for` chỉ lặp trên một mảng".to_owned(),
        E::ErrorDataRace(name, _) => format!("biến `{name}` đang được dùng ở nơi khác"),
        E::ErrorNonPureMethodCallOnConstant(name, _) => {
            format!("`{name}` thay đổi giá trị, không gọi được trên một hằng")
        }
        E::ErrorAssignmentToConstant(name, _) => format!("không gán được cho hằng `{name}`"),
        E::ErrorDotExpr(..) => "không đọc được thuộc tính sau dấu `.`".to_owned(),
        E::ErrorTerminated(..) => "quy tắc bị dừng".to_owned(),
        E::ErrorCustomSyntax(..) => "cú pháp không được hỗ trợ".to_owned(),
        E::ErrorSystem(..) => "lỗi hệ thống của bộ chạy quy tắc".to_owned(),
        E::LoopBreak(..) => "`break` hoặc `continue` nằm ngoài vòng lặp".to_owned(),
        E::Return(..) | E::Exit(..) => "quy tắc kết thúc bất thường".to_owned(),
        _ => "lỗi khi chạy quy tắc".to_owned(),
    }
}

/// rhai's arithmetic errors read "Division by zero: 3 / 0", "Addition overflow: a + b", …:
/// the operation after the colon is kept.
fn arithmetic(text: &str) -> String {
    let (kind, operation) = text.split_once(": ").unwrap_or((text, ""));
    let kind = kind.to_ascii_lowercase();
    let what = if kind.contains("by zero") && kind.contains("overflow") {
        "chia cho 0 hoặc vượt giới hạn số"
    } else if kind.contains("by zero") {
        "chia cho 0"
    } else if kind.contains("negative power") {
        "lũy thừa với số mũ âm"
    } else {
        "phép tính vượt giới hạn số"
    };
    if operation.is_empty() {
        what.to_owned()
    } else {
        format!("{what} ({operation})")
    }
}

/// rhai names a missing function by its signature, `print (&str | ImmutableString | String)`;
/// a missing property getter is the function `get$name`.
fn function_not_found(signature: &str) -> String {
    let (name, args) = match signature.split_once(' ') {
        Some((name, args)) => (name, args.trim()),
        None => (signature, ""),
    };
    let on = args
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .next()
        .unwrap_or("")
        .trim();
    if let Some(property) = name
        .strip_prefix("get$")
        .or_else(|| name.strip_prefix("set$"))
    {
        return format!("{on} không có thuộc tính `{property}`");
    }
    if name.starts_with("index$") {
        return format!("không lấy phần tử theo chỉ số được trên {on}");
    }
    if args.is_empty() || args == "()" {
        format!("không có hàm `{name}` (xem các hàm trong docs/criteria-format.md)")
    } else {
        format!(
            "không có hàm `{name}` nhận các đối số {args} (xem các hàm trong \
             docs/criteria-format.md)"
        )
    }
}

/// A compile error of a rule, without its place.
pub(crate) fn parse_message(err: &ParseErrorType) -> String {
    use ParseErrorType as P;
    match err {
        P::UnexpectedEOF => "quy tắc kết thúc giữa chừng (thiếu dấu đóng?)".to_owned(),
        P::BadInput(lex) => lex_message(lex),
        P::UnknownOperator(op) => format!("không có toán tử `{op}`"),
        P::MissingToken(token, what) => missing(token, what),
        P::MissingSymbol(symbol) => format!("thiếu `{symbol}`"),
        P::MalformedIndexExpr(_) => "phép lấy phần tử theo chỉ số viết sai".to_owned(),
        P::MalformedCapture(_) => "phép lấy biến vào hàm viết sai".to_owned(),
        P::DuplicatedProperty(p) => format!("khóa `{p}` lặp lại trong #{{…}}"),
        P::DuplicatedVariable(v) => format!("biến `{v}` khai báo lặp lại"),
        P::WrongSwitchIntegerCase | P::WrongSwitchDefaultCase | P::WrongSwitchCaseCondition => {
            "`switch` viết sai".to_owned()
        }
        P::PropertyExpected => "cần tên một thuộc tính sau dấu `.`".to_owned(),
        P::VariableExpected => "cần tên một biến".to_owned(),
        P::ForbiddenVariable(v) => format!("không được dùng tên biến `{v}`"),
        P::Reserved(word) => format!("`{word}` là từ khóa không dùng được trong quy tắc"),
        P::MismatchedType(expected, actual) => {
            format!("sai kiểu: cần {expected}, nhận được {actual}")
        }
        P::ExprExpected(_) => "cần một biểu thức ở đây".to_owned(),
        P::WrongDocComment => "chú thích `///` đặt sai chỗ".to_owned(),
        P::WrongFnDefinition => "hàm chỉ được định nghĩa ở ngoài cùng của quy tắc".to_owned(),
        P::FnDuplicatedDefinition(name, n) => {
            format!("hàm `{name}` với {n} tham số được định nghĩa hai lần")
        }
        P::FnMissingName => "hàm thiếu tên".to_owned(),
        P::FnMissingParams(name) => format!("hàm `{name}` thiếu danh sách tham số"),
        P::FnDuplicatedParam(name, param) => {
            format!("hàm `{name}` có tham số `{param}` lặp lại")
        }
        P::FnMissingBody(name) => format!("hàm `{name}` thiếu thân hàm `{{ … }}`"),
        P::WrongExport => "`export` không dùng được trong quy tắc".to_owned(),
        P::AssignmentToConstant(name) => format!("không gán được cho hằng `{name}`"),
        P::AssignmentToInvalidLHS(_) => "vế trái của phép gán không gán được".to_owned(),
        P::VariableExists(name) => format!("biến `{name}` đã được khai báo"),
        P::VariableUndefined(name) => {
            format!("biến `{name}` chưa được khai báo (viết `let {name} = …;` trước khi dùng)")
        }
        P::ModuleUndefined(_) => "quy tắc không được dùng module".to_owned(),
        P::ExprTooDeep => "biểu thức lồng nhau quá sâu".to_owned(),
        P::TooManyFunctions => "quy tắc định nghĩa quá nhiều hàm".to_owned(),
        P::LiteralTooLarge(what, max) => format!("{what} quá lớn (tối đa {max})"),
        P::LoopBreak => "`break` hoặc `continue` nằm ngoài vòng lặp".to_owned(),
        // A form not worded here: rhai's own detail after the Vietnamese.
        other => format!("quy tắc viết sai cú pháp ({other})"),
    }
}

/// "Expecting ';' to terminate this statement" is `MissingToken(";", "to terminate this
/// statement")`: the common purposes are worded, the others left to the token.
fn missing(token: &str, what: &str) -> String {
    let purpose = if what.contains("terminate this statement") {
        Some("để kết thúc câu lệnh".to_owned())
    } else if let Some(call) =
        what.strip_prefix("to close the arguments list of this function call ")
    {
        Some(format!("để đóng danh sách đối số của lời gọi {call}"))
    } else if what.contains("to close") {
        Some("để đóng ngoặc".to_owned())
    } else if what.contains("to separate") {
        Some("để ngăn cách các phần tử".to_owned())
    } else {
        None
    };
    match purpose {
        Some(p) => format!("thiếu `{token}` {p}"),
        None => format!("thiếu `{token}`"),
    }
}

fn lex_message(err: &LexError) -> String {
    use LexError as L;
    match err {
        L::UnexpectedInput(s) => format!("ký tự không dùng được `{s}`"),
        L::UnterminatedString => "chuỗi thiếu dấu nháy đóng".to_owned(),
        L::StringTooLong(max) => format!("chuỗi quá dài (tối đa {max} ký tự)"),
        L::MalformedEscapeSequence(s) => format!("chuỗi thoát `{s}` viết sai"),
        L::MalformedNumber(s) => format!("số `{s}` viết sai"),
        L::MalformedChar(s) => format!("ký tự `{s}` viết sai"),
        L::MalformedIdentifier(s) => format!("tên `{s}` viết sai"),
        L::ImproperSymbol(symbol, _) => {
            format!("`{symbol}` không dùng được trong quy tắc")
        }
        L::Runtime(s) => s.clone(),
        other => format!("quy tắc viết sai cú pháp ({other})"),
    }
}
