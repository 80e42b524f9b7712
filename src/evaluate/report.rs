//! Markdown for `report.md`: the thresholds a run used, and one table per
//! league/city of its parks' indicators, grades and flags.
//!
//! Every report prints the thresholds it used (POLICY.md, Evaluation): a
//! grade means nothing without the benchmarks and cut-offs behind it.

use super::indicators::{round, Indicator, AREA_DECIMALS, DECIMALS, P2_MIN_LEADING_SHARE};
use super::score::BenchmarkSource;
use super::{BenchmarkMode, BuiltupSource, Evaluation, EvaluationConfig, Level, ParkFacts, UnderperformingMode};
use crate::findings::Severity;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The thresholds, weights, benchmarks and cut-offs `eval` was computed
/// with under `cfg`, as Markdown (a `##` section).
pub fn thresholds_markdown(cfg: &EvaluationConfig, eval: &Evaluation) -> String {
    let mut s = String::new();
    let cap = fmt_f64(cfg.ratio_cap);
    s.push_str("## Evaluation thresholds\n\n");
    s.push_str(
        "内政发〔2019〕21号 (Annexes 1 and 2) names eleven indicators in four groups but sets no benchmark, weight \
         or grade; these are the values this run used (`[evaluation]` in yuanqu.toml).\n\n",
    );
    let _ = writeln!(
        s,
        "Rounding: every ratio, share, benchmark, level and score is rounded once to {DECIMALS} decimal places, \
         half away from zero; built-up areas divide at {AREA_DECIMALS} decimal places.\n"
    );

    s.push_str("### Score\n\n");
    let _ = writeln!(
        s,
        "score = Σ points × min(ratio, {cap}), where ratio = value ÷ benchmark, or benchmark ÷ value for E7–E9 \
         (lower is better; a value of 0 earns the cap). A park at every benchmark scores 100. A missing \
         indicator contributes 0; an indicator without a benchmark > 0 counts for no park.\n"
    );
    let mode = match cfg.benchmark_mode {
        BenchmarkMode::Median => "median of the evaluated parks",
        BenchmarkMode::Absolute => "absolute (`[evaluation.benchmarks]`), else the median",
    };
    let _ = writeln!(s, "Benchmark mode: {mode}.\n");
    if eval.benchmarks.is_empty() {
        s.push_str("No statistics table was given: nothing was scored.\n\n");
    } else {
        s.push_str("| rule | indicator | unit | better | group (weight) | points | benchmark | source |\n");
        s.push_str("|---|---|---|---|---|---|---|---|\n");
        for b in &eval.benchmarks {
            let i = b.indicator;
            let g = i.group();
            let source = match b.source {
                BenchmarkSource::Absolute => "absolute".to_owned(),
                BenchmarkSource::Median { parks } => format!("median of {parks} parks"),
                BenchmarkSource::MedianFallback { parks } => {
                    format!("median of {parks} parks (no absolute value set)")
                }
            };
            let bench = match b.value {
                Some(v) if b.usable() => v.to_string(),
                Some(v) => format!("{v} (not usable: not counted)"),
                None => "— (no park reports it: not counted)".to_owned(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} ({}) | {} | {} | {} |",
                i.rule().id,
                i.name(),
                i.unit(),
                if i.lower_is_better() { "lower" } else { "higher" },
                g.name(),
                fmt_f64(cfg.weights.get(g)),
                b.points,
                bench,
                source
            );
        }
        s.push('\n');
    }

    s.push_str("### Grades\n\n");
    let c = &eval.grade_cutoffs;
    let _ = writeln!(
        s,
        "Shares by rank: A {}, B {}, C {}, D the rest. Parks are ranked by score, highest first, equal scores by \
         park_id; each cut-off is the cumulative share × the number of graded parks, rounded to the nearest rank \
         (halves up).",
        fmt_f64(cfg.grades.a),
        fmt_f64(cfg.grades.b),
        fmt_f64(cfg.grades.c)
    );
    if c.graded > 0 {
        let _ = writeln!(
            s,
            "With {} graded parks: A {}, B {}, C {}, D {}.",
            c.graded,
            ranks(1, c.a_last),
            ranks(c.a_last + 1, c.b_last),
            ranks(c.b_last + 1, c.c_last),
            ranks(c.c_last + 1, c.graded)
        );
    }
    s.push('\n');

    s.push_str("### Under-performing parks (E12)\n\n");
    let u = &cfg.underperforming;
    let _ = writeln!(
        s,
        "Mode: {} — a park is under-performing when {} below its required level (a value equal to the level \
         reaches it).\n",
        match u.mode {
            UnderperformingMode::Either => "either",
            UnderperformingMode::Both => "both",
        },
        match u.mode {
            UnderperformingMode::Either => "E4 or E5 is",
            UnderperformingMode::Both => "both E4 and E5 are",
        }
    );
    s.push_str("| rule | indicator | required level | how |\n|---|---|---|---|\n");
    let lv = &eval.required_levels;
    for (ind, level, used, med) in [
        (Indicator::E4, u.e4_output_per_mu, lv.e4_output_per_mu, lv.e4_median),
        (Indicator::E5, u.e5_investment_per_mu, lv.e5_investment_per_mu, lv.e5_median),
    ] {
        let how = match level {
            Level::Absolute(_) => "absolute".to_owned(),
            Level::ShareOfMedian(k) => format!(
                "{} × the median ({})",
                fmt_f64(k),
                med.map_or("no park reports it".to_owned(), |m| format!("{m} {}", ind.unit()))
            ),
        };
        let shown = match (used, level) {
            (Some(v), _) => format!("{v} {}", ind.unit()),
            (None, Level::Absolute(v)) => format!("{} {}", fmt_f64(v), ind.unit()),
            (None, Level::ShareOfMedian(_)) => "—".to_owned(),
        };
        let _ = writeln!(s, "| {} | {} | {shown} | {how} |", ind.rule().id, ind.name());
    }
    s.push('\n');

    s.push_str("### Scale classes (E13)\n\n| class | E1 from (万元, inclusive) |\n|---|---|\n");
    let mut classes: Vec<_> = cfg.scale_classes.iter().collect();
    classes.sort_by(|a, b| b.min_output_wan.total_cmp(&a.min_output_wan));
    for c in classes {
        let _ = writeln!(s, "| {} | {} |", escape(&c.name), fmt_f64(c.min_output_wan));
    }
    s.push('\n');

    s.push_str("### Fixed by the policy\n\n");
    s.push_str(
        "- T1 (§6 clause 17): output ≥ 5,000,000 万元 (500亿元): autonomous region; from 1,000,000 万元 (100亿元) \
         to below 5,000,000 万元: league/city; below 1,000,000 万元: county.\n",
    );
    let _ = writeln!(
        s,
        "- P2 (§1 clause 2): the leading industries reach {}% of each block's output; a block below is reported \
         with its share and the gap.",
        (P2_MIN_LEADING_SHARE * Decimal::ONE_HUNDRED).normalize()
    );
    s.push_str("- P1 (§1 clause 2): each park has 1 or 2 leading industries.\n");
    s
}

/// One Markdown table per league/city (by adcode; parks without one last):
/// each park's indicators, built-up area, score, rank, grade and flags.
/// `parks` supplies the league names.
pub fn league_tables_markdown(eval: &Evaluation, parks: &[ParkFacts]) -> String {
    let names: BTreeMap<&str, &str> =
        parks.iter().filter_map(|p| Some((p.league_adcode.as_deref()?, p.league_name.as_deref()?))).collect();
    let mut flags: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in &eval.findings {
        if let (Some(pid), true) = (f.park_id.as_deref(), f.severity != Severity::Info) {
            flags.entry(pid).or_default().insert(f.rule);
        }
    }
    let mut by_league: BTreeMap<Option<&str>, Vec<&super::ParkIndicators>> = BTreeMap::new();
    for p in &eval.parks {
        by_league.entry(p.league_adcode.as_deref()).or_default().push(p);
    }
    // Parks without a league go last.
    let mut leagues: Vec<_> = by_league.into_iter().collect();
    leagues.sort_by_key(|(k, _)| (k.is_none(), *k));

    let mut s = String::from("## Parks by league/city\n\n");
    s.push_str(
        "Units: E1–E3 万元; E4–E6 万元/亩 of built-up area; E7 tce/万元 and E8 m³/万元 of value added; E9 t; \
         E10 %; E11 patents. — = not computable (a finding says why). Built-up: measured (m) or declared (d). \
         E12: yes / no / ? (not judged). Flags: rules of the park's warnings and violations.\n\n",
    );
    for (code, list) in leagues {
        let title = match code {
            Some(c) => match names.get(c) {
                Some(n) => format!("{} ({c})", escape(n)),
                None => c.to_owned(),
            },
            None => "League/city not known".to_owned(),
        };
        let _ = writeln!(s, "### {title}\n");
        s.push_str("| park | name |");
        for i in Indicator::ALL {
            let _ = write!(s, " {} |", i.rule().id);
        }
        s.push_str(" built-up mu | score | rank | grade | E12 | E13 | T1 | flags |\n|---|---|");
        s.push_str(&"---|".repeat(Indicator::COUNT + 8));
        s.push('\n');
        for p in list {
            let _ = write!(s, "| {} | {} |", escape(&p.park_id), escape(p.park_name.as_deref().unwrap_or("")));
            if !p.in_scope {
                s.push_str(&" |".repeat(Indicator::COUNT));
                let _ = write!(s, " {} | | | out of scope (S2) | | | |", builtup(p.builtup_mu, p.builtup_source));
            } else {
                for i in Indicator::ALL {
                    let _ = write!(s, " {} |", dash(p.get(i)));
                }
                let _ = write!(
                    s,
                    " {} | {} | {} | {} | {} | {} | {} |",
                    builtup(p.builtup_mu, p.builtup_source),
                    dash(p.score),
                    p.rank.map_or("—".to_owned(), |r| r.to_string()),
                    p.grade.map_or("—", |g| g.as_str()),
                    match p.underperforming {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "?",
                    },
                    p.scale_class.as_deref().map_or("—".to_owned(), escape),
                    p.contact_tier.map_or("—", |t| t.as_str()),
                );
            }
            let f = flags.get(p.park_id.as_str()).map(|r| r.iter().copied().collect::<Vec<_>>().join(", "));
            let _ = writeln!(s, " {} |", f.unwrap_or_default());
        }
        s.push('\n');
    }
    s
}

fn ranks(from: usize, to: usize) -> String {
    match to.checked_sub(from) {
        None => "none".to_owned(),
        Some(0) => format!("rank {from}"),
        Some(_) => format!("ranks {from}–{to}"),
    }
}

fn dash(v: Option<Decimal>) -> String {
    v.map_or("—".to_owned(), |d| d.normalize().to_string())
}

fn builtup(mu: Option<f64>, source: BuiltupSource) -> String {
    let tag = match source {
        BuiltupSource::Measured => " (m)",
        BuiltupSource::Declared => " (d)",
        BuiltupSource::None => "",
    };
    match mu.and_then(Decimal::from_f64) {
        Some(d) => format!("{}{tag}", d.round_dp(2).normalize()),
        None => "—".to_owned(),
    }
}

/// A configured number as written (0.2, 599), via decimal so that no binary
/// noise shows.
fn fmt_f64(x: f64) -> String {
    Decimal::from_f64(x).map_or_else(|| x.to_string(), |d| round(d).to_string())
}

/// Escapes the characters that would break a Markdown table cell.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{evaluate, parse_stats};
    use std::collections::BTreeMap;

    #[test]
    fn thresholds_name_every_value_used() {
        let (parks, text) = crate::evaluate::score::tests::hand_table();
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        let cfg = EvaluationConfig::default();
        let e = evaluate(&parks, Some(&t), &cfg);
        let md = thresholds_markdown(&cfg, &e);
        // Default weights: E1 points 100·0.2/3 = 6.6667, E4 100·0.4/3 = 13.3333, E10 100·0.2/2 = 10.
        assert!(
            md.contains("| E1 | e1_output_wan | 万元 | higher | total (0.2) | 6.6667 | 100000 | median of 10 parks |"),
            "{md}"
        );
        assert!(md.contains("| E4 | e4_output_per_mu | 万元/亩 | higher | efficiency (0.4) | 13.3333 | 100 |"), "{md}");
        assert!(md.contains("| E7 | e7_energy_per_va | tce/万元 | lower | green (0.2) |"), "{md}");
        assert!(md.contains("| E10 | e10_rnd_share_pct | % | higher | innovation (0.2) | 10 |"), "{md}");
        assert!(md.contains("With 11 graded parks: A ranks 1–2, B ranks 3–7, C ranks 8–10, D rank 11."), "{md}");
        assert!(md.contains("Mode: either"), "{md}");
        assert!(md.contains("| E4 | e4_output_per_mu | 50 万元/亩 | 0.5 × the median (100 万元/亩) |"), "{md}");
        assert!(md.contains("| large | 5000000 |"), "{md}");
        assert!(md.contains("P2 (§1 clause 2): the leading industries reach 60%"), "{md}");
    }

    #[test]
    fn league_tables_group_parks_and_list_out_of_scope_ones() {
        let (mut parks, text) = crate::evaluate::score::tests::hand_table();
        parks[0].league_name = Some("呼和浩特市".into());
        parks[0].park_name = Some("a|b".into());
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        let e = evaluate(&parks, Some(&t), &EvaluationConfig::default());
        let md = league_tables_markdown(&e, &parks);
        let i100 = md.find("### 呼和浩特市 (150100)").expect("league heading with name");
        let i200 = md.find("### 150200").expect("league heading without name");
        assert!(i100 < i200, "by adcode");
        assert!(md.contains("| P01 | a\\|b |"), "escaped: {md}");
        assert!(md.contains("out of scope (S2)"), "{md}");
        // P06 has no stats row: dashes and a D6 flag.
        let p06 = md.lines().find(|l| l.starts_with("| P06 |")).expect("P06 row");
        assert!(p06.contains("| — | — |") && p06.ends_with(" D6 |"), "{p06}");
        // Every row has as many cells as the header.
        let header_cells = md.lines().find(|l| l.starts_with("| park |")).map(|l| l.matches('|').count());
        for l in md.lines().filter(|l| l.starts_with("| P")) {
            assert_eq!(Some(l.matches('|').count() - l.matches("\\|").count()), header_cells, "{l}");
        }
    }
}
