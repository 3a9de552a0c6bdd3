//! The floor of `scripts/bench.sh`: reads and parses one CSV file with the `csv` crate (byte
//! records, one thread) and does nothing else; prints the number of records and fields.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: csv-floor <file.csv>");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new().has_headers(true).from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("csv-floor: {e}");
            return ExitCode::from(1);
        }
    };
    let mut record = csv::ByteRecord::new();
    let (mut records, mut fields) = (0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                records += 1;
                fields += record.len() as u64;
            }
            Ok(false) => break,
            Err(e) => {
                eprintln!("csv-floor: {e}");
                return ExitCode::from(1);
            }
        }
    }
    println!("{records} records, {fields} fields");
    ExitCode::SUCCESS
}
