//! Splits a GeoJSON FeatureCollection byte stream into its features without
//! parsing them, so that each feature can be parsed on its own: in
//! parallel, with bounded memory, and with a syntax error confined to the
//! feature that holds it.
//!
//! The scanner knows only JSON's structure (objects, arrays, strings with
//! escapes); it finds the top-level members, and inside `"features"` the
//! byte range of each element.

use std::io::Read;

/// A top-level member other than `features`, or one feature, as raw bytes.
#[derive(Debug)]
pub enum Piece {
    /// A member of the top-level object (`type`, `crs` …) and its raw value.
    Member(String, Vec<u8>),
    /// One element of the `features` array, with the line and column where it starts.
    Feature {
        /// Raw JSON text of the element.
        bytes: Vec<u8>,
        /// One-based line of its first byte.
        line: usize,
        /// One-based column of its first byte.
        column: usize,
    },
}

/// A structural problem: where and what.
#[derive(Debug)]
pub struct SplitError {
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Before the top-level `{`.
    Start,
    /// Inside the top-level object, outside any member value.
    Top,
    /// Reading a top-level member's value.
    Value,
    /// Inside the features array, between elements.
    Features,
    /// Inside one feature.
    Feature,
    /// After the top-level `}`.
    End,
}

/// The scanner; feed it with [`Splitter::split`].
pub struct Splitter<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    mode: Mode,
    depth: usize,
    in_string: bool,
    escape: bool,
    line: usize,
    column: usize,
    piece_start: usize,
    piece_line: usize,
    piece_column: usize,
    last_string: (usize, usize),
    key: Option<String>,
    first_chunk: bool,
    /// Whether a `features` member was seen.
    pub saw_features: bool,
    /// Brace depth inside an object element of `features` (fast path).
    obj_depth: usize,
    /// Bytes asked of the reader per fill: starts small, doubles up to [`CHUNK`].
    chunk: usize,
}

const CHUNK: usize = 4 << 20;

impl<R: Read> Splitter<R> {
    /// A splitter over `reader`.
    pub fn new(reader: R) -> Self {
        Splitter {
            reader,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            mode: Mode::Start,
            depth: 0,
            in_string: false,
            escape: false,
            line: 1,
            column: 0,
            piece_start: 0,
            piece_line: 1,
            piece_column: 1,
            last_string: (0, 0),
            key: None,
            first_chunk: true,
            saw_features: false,
            obj_depth: 0,
            chunk: 64 << 10,
        }
    }

    fn err(&self, message: impl Into<String>) -> SplitError {
        SplitError { line: self.line, column: self.column.max(1), message: message.into() }
    }

    /// Drops consumed bytes and reads the next chunk; false at end of input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // keep the bytes of the piece being read
        let keep_from = match self.mode {
            Mode::Value | Mode::Feature => self.piece_start,
            // a key is read back from the buffer at its ':', so it stays
            // until then, even when the buffer ends between the two
            Mode::Top => self.last_string.0,
            _ => self.pos,
        }
        .min(self.pos);
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.pos -= keep_from;
            self.piece_start -= keep_from.min(self.piece_start);
            self.last_string =
                (self.last_string.0.saturating_sub(keep_from), self.last_string.1.saturating_sub(keep_from));
        }
        let old = self.buf.len();
        self.buf.resize(old + self.chunk, 0);
        self.chunk = (self.chunk * 2).min(CHUNK);
        // the first fill takes at least the 3 bytes a byte order mark needs
        let want = if self.first_chunk { 3 } else { 1 };
        let mut n = 0;
        while n < want {
            match self.reader.read(&mut self.buf[old + n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        }
        self.buf.truncate(old + n);
        if self.first_chunk {
            self.first_chunk = false;
            if self.buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                self.pos = 3;
            }
        }
        if n == 0 {
            self.eof = true;
            return Ok(false);
        }
        Ok(true)
    }

    /// Up to `max_bytes` of pieces (at least one, unless the input is done).
    pub fn split(&mut self, max_bytes: usize, out: &mut Vec<Piece>) -> Result<bool, SplitOrIo> {
        let mut taken = 0;
        loop {
            if self.mode == Mode::Feature && self.obj_depth > 0 && self.pos < self.buf.len() {
                if self.scan_object() {
                    let bytes = self.buf[self.piece_start..self.pos].to_vec();
                    taken += bytes.len();
                    out.push(Piece::Feature { bytes, line: self.piece_line, column: self.piece_column });
                    self.mode = Mode::Features;
                    if taken >= max_bytes {
                        return Ok(true);
                    }
                }
                continue;
            }
            if self.pos >= self.buf.len() {
                if self.fill().map_err(SplitOrIo::Io)? {
                    continue; // back to the top: the fast path may take it from here
                }
                return match self.mode {
                    Mode::End => Ok(false),
                    Mode::Start => Err(SplitOrIo::Split(self.err("the file is empty: it is not GeoJSON"))),
                    _ => Err(SplitOrIo::Split(
                        self.err("the file ends before the FeatureCollection is closed (truncated?)"),
                    )),
                };
            }
            let b = self.buf[self.pos];
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1; // bytes, as serde_json counts them
            }
            let at = self.pos;
            self.pos += 1;
            if self.in_string {
                if self.escape {
                    self.escape = false;
                } else if b == b'\\' {
                    self.escape = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.depth == 1 && self.mode == Mode::Top {
                        self.last_string.1 = at;
                    }
                }
                continue;
            }
            match self.mode {
                Mode::Start => match b {
                    b' ' | b'\t' | b'\r' | b'\n' => {}
                    b'{' => {
                        self.mode = Mode::Top;
                        self.depth = 1;
                    }
                    _ => {
                        return Err(SplitOrIo::Split(
                            self.err("the file does not start with a JSON object: it is not GeoJSON"),
                        ))
                    }
                },
                Mode::End => {
                    if !b.is_ascii_whitespace() {
                        return Err(SplitOrIo::Split(self.err("text after the end of the FeatureCollection")));
                    }
                }
                Mode::Top => match b {
                    b'"' => {
                        self.in_string = true;
                        self.last_string.0 = at + 1;
                    }
                    b':' => {
                        let (s, e) = self.last_string;
                        let key = String::from_utf8_lossy(self.buf.get(s..e).unwrap_or_default()).into_owned();
                        if key == "features" {
                            self.saw_features = true;
                            self.key = Some(key);
                            // skip whitespace, expect '['
                            self.mode = Mode::Value;
                            self.piece_start = self.pos;
                        } else {
                            self.key = Some(key);
                            self.mode = Mode::Value;
                            self.piece_start = self.pos;
                        }
                    }
                    b'}' => {
                        self.mode = Mode::End;
                        self.depth = 0;
                    }
                    b',' | b' ' | b'\t' | b'\r' | b'\n' => {}
                    _ => {
                        return Err(SplitOrIo::Split(
                            self.err(format!("unexpected '{}' in the top-level object", b as char)),
                        ))
                    }
                },
                Mode::Value => {
                    let is_features = self.key.as_deref() == Some("features");
                    if is_features && self.depth == 1 {
                        match b {
                            b' ' | b'\t' | b'\r' | b'\n' => continue,
                            b'[' => {
                                self.depth = 2;
                                self.mode = Mode::Features;
                                continue;
                            }
                            _ => return Err(SplitOrIo::Split(self.err("\"features\" is not an array"))),
                        }
                    }
                    match b {
                        b'"' => self.in_string = true,
                        b'{' | b'[' => self.depth += 1,
                        b'}' | b']' if self.depth > 1 => self.depth -= 1,
                        b',' | b'}' if self.depth == 1 => {
                            let key = self.key.take().unwrap_or_default();
                            let bytes = self.buf[self.piece_start..at].to_vec();
                            taken += bytes.len();
                            out.push(Piece::Member(key, bytes));
                            if b == b'}' {
                                self.mode = Mode::End;
                                self.depth = 0;
                            } else {
                                self.mode = Mode::Top;
                            }
                        }
                        _ => {}
                    }
                }
                Mode::Features => match b {
                    b' ' | b'\t' | b'\r' | b'\n' | b',' => {}
                    b']' => {
                        self.depth = 1;
                        self.mode = Mode::Top;
                        self.key = None;
                    }
                    _ => {
                        self.mode = Mode::Feature;
                        self.piece_start = at;
                        self.piece_line = self.line;
                        self.piece_column = self.column;
                        match b {
                            // an object: the fast path finds its end by its braces
                            b'{' => self.obj_depth = 1,
                            b'[' => self.depth += 1,
                            b'"' => self.in_string = true,
                            _ => {}
                        }
                        // a scalar element ends at the next ',' or ']'
                    }
                },
                Mode::Feature => {
                    let done = match b {
                        b'"' => {
                            self.in_string = true;
                            false
                        }
                        b'{' | b'[' => {
                            self.depth += 1;
                            false
                        }
                        b'}' | b']' if self.depth > 2 => {
                            self.depth -= 1;
                            self.depth == 2
                        }
                        b',' | b']' if self.depth == 2 => {
                            // the end of a scalar element: give it back
                            self.pos -= 1;
                            self.column -= 1;
                            true
                        }
                        _ => false,
                    };
                    if done {
                        let end = if self.depth == 2 && self.pos == at { at } else { self.pos };
                        let bytes = self.buf[self.piece_start..end].to_vec();
                        taken += bytes.len();
                        out.push(Piece::Feature { bytes, line: self.piece_line, column: self.piece_column });
                        self.mode = Mode::Features;
                        if taken >= max_bytes {
                            return Ok(true);
                        }
                    }
                }
            }
        }
    }
}

impl<R: Read> Splitter<R> {
    /// Consumes `n` bytes, keeping line and column.
    fn advance(&mut self, n: usize) {
        let seg = &self.buf[self.pos..self.pos + n];
        match memchr::memrchr(b'\n', seg) {
            Some(r) => {
                self.line += memchr::memchr_iter(b'\n', seg).count();
                self.column = n - 1 - r;
            }
            None => self.column += n,
        }
        self.pos += n;
    }

    /// Skips through an object element by its braces and strings only
    /// (brackets and numbers need no look); true once it has closed, false
    /// when the buffer ran out first.
    fn scan_object(&mut self) -> bool {
        loop {
            if self.in_string {
                // a backslash ended the previous buffer: the byte it escapes comes first
                if self.escape {
                    if self.pos >= self.buf.len() {
                        return false;
                    }
                    self.advance(1);
                    self.escape = false;
                }
                let rest = &self.buf[self.pos..];
                let mut i = 0;
                loop {
                    match memchr::memchr2(b'"', b'\\', &rest[i..]) {
                        None => {
                            let n = rest.len();
                            self.advance(n);
                            return false;
                        }
                        Some(k) => {
                            let j = i + k;
                            if rest[j] == b'\\' {
                                if j + 1 >= rest.len() {
                                    // consume it, so that the caller reads more
                                    // (leaving it would have it scanned again, forever)
                                    self.advance(j + 1);
                                    self.escape = true;
                                    return false;
                                }
                                i = j + 2;
                                continue;
                            }
                            self.advance(j + 1);
                            self.in_string = false;
                            break;
                        }
                    }
                }
            }
            let rest = &self.buf[self.pos..];
            match memchr::memchr3(b'"', b'{', b'}', rest) {
                None => {
                    let n = rest.len();
                    self.advance(n);
                    return false;
                }
                Some(k) => {
                    let b = rest[k];
                    self.advance(k + 1);
                    match b {
                        b'"' => self.in_string = true,
                        b'{' => self.obj_depth += 1,
                        _ => {
                            self.obj_depth -= 1;
                            if self.obj_depth == 0 {
                                return true;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A structural error or a read error.
#[derive(Debug)]
pub enum SplitOrIo {
    /// The structure is broken.
    Split(SplitError),
    /// The file could not be read.
    Io(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> Result<Vec<Piece>, SplitOrIo> {
        let mut sp = Splitter::new(s.as_bytes());
        let mut out = Vec::new();
        while sp.split(10, &mut out)? {}
        Ok(out)
    }

    /// A reader that hands out one byte per call, so that every byte
    /// boundary of the input is also a buffer boundary.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(slot)) => {
                    *slot = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// Found by fuzzing: a buffer that ended just after a backslash inside a
    /// string had the scanner look at that backslash again and again, for
    /// ever. Every split point is tried here, on escapes of every kind.
    #[test]
    fn a_buffer_ending_inside_an_escape_is_read_on() {
        let text = concat!(
            r#"{"type":"FeatureCollection","features":["#,
            r#"{"type":"Feature","properties":{"name":"\u56ed\u533a \"A\" \\ \/ end\\"},"geometry":null},"#,
            r#"{"type":"Feature","properties":{"k":"\\\\"},"geometry":null}]}"#
        );
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sp = Splitter::new(Trickle(text.as_bytes()));
            let mut out = Vec::new();
            let r = (|| -> Result<(), SplitOrIo> {
                while sp.split(10, &mut out)? {}
                Ok(())
            })();
            tx.send((r.is_ok(), out)).ok();
        });
        let (ok, out) = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the splitter hangs");
        assert!(ok);
        let features: Vec<String> = out
            .iter()
            .filter_map(|p| match p {
                Piece::Feature { bytes, .. } => Some(String::from_utf8(bytes.clone()).unwrap()),
                Piece::Member(..) => None,
            })
            .collect();
        assert_eq!(features.len(), 2);
        let v: serde_json::Value = serde_json::from_str(&features[0]).unwrap();
        assert_eq!(v["properties"]["name"], "园区 \"A\" \\ / end\\");
        let v: serde_json::Value = serde_json::from_str(&features[1]).unwrap();
        assert_eq!(v["properties"]["k"], "\\\\");
    }

    /// A reader that hands out 1 to 13 bytes per call, in turn.
    struct Ragged<'a>(&'a [u8], usize);

    impl Read for Ragged<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 13 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Wherever the reads end, the pieces are the same as from one read.
    #[test]
    fn pieces_do_not_depend_on_where_reads_end() {
        let mut text = String::from("\u{feff}{\"name\":\"z\\\"ones\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4490\"}},\n\"features\":[\n");
        for i in 0..40 {
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                r#"{{"type":"Feature","properties":{{"id":"Z{i}","s":"a\\{{b\"}}\\\\","n":[{i},{{"x":"]"}}]}},"geometry":{{"type":"Polygon","coordinates":[[[{i},0],[1,0],[1,1],[{i},0]]]}}}}"#
            ));
        }
        text.push_str("\n],\"type\":\"FeatureCollection\"}\n");
        let show = |p: &Piece| match p {
            Piece::Member(k, v) => format!("M {k} {}", String::from_utf8_lossy(v)),
            Piece::Feature { bytes, line, column } => format!("F {line}:{column} {}", String::from_utf8_lossy(bytes)),
        };
        let whole: Vec<String> = all(&text).unwrap().iter().map(show).collect();
        assert_eq!(whole.iter().filter(|p| p.starts_with('F')).count(), 40);
        for start in 0..13 {
            let mut sp = Splitter::new(Ragged(text.as_bytes(), start));
            let mut out = Vec::new();
            while sp.split(100, &mut out).map_err(|e| format!("{e:?}")).unwrap() {}
            let ragged: Vec<String> = out.iter().map(show).collect();
            assert_eq!(ragged, whole, "reads starting at {start}");
        }
    }

    #[test]
    fn splits_members_and_features_with_positions() {
        let s = "\u{feff}{\"type\":\"FeatureCollection\",\"name\":\"x\",\n\"features\":[\n{\"a\":\"}]\\\"\"},\n {\"b\":[1,{\"c\":2}]}\n],\"crs\":{\"properties\":{\"name\":\"EPSG:4546\"}}}\n";
        let p = all(s).unwrap();
        let names: Vec<String> = p
            .iter()
            .map(|x| match x {
                Piece::Member(k, v) => format!("{k}={}", String::from_utf8_lossy(v)),
                Piece::Feature { bytes, line, column } => {
                    format!("F{line}:{column}={}", String::from_utf8_lossy(bytes))
                }
            })
            .collect();
        assert_eq!(
            names,
            vec![
                "type=\"FeatureCollection\"".to_string(),
                "name=\"x\"".into(),
                "F3:1={\"a\":\"}]\\\"\"}".into(),
                "F4:2={\"b\":[1,{\"c\":2}]}".into(),
                "crs={\"properties\":{\"name\":\"EPSG:4546\"}}".into(),
            ]
        );
    }

    #[test]
    fn truncation_and_garbage_are_errors() {
        assert!(all("{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1}").is_err());
        assert!(all("not json").is_err());
        assert!(all("").is_err());
        assert!(all("{\"features\":[]} x").is_err());
    }

    #[test]
    fn small_reads_give_the_same_pieces() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(3).min(b.len());
                b[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let s = "{\"features\":[{\"a\":[1,2,3]},{\"b\":\"x,y]\"}],\"type\":\"FeatureCollection\"}";
        let mut sp = Splitter::new(Trickle(s.as_bytes()));
        let mut out = Vec::new();
        while sp.split(1, &mut out).unwrap() {}
        let shown: Vec<String> = out
            .iter()
            .map(|p| match p {
                Piece::Feature { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
                Piece::Member(k, v) => format!("{k}={}", String::from_utf8_lossy(v)),
            })
            .collect();
        assert_eq!(shown, ["{\"a\":[1,2,3]}", "{\"b\":\"x,y]\"}", "type=\"FeatureCollection\""]);
    }
}
