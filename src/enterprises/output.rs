//! `enterprise_findings.csv`, `relocations.csv` and the report section.
//!
//! CSV files are UTF-8 with a BOM (so that Excel shows the Chinese text) and
//! `\n` line ends, as `findings.csv`; an empty cell is "none" or "not judged".

use super::zombie::join;
use super::{Kind, Outcome, Screening};
use crate::findings::Severity;
use crate::rules;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The columns of `enterprise_findings.csv`, in order.
pub const FINDING_COLUMNS: &[&str] = &[
    "enterprise_id",
    "rule",
    "clause",
    "severity",
    "criteria_met",
    "message",
    "park_id",
    "candidate",
    "outcome",
    "name",
    "kind",
    "block_id",
    "value",
    "threshold",
    "file",
    "line",
    "column",
];

/// The columns of `relocations.csv`, in order.
pub const RELOCATION_COLUMNS: &[&str] = &[
    "enterprise_id",
    "name",
    "from_park_id",
    "to_park_id",
    "distance_m",
    "kind",
    "industry",
    "reason",
    "b1_candidate",
    "line",
];

fn writer(w: &mut dyn Write) -> io::Result<csv::Writer<&mut dyn Write>> {
    w.write_all("\u{feff}".as_bytes())?;
    Ok(csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w))
}

fn opt_bool(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

/// Writes `enterprise_findings.csv`: one row per result of the screening.
pub fn findings_csv(w: &mut dyn Write, s: &Screening) -> io::Result<()> {
    let mut c = writer(w)?;
    c.write_record(FINDING_COLUMNS)?;
    for f in &s.findings {
        let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        c.write_record([
            f.enterprise_id.as_deref().unwrap_or(""),
            f.rule.id,
            f.rule.clause,
            f.severity.as_str(),
            &join(&f.criteria_met),
            &f.message,
            f.park_id.as_deref().unwrap_or(""),
            if f.rule.id == rules::B1.id { opt_bool(f.candidate) } else { "" },
            f.outcome.as_str(),
            f.name.as_deref().unwrap_or(""),
            f.kind.map_or("", |k| k.as_str()),
            f.block_id.as_deref().unwrap_or(""),
            &num(f.value),
            &num(f.threshold),
            &f.location.file,
            &f.location.line.map(|l| l.to_string()).unwrap_or_default(),
            f.location.column.as_deref().unwrap_or(""),
        ])?;
    }
    c.flush()
}

/// Writes `relocations.csv`: one row per relocating enterprise or project (C5).
pub fn relocations_csv(w: &mut dyn Write, s: &Screening) -> io::Result<()> {
    let mut c = writer(w)?;
    c.write_record(RELOCATION_COLUMNS)?;
    for r in &s.relocations {
        c.write_record([
            r.enterprise_id.as_str(),
            r.name.as_deref().unwrap_or(""),
            &r.from_park_id,
            &r.to_park_id,
            &crate::units::round_to(r.distance_m.0, 3).to_string(),
            r.kind.map_or("", |k| k.as_str()),
            r.industry.as_deref().unwrap_or(""),
            r.reason,
            opt_bool(r.b1_candidate),
            &r.location.line.map(|l| l.to_string()).unwrap_or_default(),
        ])?;
    }
    c.flush()
}

/// The report section (`##`): the as-of date, the settings, counts per rule,
/// the B1 candidates, the B2 projects and the C5 relocations.
pub fn markdown(s: &Screening) -> String {
    let mut out = String::new();
    let cfg = &s.config;
    let _ = writeln!(out, "\n## Enterprises and projects (B1–B4, P3, P4, D11, C5)\n");
    let unusable = s.findings.iter().filter(|f| f.outcome == Outcome::UnusableInput).count();
    let _ = writeln!(
        out,
        "Table `{}`: {} rows read, {} screened; {} unusable cells, rows or columns (D10, each in the findings with its line and column).\n",
        super::short(&s.file),
        s.read,
        s.screened,
        unusable
    );
    let _ = writeln!(out, "- Judged as of: {}.", s.as_of.describe());
    let mut cand = format!("at least {} of the 6 criteria", cfg.b1_candidate_min_criteria);
    if !cfg.b1_candidate_required.is_empty() {
        cand.push_str(&format!(", including {}", join(&cfg.b1_candidate_required).replace(';', " and ")));
    }
    let _ = writeln!(
        out,
        "- B1 zombie-enterprise candidate: {cand}; criterion 4 counts {} or more consecutive loss years as \"losses year after year\". A date known to the month is its last day.",
        cfg.b1_min_loss_years
    );
    let _ = writeln!(
        out,
        "- B3: {} tce a year or more must be on the energy-monitoring platform.",
        super::energy::MONITORING_TCE
    );
    let _ = writeln!(
        out,
        "- P3: a leading industry is chemical when its name contains {}. P4 sectors: industry containing {}.",
        cfg.chemical_industry_keywords.join(", "),
        cfg.p4_industry_keywords.join(", ")
    );
    let _ = writeln!(
        out,
        "- D11: enterprises with coordinates are checked against the blocks; on a block's border counts as inside.\n"
    );
    let _ = writeln!(out, "| rule | | flagged | of which violations | not judged |\n|---|---|---|---|---|");
    for r in [rules::B1, rules::B2, rules::B3, rules::B4, rules::P3, rules::P4, rules::D11, rules::C5] {
        let of = |o: Outcome| s.findings.iter().filter(|f| f.rule.id == r.id && f.outcome == o).count();
        let v = s
            .findings
            .iter()
            .filter(|f| f.rule.id == r.id && f.outcome == Outcome::Flagged && f.severity == Severity::Violation)
            .count();
        let _ =
            writeln!(out, "| {} | {} | {} | {v} | {} |", r.id, r.title, of(Outcome::Flagged), of(Outcome::NotJudged));
    }
    let candidates: Vec<_> =
        s.findings.iter().filter(|f| f.rule.id == rules::B1.id && f.candidate == Some(true)).collect();
    let _ = writeln!(out, "\n### Zombie-enterprise candidates (B1)\n");
    if candidates.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let _ = writeln!(out, "| enterprise | name | park | criteria met |\n|---|---|---|---|");
        for f in candidates {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.enterprise_id.as_deref().unwrap_or(""),
                f.name.as_deref().unwrap_or(""),
                f.park_id.as_deref().unwrap_or("—"),
                join(&f.criteria_met)
            );
        }
    }
    let projects: Vec<_> =
        s.findings.iter().filter(|f| f.rule.id == rules::B2.id && f.outcome == Outcome::Flagged).collect();
    let _ = writeln!(out, "\n### Zombie projects (B2): quotas to be taken back\n");
    if projects.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let _ = writeln!(out, "| project | name | park whose quota returns |\n|---|---|---|");
        for f in projects {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                f.enterprise_id.as_deref().unwrap_or(""),
                f.name.as_deref().unwrap_or(""),
                f.park_id.as_deref().unwrap_or("—")
            );
        }
    }
    let _ = writeln!(out, "\n### Relocations (C5)\n");
    if s.relocations.is_empty() {
        let _ = writeln!(out, "No enterprise or project lies in a park proposed to merge.");
    } else {
        let _ = writeln!(
            out,
            "The enterprises and projects of each merging park, entitled to support for their factory buildings (`relocations.csv`).\n"
        );
        let _ = writeln!(out, "| enterprise | name | kind | from | into | distance (km) | reason | B1 candidate |\n|---|---|---|---|---|---|---|---|");
        for r in &s.relocations {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.3} | {} | {} |",
                r.enterprise_id,
                r.name.as_deref().unwrap_or(""),
                r.kind.map_or("—", |k| k.as_str()),
                r.from_park_id,
                r.to_park_id,
                r.distance_m.0 / 1000.0,
                r.reason,
                match (r.b1_candidate, r.kind) {
                    (Some(true), _) => "yes",
                    (Some(false), _) => "no",
                    (None, Some(Kind::Enterprise)) => "not judged",
                    (None, _) => "—",
                }
            );
        }
    }
    out
}
