//! `report.md`: what a reviewer reads without opening the GeoJSON.

use crate::config::Config;
use crate::evaluate::{report as ev_report, Evaluation, ParkFacts};
use crate::findings::Finding;
use crate::pipeline::{severity_counts, Analysis};
use crate::rules;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The whole report.
pub fn markdown(
    a: &Analysis,
    ev: &Evaluation,
    facts: &[ParkFacts],
    cfg: &Config,
    consolidation: Option<&(crate::consolidate::Plan, crate::consolidate::stage::After)>,
    enterprises: Option<&crate::enterprises::Screening>,
) -> String {
    let mut s = String::new();
    let acc = &a.account;
    let [v, w, i] = severity_counts(&a.findings);
    let _ = writeln!(s, "# 园区评价与整合报告 — yuanqu report\n");
    let _ = writeln!(s, "Policy: 内蒙古自治区人民政府关于推动全区工业园区高质量发展的若干意见（内政发〔2019〕21号）. Every finding names its rule id (POLICY.md) and clause.\n");
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "| | count |\n|---|---|");
    let _ = writeln!(s, "| parks read | {} |", acc.parks_read);
    let _ = writeln!(s, "| parks analysed | {} |", acc.parks_analysed);
    let _ = writeln!(s, "| — in scope (evaluated) | {} |", acc.parks_in_scope);
    let _ = writeln!(s, "| — out of scope (S2, listed, not scored) | {} |", acc.parks_out_of_scope);
    let _ = writeln!(s, "| parks rejected (no usable block) | {} |", acc.parks_rejected.len());
    let _ = writeln!(
        s,
        "| blocks read / analysed / rejected | {} / {} / {} |",
        acc.blocks_read, acc.blocks_analysed, acc.blocks_rejected
    );
    let _ = writeln!(
        s,
        "| zones read / used / rejected | {} / {} / {} |",
        acc.zones_read, acc.zones_used, acc.zones_rejected
    );
    if acc.zones_structure_only > 0 {
        let _ = writeln!(
            s,
            "| — zones used that meet no block's box (structure checked, not swept for self-intersections) | {} |",
            acc.zones_structure_only
        );
    }
    let _ = writeln!(
        s,
        "| built-up parcels read / used / rejected | {} / {} / {} |",
        acc.builtup_read, acc.builtup_used, acc.builtup_rejected
    );
    let _ = writeln!(s, "| zone overlaps listed | {} |", a.zoning.overlaps.len());
    let _ = writeln!(
        s,
        "| under-performing parks (E12) | {} |",
        ev.parks.iter().filter(|p| p.underperforming == Some(true)).count()
    );
    let _ = writeln!(s, "| findings: violations / warnings / info | {v} / {w} / {i} |\n");
    let builtup_note = if a.has_builtup {
        "Built-up area (建成区) is measured: the union of the built-up parcels inside each park's blocks, on the ellipsoid."
    } else {
        "No built-up layer was given: built-up area is the typed-in `builtup_mu` where present (declared, not measured)."
    };
    let _ = writeln!(s, "{builtup_note}\n");
    if !acc.parks_rejected.is_empty() {
        let _ = writeln!(
            s,
            "Parks with no usable block (see the D findings for each reason): {}\n",
            acc.parks_rejected.join(", ")
        );
    }
    let _ = writeln!(s, "## Thresholds used\n");
    let _ = writeln!(
        s,
        "- Zoning: overlaps of {} mu or less are not listed one by one (their total is, D9); slivers narrower than {} m on average keep their rule at a lower severity.",
        cfg.zoning.area_tolerance_mu, cfg.zoning.sliver_width_m
    );
    let _ = writeln!(
        s,
        "- Layout: {} park per county, {} in an economically strong county ({}); at most {} blocks per park.",
        cfg.layout.parks_per_county,
        cfg.layout.parks_per_strong_county,
        if a.strong.is_empty() {
            "none listed".to_owned()
        } else {
            a.strong.iter().cloned().collect::<Vec<_>>().join(", ")
        },
        cfg.layout.max_blocks
    );
    let _ = writeln!(
        s,
        "- Approved area: a difference of more than {:.1}% is reported (D8).\n",
        cfg.area.approved_deviation_share * 100.0
    );
    s.push_str(&ev_report::thresholds_markdown(&cfg.evaluation, ev));
    s.push('\n');
    s.push_str(&ev_report::league_tables_markdown(ev, facts));
    if let Some((plan, after)) = consolidation {
        s.push_str(&consolidation_markdown(a, ev, plan, after));
    }
    if let Some(sc) = enterprises {
        s.push_str(&crate::enterprises::output::markdown(sc));
    }
    let _ = writeln!(s, "\n## Findings by rule\n");
    let mut by_rule: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for f in &a.findings {
        let k = rules::ALL.iter().position(|r| r.id == f.rule).unwrap_or(usize::MAX);
        by_rule.entry(k).or_default().push(f);
    }
    for (k, fs) in by_rule {
        let title = rules::ALL.get(k).map_or("", |r| r.title);
        let _ = writeln!(s, "### {} — {} ({}) · {} finding(s)\n", fs[0].rule, title, fs[0].clause, fs.len());
        for f in fs.iter().take(REPORT_FINDINGS_PER_RULE) {
            let _ = writeln!(s, "- **{}** {}", f.severity, f.message.replace('\n', " "));
        }
        if fs.len() > REPORT_FINDINGS_PER_RULE {
            let _ = writeln!(
                s,
                "- … and {} more {} finding(s), the milder ones: every finding is in `findings.csv` and `findings.json` (filter on rule = {})",
                fs.len() - REPORT_FINDINGS_PER_RULE,
                fs[0].rule,
                fs[0].rule
            );
        }
        s.push('\n');
    }
    s
}

/// Findings listed per rule in the report (worst first); the rest are
/// counted and left to `findings.csv`: a national run has tens of thousands
/// of zone overlaps, which no one reads as Markdown.
const REPORT_FINDINGS_PER_RULE: usize = 100;

fn dec(x: Option<rust_decimal::Decimal>) -> String {
    x.map_or_else(|| "—".to_owned(), |d| d.normalize().to_string())
}

/// The consolidation section: merges, and each receiver before and after.
fn consolidation_markdown(
    a: &Analysis,
    ev: &Evaluation,
    plan: &crate::consolidate::Plan,
    after: &crate::consolidate::stage::After,
) -> String {
    let mut s = String::new();
    let name =
        |id: &str| a.parks.iter().find(|p| p.park_id == id).and_then(|p| p.park_name.clone()).unwrap_or_default();
    let _ = writeln!(s, "\n## Consolidation (C1–C4)\n");
    let _ = writeln!(
        s,
        "Sources: under-performing parks (E12, reason C1) and, in counties over quota (L1/L2), the parks beyond the quota after keeping the best-scoring ones (C4). Receivers: kept parks not mostly inside prohibited zones (C3). The receiver is the nearest by geodesic distance between the parks' closest boundary points, in the same county, else the same league, never across leagues and never in a chain; a receiver sharing or complementing a leading industry is preferred (C2); ties go to the smaller distance, then the smaller park_id.\n"
    );
    if plan.merges.is_empty() {
        let _ = writeln!(s, "No merge is proposed.\n");
        return s;
    }
    let _ = writeln!(
        s,
        "| from | | into | | distance (km) | scope | reason | chain fit |\n|---|---|---|---|---|---|---|---|"
    );
    for m in &plan.merges {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.3} | {} | {} | {} |",
            m.from_park_id,
            name(&m.from_park_id),
            m.to_park_id,
            name(&m.to_park_id),
            m.distance_m.0 / 1000.0,
            serde_json::to_value(m.scope).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            m.reason,
            m.fit.as_deref().map_or_else(|| "no".to_owned(), |f| format!("yes ({f})"))
        );
    }
    let before: BTreeMap<&str, &crate::evaluate::ParkIndicators> =
        ev.parks.iter().map(|p| (p.park_id.as_str(), p)).collect();
    let _ = writeln!(s, "\n### Receivers before → after (what-if)\n");
    let _ = writeln!(s, "Scores are relative to the evaluated parks, so every park is re-scored after the merges; see `parks_after.geojson` and `indicators_after.csv`.\n");
    let _ = writeln!(s, "| receiver | takes | blocks | built-up mu | E4 output/mu | E5 investment/mu | E6 tax/mu | score | grade |\n|---|---|---|---|---|---|---|---|---|");
    for (to, from) in &after.taken {
        let (Some(b), Some(x)) = (before.get(to.as_str()), after.evaluation.parks.iter().find(|p| &p.park_id == to))
        else {
            continue;
        };
        let blocks_after = after.facts.iter().find(|f| &f.park_id == to).map_or(0, |f| f.block_ids.len());
        let blocks_before = a.parks.iter().find(|p| &p.park_id == to).map_or(0, |p| p.blocks.len());
        let g = |p: &crate::evaluate::ParkIndicators| p.grade.map_or("—", |g| g.as_str()).to_owned();
        let _ = writeln!(
            s,
            "| {to} {} | {} | {blocks_before} → {blocks_after} | {} → {} | {} → {} | {} → {} | {} → {} | {} → {} | {} → {} |",
            name(to),
            from.join(", "),
            b.builtup_mu.map_or_else(|| "—".into(), |v| format!("{v:.2}")),
            x.builtup_mu.map_or_else(|| "—".into(), |v| format!("{v:.2}")),
            dec(b.e4_output_per_mu),
            dec(x.e4_output_per_mu),
            dec(b.e5_investment_per_mu),
            dec(x.e5_investment_per_mu),
            dec(b.e6_tax_per_mu),
            dec(x.e6_tax_per_mu),
            dec(b.score),
            dec(x.score),
            g(b),
            g(x)
        );
    }
    s
}
