//! Splitting records in place: lines without quotes 64 bytes at a time, and rows whose quoted
//! fields hold no quote.

/// The records of a block without quotes, a line each, split 64 bytes at a time: each chunk
/// is compared with the delimiter and the line feed at once (vectorised), giving a bit per
/// stop; fields average a few bytes, too short for a vectorised search per field.
pub(super) struct PlainRecords<'t> {
    pub(super) text: &'t str,
    delimiter: u8,
    /// Where the next chunk starts.
    next: usize,
    /// Where the current chunk starts, and its stops not yet taken (a bit per byte).
    chunk: usize,
    stops: u64,
    /// Where the next field starts; past the end when there is none.
    from: usize,
    /// Whether the last field taken did not end its record.
    mid_record: bool,
}

/// Bytes in a chunk: one bit each in a word of stops.
const CHUNK: usize = 64;

/// A bit for each byte of `chunk` that is `delimiter` or a line feed.
#[inline]
fn stops_of(chunk: &[u8; CHUNK], delimiter: u8) -> u64 {
    // A byte per byte, 1 at a stop (compares the compiler vectorises); then each eight bytes'
    // low bits gathered into one byte by a multiply (no carry: each bit of the top byte has
    // one term).
    let mut hits = [0u8; CHUNK];
    for (hit, &b) in hits.iter_mut().zip(chunk) {
        *hit = u8::from((b == delimiter) | (b == b'\n'));
    }
    let mut stops = 0;
    for (k, eight) in hits.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        stops |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    stops
}

impl<'t> PlainRecords<'t> {
    pub(super) fn new(text: &'t str, delimiter: u8) -> Self {
        Self {
            text,
            delimiter,
            next: 0,
            chunk: 0,
            stops: 0,
            from: 0,
            mid_record: false,
        }
    }

    /// The next delimiter or line feed, `None` at the end of the text.
    #[inline(always)]
    fn next_stop(&mut self) -> Option<usize> {
        while self.stops == 0 {
            let rest = self
                .text
                .as_bytes()
                .get(self.next..)
                .filter(|r| !r.is_empty())?;
            self.stops = match rest.first_chunk::<CHUNK>() {
                Some(chunk) => stops_of(chunk, self.delimiter),
                None => {
                    let mut chunk = [0; CHUNK];
                    chunk[..rest.len()].copy_from_slice(rest);
                    stops_of(&chunk, self.delimiter) & ((1 << rest.len()) - 1)
                }
            };
            self.chunk = self.next;
            self.next += CHUNK;
        }
        let at = self.chunk + self.stops.trailing_zeros() as usize;
        self.stops &= self.stops - 1;
        Some(at)
    }

    /// Where the next record starts: past the end of the text when there is none.
    pub(super) fn record_start(&self) -> usize {
        self.from
    }

    /// The next field of the record being split: where it starts and ends (without the `\r`
    /// of a CRLF line end), and whether it ends the record; `None` after the last record.
    #[inline(always)]
    pub(super) fn next_field(&mut self) -> Option<(usize, usize, bool)> {
        let (from, len) = (self.from, self.text.len());
        if from > len {
            return None;
        }
        let end = match self.next_stop() {
            Some(at) if self.text.as_bytes().get(at) != Some(&b'\n') => {
                self.from = at + 1;
                self.mid_record = true;
                return Some((from, at, false));
            }
            Some(at) => at,
            None => len,
        };
        self.from = end + 1;
        self.mid_record = false;
        let cr = end > from && self.text.as_bytes().get(end - 1) == Some(&b'\r');
        Some((from, end - usize::from(cr), true))
    }

    /// Skips what is left of the record being split.
    pub(super) fn skip_record(&mut self) {
        while self.mid_record && self.next_field().is_some() {}
    }

    /// Splits the next record into `fields` (without the `\r` of a CRLF line end) and returns
    /// where it starts; `None` after the last. A blank line is one empty field.
    pub(super) fn next_record(&mut self, fields: &mut Vec<&'t str>) -> Option<usize> {
        let start = self.from;
        fields.clear();
        loop {
            let (from, to, ends) = self.next_field()?;
            fields.push(&self.text[from..to]);
            if ends {
                return Some(start);
            }
        }
    }
}

/// The fields of the record of `text` from `start` to `next` (where the next one starts), split
/// as [`PlainRecords`] splits them.
pub(super) fn split_record<'t>(
    text: &'t str,
    start: usize,
    next: usize,
    delimiter: u8,
    fields: &mut Vec<&'t str>,
) {
    // Without its line feed, if it has one.
    let line = text.get(start..next.saturating_sub(1).min(text.len()));
    PlainRecords::new(line.unwrap_or_default(), delimiter).next_record(fields);
}

/// Splits a row into `fields`: plain fields, and quoted fields holding no quote (`"a, b"` is
/// `a, b`). `false` for anything else (an escaped quote, text after a closing quote, a quote
/// inside a plain field), which the `csv` crate reads instead.
pub(super) fn split_quoted<'a>(row: &'a str, delimiter: u8, fields: &mut Vec<&'a str>) -> bool {
    fields.clear();
    let b = row.as_bytes();
    let mut i = 0;
    loop {
        let end = if b.get(i) == Some(&b'"') {
            let Some(close) = memchr::memchr(b'"', &b[i + 1..]) else {
                return false;
            };
            let close = i + 1 + close;
            fields.push(&row[i + 1..close]);
            close + 1
        } else {
            // Up to the next delimiter; a quote before it is text the `csv` crate reads.
            let stop = match memchr::memchr2(delimiter, b'"', &b[i..]) {
                Some(p) if b[i + p] == b'"' => return false,
                Some(p) => i + p,
                None => b.len(),
            };
            fields.push(&row[i..stop]);
            stop
        };
        match b.get(end) {
            None => return true,
            Some(&d) if d == delimiter => i = end + 1,
            Some(_) => return false,
        }
    }
}
