//! The reading loop: the calling thread reads the file, hashes it, cuts it into blocks of whole
//! records and queues them for the workers, then merges the workers' parts.

use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::kernel::Kernel;
use super::layout::records;
use super::matcher::atoms_of;
use super::tally::{Part, Plan, Tally};
use super::worker::{take_block, Reading};
use crate::error::Diagnostic;
use crate::evidence::read::{csv_diagnostic, Layout, ReadOptions};
use crate::evidence::text::sniff_delimiter;

/// Bytes read at a time; a block holds the whole records among them.
pub(super) const BLOCK: usize = 1 << 20;

/// What [`stream_csv`] found.
#[derive(Debug)]
pub(crate) enum Streamed {
    /// The aggregates (`None`: the table had problems, pushed), and the file's SHA-256.
    Read {
        tally: Option<Tally>,
        sha256: String,
    },
    /// Not UTF-8 text: read it whole, by its encoding, instead.
    NotUtf8,
}

/// Reads `reader` until `buf` holds at least `want` bytes or the input ends, hashing what it
/// reads; returns whether the input ended. One large read at a time: `read_to_end` would
/// spare the zeroing but starts with small reads, which cost more.
fn fill(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    want: usize,
    hasher: &mut Sha256,
) -> io::Result<bool> {
    while buf.len() < want {
        let start = buf.len();
        buf.resize(want.max(start + 64 * 1024), 0);
        let n = loop {
            match reader.read(&mut buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(start);
                    return Err(e);
                }
            }
        };
        buf.truncate(start + n);
        hasher.update(&buf[start..]);
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Where records end in some text, as the `csv` crate reads it: a quote opens a quoted field
/// only at the start of a field (elsewhere it is text), `""` inside quotes is a quote, and `\r`
/// as well as `\n` ends a record outside quotes.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RecordEnds {
    /// Just after the first record's line break(s).
    first: Option<usize>,
    /// Just after the last `\n` outside quotes: a record boundary.
    last: Option<usize>,
    /// A line break inside a quoted field.
    pub(super) quoted_break: bool,
    /// A `\r` not followed by `\n` outside quotes (a record end splitting at `\n` would miss).
    pub(super) lone_cr: bool,
}

impl RecordEnds {
    /// Scans `bytes`, which starts at a record's start.
    pub(super) fn of(bytes: &[u8], delimiter: u8) -> Self {
        let mut ends = Self::default();
        let (mut quoted, mut escaped) = (false, None);
        for i in memchr::memchr3_iter(b'"', b'\n', b'\r', bytes) {
            if escaped == Some(i) {
                continue;
            }
            match (quoted, bytes[i]) {
                (true, b'"') if bytes.get(i + 1) == Some(&b'"') => escaped = Some(i + 1),
                (true, b'"') => quoted = false,
                (true, _) => ends.quoted_break = true,
                (false, b'"') => {
                    let before = i.checked_sub(1).map(|j| bytes[j]);
                    quoted = before.is_none_or(|b| b == delimiter || b == b'\n' || b == b'\r');
                }
                (false, b'\n') => {
                    ends.first.get_or_insert(i + 1);
                    ends.last = Some(i + 1);
                }
                (false, _) => {
                    if bytes.get(i + 1) != Some(&b'\n') {
                        ends.lone_cr = true;
                        ends.first.get_or_insert(i + 1);
                    }
                }
            }
        }
        ends
    }
}

/// Reads on, doubling what `buf` holds, until `find` finds its place in it; at the end of the
/// input, `buf.len()`.
fn read_until(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    ended: &mut bool,
    hasher: &mut Sha256,
    find: &dyn Fn(&[u8]) -> Option<usize>,
) -> io::Result<usize> {
    loop {
        if let Some(at) = find(buf) {
            return Ok(at);
        }
        if *ended {
            return Ok(buf.len());
        }
        let want = buf.len() * 2;
        *ended = fill(reader, buf, want, hasher)?;
    }
}

/// The end of the last whole record in `bytes` (just after a line break outside quotes),
/// or `None` when no record ends there. `bytes` starts at a record's start.
fn last_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', bytes).is_none() {
        return memchr::memrchr(b'\n', bytes).map(|i| i + 1);
    }
    RecordEnds::of(bytes, delimiter).last
}

/// Whole records of the file, the line the first one starts on, and the block's number.
#[derive(Debug)]
pub(super) struct Block {
    pub(super) line: u64,
    pub(super) seq: u64,
    pub(super) bytes: Vec<u8>,
}

/// Streams a UTF-8 delimited export through `plan` on `workers` threads.
pub(crate) fn stream_csv(
    reader: &mut dyn Read,
    size: u64,
    path: &Path,
    plan: &Plan<'_>,
    workers: usize,
    options: &ReadOptions<'_>,
    problems: &mut Vec<Diagnostic>,
) -> io::Result<Streamed> {
    let progress = options.progress;
    let mut hasher = Sha256::new();
    // A small file (most tables but dossiers) in one read of its size, not a whole block:
    // fresh memory costs its pages' zeroing. The size is a hint; reading goes on past it.
    let first = usize::try_from(size).map_or(BLOCK, |s| s.saturating_add(1).min(BLOCK));
    let mut buf = Vec::with_capacity(first + 64 * 1024);
    let mut ended = fill(reader, &mut buf, first, &mut hasher)?;
    if buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]) {
        return Ok(Streamed::NotUtf8);
    }
    let bom = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    // The delimiter, from the first line (as reading whole sniffs it); then the header row,
    // the first record, read whole.
    let mut until = |buf: &mut Vec<u8>, find: &dyn Fn(&[u8]) -> Option<usize>| {
        read_until(reader, buf, &mut ended, &mut hasher, find)
    };
    let first_line_end = until(&mut buf, &|b| {
        memchr::memchr(b'\n', &b[bom..]).map(|e| bom + e)
    })?;
    let Ok(first_line) = std::str::from_utf8(&buf[bom..first_line_end]) else {
        return Ok(Streamed::NotUtf8);
    };
    let delimiter = sniff_delimiter(&first_line.nfc().collect::<String>());
    // Blank lines before the header are skipped, as the `csv` crate skips them.
    let head = until(&mut buf, &|b| {
        let blank = b[bom..]
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
        (bom + blank < b.len()).then_some(bom + blank)
    })?;
    let header_end = until(&mut buf, &|b| {
        RecordEnds::of(&b[head..], delimiter)
            .first
            .map(|e| head + e)
    })?;
    // From the file's start (after its byte-order mark), blank lines included: the `csv`
    // crate would take a byte-order mark opening the header itself for a second one.
    let Ok(header_text) = std::str::from_utf8(&buf[bom..header_end]) else {
        return Ok(Streamed::NotUtf8);
    };
    let header_text: String = header_text.nfc().collect();
    let headers: Vec<String> = {
        let mut rdr = records(header_text.as_bytes(), delimiter);
        let mut record = csv::StringRecord::new();
        match rdr.read_record(&mut record) {
            Ok(true) => record.iter().map(str::to_owned).collect(),
            Ok(false) => Vec::new(),
            Err(e) => {
                let refused = vec![csv_diagnostic(path, &e, 1)];
                return finish_unread(reader, buf, bom, hasher, refused, problems);
            }
        }
    };
    let mut refused = Vec::new();
    let Some(layout) = Layout::of(path, None, &headers, plan.spec, &mut refused) else {
        return finish_unread(reader, buf, bom, hasher, refused, problems);
    };
    let layout = layout.read_only(plan.spec, &plan.columns_read());
    let atoms = atoms_of(plan.needs).unwrap_or_default();
    let kernel = Kernel::new(plan.spec, &layout, &atoms, plan.unit_col);
    if let Some(p) = progress {
        p.start(path, None, size);
    }
    let first_line = 1 + memchr::memchr_iter(b'\n', &buf[..header_end]).count() as u64;
    let mut rest = buf.split_off(header_end);
    drop(buf);

    let not_utf8 = AtomicBool::new(false);
    let reading = Reading {
        layout: &layout,
        kernel: &kernel,
        path,
        delimiter,
        strategy: options.strategy(),
    };
    // The calling thread reads (the reader need not be `Send`) and works too, one thread per
    // core in all: a third thread would take a share of the cores from the reader, which
    // then starves the workers. A file read whole already is one block: no helper to start.
    let helpers = if ended { 0 } else { workers.max(1) - 1 };
    let (blocks_tx, blocks_rx) = mpsc::sync_channel::<Block>(helpers * 2 + 2);
    let blocks_rx = Mutex::new(blocks_rx);
    let queued = AtomicUsize::new(0);
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let new_part = || {
        let mut part = Part::new(plan);
        if let Some(matcher) = part.matcher.as_mut() {
            matcher.leave_to_kernel(kernel.answered);
        }
        part
    };
    // Reads one block; its buffer goes back to the reader, which may have stopped listening.
    let work = |part: &mut Part<'_>, block: Block| {
        queued.fetch_sub(1, Ordering::Relaxed);
        take_block(part, &reading, &not_utf8, &block);
        let _ = spare_tx.send(block.bytes);
    };
    // Reads the queued blocks until the queue is closed and empty.
    let drain = |part: &mut Part<'_>| loop {
        let block = match blocks_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => break,
        };
        let Ok(block) = block else { break };
        work(part, block);
    };
    let result = std::thread::scope(|scope| -> io::Result<Vec<Part<'_>>> {
        let handles: Vec<_> = (0..helpers)
            .map(|_| {
                let drain = &drain;
                scope.spawn(move || {
                    let mut part = new_part();
                    drain(&mut part);
                    part
                })
            })
            .collect();
        let mut mine = new_part();
        let mut line = first_line;
        let mut read = header_end as u64;
        // Blocks queued, blocks being read, the one being filled, the next.
        let max_buffers = workers.max(1) * 3 + 2;
        let mut buffers = 1;
        let mut seq = 0;
        let mut sent = |bytes: Vec<u8>, line: u64, mine: &mut Part<'_>| {
            seq += 1;
            queued.fetch_add(1, Ordering::Relaxed);
            if blocks_tx.send(Block { line, seq, bytes }).is_err() {
                return false;
            }
            // While every helper has a block waiting and one more is queued, this thread
            // reads one too.
            while queued.load(Ordering::Relaxed) > helpers + 1 {
                let block = match blocks_rx.try_lock() {
                    Ok(rx) => rx.try_recv(),
                    Err(_) => break,
                };
                let Ok(block) = block else { break };
                work(mine, block);
            }
            true
        };
        let outcome = (|| -> io::Result<()> {
            loop {
                if !ended && rest.len() < BLOCK {
                    let before = rest.len();
                    ended = fill(reader, &mut rest, BLOCK, &mut hasher)?;
                    read += (rest.len() - before) as u64;
                    if let Some(p) = progress {
                        p.advance(read);
                    }
                }
                if not_utf8.load(Ordering::Relaxed) {
                    return Ok(());
                }
                if ended {
                    if !rest.is_empty() {
                        sent(std::mem::take(&mut rest), line, &mut mine);
                    }
                    return Ok(());
                }
                match last_record_end(&rest, delimiter) {
                    Some(end) => {
                        // A spare buffer, else a new one while there are few; else wait for
                        // a worker to give one back: memory stays bounded whatever the size.
                        let mut next = match spare_rx.try_recv() {
                            Ok(spare) => spare,
                            Err(_) if buffers < max_buffers => {
                                buffers += 1;
                                Vec::new()
                            }
                            Err(_) => match spare_rx.recv() {
                                Ok(spare) => spare,
                                Err(_) => return Ok(()),
                            },
                        };
                        next.clear();
                        next.extend_from_slice(&rest[end..]);
                        rest.truncate(end);
                        let lines = memchr::memchr_iter(b'\n', &rest).count() as u64;
                        let block = std::mem::replace(&mut rest, next);
                        if !sent(block, line, &mut mine) {
                            return Ok(());
                        }
                        line += lines;
                    }
                    // A record longer than a block: read on.
                    None => {
                        let want = rest.len() * 2;
                        ended = fill(reader, &mut rest, want, &mut hasher)?;
                    }
                }
            }
        })();
        drop(blocks_tx);
        // Then works like the helpers until the blocks run out.
        drain(&mut mine);
        let mut parts: Vec<Part<'_>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        parts.push(mine);
        outcome.map(|()| parts)
    });
    if let Some(p) = progress {
        p.finish();
    }
    let parts = result?;
    if not_utf8.load(Ordering::Relaxed) {
        return Ok(Streamed::NotUtf8);
    }
    let mut parts = parts.into_iter();
    let Some(mut whole) = parts.next() else {
        return Ok(Streamed::Read {
            tally: None,
            sha256: hex(hasher),
        });
    };
    for part in parts {
        whole.merge(part);
    }
    let tally = whole.finish(path, problems).map(|mut tally| {
        tally.ignored = layout.ignored.clone();
        tally
    });
    Ok(Streamed::Read {
        tally,
        sha256: hex(hasher),
    })
}

/// The rest of a file whose header was refused: hashed (the fingerprint names every file) and
/// checked to be UTF-8 — else the file is read whole by its detected encoding, whose headers
/// may read differently — but not typed. `refused` says why, once the file is known UTF-8.
fn finish_unread(
    reader: &mut dyn Read,
    mut buf: Vec<u8>,
    bom: usize,
    mut hasher: Sha256,
    refused: Vec<Diagnostic>,
    problems: &mut Vec<Diagnostic>,
) -> io::Result<Streamed> {
    // Bytes of a character cut by the end of the previous read.
    let mut from = bom;
    loop {
        let ended = match std::str::from_utf8(&buf[from..]) {
            Ok(_) => {
                buf.clear();
                fill(reader, &mut buf, BLOCK, &mut hasher)?
            }
            Err(e) if e.error_len().is_none() => {
                let cut = buf.split_off(from + e.valid_up_to());
                buf = cut;
                let ended = fill(reader, &mut buf, BLOCK, &mut hasher)?;
                if ended && std::str::from_utf8(&buf).is_err() {
                    return Ok(Streamed::NotUtf8);
                }
                ended
            }
            Err(_) => return Ok(Streamed::NotUtf8),
        };
        from = 0;
        if ended {
            if std::str::from_utf8(&buf).is_err() {
                return Ok(Streamed::NotUtf8);
            }
            problems.extend(refused);
            return Ok(Streamed::Read {
                tally: None,
                sha256: hex(hasher),
            });
        }
    }
}

fn hex(hasher: Sha256) -> String {
    crate::fingerprint::hex(&hasher.finalize())
}
