//! `findings.csv` and `findings.json`.

use crate::findings::Finding;
use std::io::{self, Write};

/// The columns of findings.csv, in order.
pub const FINDING_COLUMNS: &[&str] = &[
    "rule",
    "clause",
    "severity",
    "park_id",
    "block_id",
    "zone_id",
    "message",
    "value",
    "threshold",
    "file",
    "feature",
    "line",
    "column",
];

/// Writes findings.csv (UTF-8 with a BOM so that Excel shows the Chinese text).
pub fn findings_csv(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut c = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w);
    c.write_record(FINDING_COLUMNS)?;
    for f in findings {
        let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        let loc = f.location.as_ref();
        c.write_record([
            f.rule,
            f.clause,
            f.severity.as_str(),
            f.park_id.as_deref().unwrap_or(""),
            f.block_id.as_deref().unwrap_or(""),
            f.zone_id.as_deref().unwrap_or(""),
            &f.message,
            &num(f.value),
            &num(f.threshold),
            loc.map_or("", |l| l.file.as_str()),
            &loc.and_then(|l| l.feature).map(|x| x.to_string()).unwrap_or_default(),
            &loc.and_then(|l| l.line).map(|x| x.to_string()).unwrap_or_default(),
            loc.and_then(|l| l.column.as_deref()).unwrap_or(""),
        ])?;
    }
    c.flush()
}

/// Writes findings.json: an array of finding objects.
pub fn findings_json(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, findings)?;
    w.write_all(b"\n")
}

/// Writes rows of properties as CSV: the header is the first row's keys,
/// numbers as JSON writes them, null as an empty cell.
pub fn maps_csv<'m>(
    w: &mut dyn Write,
    rows: impl IntoIterator<Item = &'m serde_json::Map<String, serde_json::Value>>,
) -> io::Result<()> {
    use serde_json::Value;
    w.write_all("\u{feff}".as_bytes())?;
    let mut c = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w);
    let mut rows = rows.into_iter().peekable();
    let Some(&first) = rows.peek() else { return c.flush() };
    let keys: Vec<&String> = first.keys().collect();
    c.write_record(keys.iter().map(|k| k.as_str()))?;
    for r in rows {
        c.write_record(keys.iter().map(|k| match r.get(k.as_str()) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        }))?;
    }
    c.flush()
}
