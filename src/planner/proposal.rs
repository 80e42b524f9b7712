/*!
`yuanqu proposal`: everything the policy says about a park before it exists.

A planner drawing a new park (or new blocks for an existing one) needs the
answer before the approval, not after the next census: does it touch a
restricted or prohibited development zone (Z1, Z2), does the county have
room for another park (L1, L2), are there at most three blocks (L3), one or
two leading industries (P1), is it an industrial park at all (S1, S2), and
which existing parks are so close that extending one of them would do (L4),
and does it take land that already belongs to a park (D12).

The proposal is a layer like `parks.*`: one feature per block, the same
fields, read by the same loader and validation, in any CRS a layer may
have. It holds one park (one `park_id`). A `park_id` that already exists in
the parks layer makes the proposal an *extension* of that park: its blocks
are added to the park's (a proposed block with an existing `block_id`
replaces it), and the county's count does not change.

The checks are those of `check`, reused, not re-implemented: the overlaps
are [`crate::measure::overlap::overlaps`] with [`crate::zoning::findings`],
the county is filled as [`crate::parks::fill_counties`] does, the scope and
the park's union are [`crate::parks::group`], the quota is that of
[`crate::layout::check`] with strong counties from
[`crate::layout::strong_counties`], and P1 is the evaluation's own check.
Only in-scope parks count towards a quota, as in `check`.

Exit code ([`super::exit_code`]): 0 compliant, 1 a violation (or, with
`--strict`, a warning), 2 the proposal or the layers cannot be used: a
proposal feature that the loader rejects is an error, since a verdict on
the remaining blocks would not be a verdict on the proposal.
*/

use super::{distance_text, nearest_k, Inputs, PlanError, Verdict, COORD_DECIMALS};
use crate::config::Config;
use crate::evaluate::ParkFacts;
use crate::findings::{Finding, Severity};
use crate::geom::area::area_mu;
use crate::geom::nearest::ParkIndex;
use crate::layers::discover::Source;
use crate::layers::records::{Collector, LayerKind, RecordOptions, Take};
use crate::layers::{read_source, ReadOptions};
use crate::measure::overlap;
use crate::model::{Block, County, Zone};
use crate::output::features::{AREA_DECIMALS, SHARE_DECIMALS};
use crate::output::geojson::{num, text};
use crate::output::{OutFeature, OutGeometry, OutputSet};
use crate::parks::{self, Park};
use crate::pipeline::{self, Analysis};
use crate::rules::{self, Rule};
use crate::units::{round_to, Mu};
use crate::zoning::{rule_for, severity_for};
use geo::MultiPolygon;
use serde::Serialize;
use serde_json::Map;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How many nearest parks are listed, in the county and elsewhere in the league.
pub const NEAREST_LISTED: usize = 3;

/// Options of `yuanqu proposal`.
#[derive(Clone, Debug)]
pub struct ProposalOptions {
    /// The layers and configuration (as `analyze`).
    pub inputs: Inputs,
    /// The proposal: a file or GDAL source, one feature per block.
    pub proposal: String,
    /// Layer name inside a multi-layer proposal source.
    pub proposal_layer: Option<String>,
    /// Write the zone conflicts (the intersections) to this GeoJSON file.
    pub conflicts: Option<PathBuf>,
    /// Draw the review sheet to this PNG, and the SVG beside it.
    pub map: Option<PathBuf>,
}

/// The existing parks and zones a proposal is checked against.
#[derive(Clone, Copy)]
pub struct Existing<'a> {
    /// Parks of the parks layer, by park id.
    pub parks: &'a [Park],
    /// Their blocks (the parks' `blocks` index into this).
    pub blocks: &'a [Block],
    /// Restricted and prohibited zones.
    pub zones: &'a [Zone],
    /// County boundaries (may be empty).
    pub counties: &'a [County],
    /// Strong counties (L2).
    pub strong: &'a BTreeSet<String>,
}

impl<'a> Existing<'a> {
    /// The existing parks, zones and counties of an analysis.
    pub fn of(a: &'a Analysis) -> Existing<'a> {
        Existing { parks: &a.parks, blocks: &a.blocks, zones: &a.zones, counties: &a.counties, strong: &a.strong }
    }
}

/// One block of the proposal, measured.
#[derive(Clone, Debug, Serialize)]
pub struct ProposedBlock {
    /// Block id.
    pub block_id: String,
    /// Geodesic area, mu.
    pub area_mu: f64,
    /// Area inside restricted zones (their union), mu.
    pub restricted_mu: f64,
    /// Area inside prohibited zones (their union), mu.
    pub prohibited_mu: f64,
}

/// A block × zone overlap above the tolerance (Z1 or Z2).
#[derive(Clone, Debug, Serialize)]
pub struct Conflict {
    /// The block.
    pub block_id: String,
    /// The zone.
    pub zone_id: String,
    /// `restricted` or `prohibited`.
    pub zone_class: &'static str,
    /// Zone name.
    pub zone_name: Option<String>,
    /// Zone type (自然保护区, 基本农田 …).
    pub zone_type: Option<String>,
    /// Rule id, `Z1` or `Z2`.
    pub rule: &'static str,
    /// Its clause.
    pub clause: &'static str,
    /// Violation, warning, or (slivers) one step lower.
    pub severity: Severity,
    /// Overlap, mu.
    pub overlap_mu: f64,
    /// Share of the block, 0..1.
    pub block_share: f64,
    /// Mean width 2·area/perimeter, metres.
    pub mean_width_m: f64,
    /// Thinner than `zoning.sliver_width_m`.
    pub sliver: bool,
    /// The intersection (lon/lat).
    #[serde(skip)]
    pub geom: MultiPolygon<f64>,
}

/// An existing park, named.
#[derive(Clone, Debug, Serialize)]
pub struct ParkRef {
    /// Park id.
    pub park_id: String,
    /// Park name.
    pub park_name: Option<String>,
}

/// The county's quota once the proposal is added (L1, L2).
#[derive(Clone, Debug, Serialize)]
pub struct Quota {
    /// County adcode.
    pub county_adcode: String,
    /// County name, if known.
    pub county_name: Option<String>,
    /// Economically strong (L2).
    pub strong: bool,
    /// Parks the county may keep.
    pub allowed: usize,
    /// `L1`, or `L2` for a strong county.
    pub rule: &'static str,
    /// The in-scope parks already there (the park extended, if any, excluded).
    pub existing: Vec<ParkRef>,
    /// The county's in-scope parks with the proposal.
    pub with_proposal: usize,
}

/// An existing park near the proposal.
#[derive(Clone, Debug, Serialize)]
pub struct NearPark {
    /// Park id.
    pub park_id: String,
    /// Park name.
    pub park_name: Option<String>,
    /// Its county.
    pub county_adcode: Option<String>,
    /// Its county's name.
    pub county_name: Option<String>,
    /// Its leading industries.
    pub leading_industries: Vec<String>,
    /// Geodesic distance between the closest boundary points (0: they touch or overlap).
    pub distance_m: f64,
    /// The closest point of the proposal, [lon, lat].
    pub on_proposal: [f64; 2],
    /// The closest point of the park, [lon, lat].
    pub on_park: [f64; 2],
}

/// What `yuanqu proposal` found.
#[derive(Clone, Debug, Serialize)]
pub struct ProposalReport {
    /// The proposal file.
    pub file: String,
    /// Park id of the proposal.
    pub park_id: String,
    /// Its name.
    pub park_name: Option<String>,
    /// Its type (S1/S2).
    pub park_type: Option<String>,
    /// Industry-led (S1), or out of scope (S2).
    pub in_scope: bool,
    /// The existing park it extends (same park_id), if any.
    pub extends: Option<String>,
    /// County adcode (given, or taken from the counties layer).
    pub county_adcode: Option<String>,
    /// County name.
    pub county_name: Option<String>,
    /// League adcode.
    pub league_adcode: Option<String>,
    /// League name.
    pub league_name: Option<String>,
    /// Leading industries.
    pub leading_industries: Vec<String>,
    /// Geodesic area of the proposal (sum of its blocks), mu.
    pub area_mu: f64,
    /// Its blocks, measured.
    pub blocks: Vec<ProposedBlock>,
    /// Its block × zone overlaps above the tolerance.
    pub conflicts: Vec<Conflict>,
    /// The county's quota with the proposal (`None`: out of scope, or no county).
    pub quota: Option<Quota>,
    /// The nearest in-scope parks of the county.
    pub nearest_in_county: Vec<NearPark>,
    /// The nearest in-scope parks elsewhere in the league.
    pub nearest_in_league: Vec<NearPark>,
    /// Every finding, worst first.
    pub findings: Vec<Finding>,
    /// The worst of them.
    pub verdict: Verdict,
    /// Why the review sheet asked for (`--map`) was not drawn, if it was
    /// not (no CJK font, say); the verdict stands without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_error: Option<String>,
    /// The proposed blocks, lon/lat (for the review sheet).
    #[serde(skip)]
    pub geom: MultiPolygon<f64>,
}

/// Runs `yuanqu proposal`: reads the layers and the proposal, checks it, and
/// writes the conflicts file when asked.
pub fn check(o: &ProposalOptions) -> Result<ProposalReport, PlanError> {
    let req = o.inputs.request()?;
    // the review sheet shows the existing parks graded, as analyze's maps do
    let run_date = crate::commands::timestamp()[..10].to_owned();
    let (analysis, graded_by) = match &o.map {
        Some(_) => {
            let (a, ev, plan) = crate::commands::run_all(&req)?;
            (a, Some((ev, plan)))
        }
        None => (pipeline::run(&req)?, None),
    };
    let src = Source::new(o.proposal.clone(), o.proposal_layer.clone(), "--proposal-layer");
    let (blocks, load_findings) = load(&src, &req.config, req.crs.clone(), req.repair)?;
    let mut report = assess(&Existing::of(&analysis), blocks, load_findings, &req.config, &src.location);
    if let Some(path) = &o.conflicts {
        write_conflicts(path, &report)?;
    }
    if let (Some(png), Some((ev, plan))) = (&o.map, &graded_by) {
        let svg = png.with_extension("svg");
        let review = review(&report, &run_date);
        let data = crate::output::map_data::graded(&analysis, ev, plan, &run_date);
        // the verdict stands without its sheet: the caller says both
        if let Err(e) =
            crate::maps::render_review_sheet(&data, &review, &req.config.maps).and_then(|r| r.write(png, &svg))
        {
            report.map_error = Some(PlanError::Map(e).to_string());
        }
    }
    Ok(report)
}

/// The review sheet's content: the proposal, its conflicts, the nearest
/// parks of its county (else of its league), the verdict and its blocks.
pub fn review(r: &ProposalReport, run_date: &str) -> crate::maps::MapReview {
    use crate::maps::{MapPark, ZoneClass};
    let name = r.park_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| r.park_id.clone());
    let park = MapPark {
        // (an extension's existing park keeps its own id on the map)
        park_id: format!("{}（拟）", r.park_id),
        name: name.clone(),
        geom: r.geom.clone(),
        grade: None,
        underperforming: false,
        surplus: false,
        in_scope: r.in_scope,
    };
    let class = |c: &Conflict| if c.zone_class == "prohibited" { ZoneClass::Prohibited } else { ZoneClass::Restricted };
    let near = if r.nearest_in_county.is_empty() { &r.nearest_in_league } else { &r.nearest_in_county };
    let pt = |p: [f64; 2]| geo::Coord { x: p[0], y: p[1] };
    let sum = |f: fn(&ProposedBlock) -> f64| r.blocks.iter().map(f).sum::<f64>();
    let mu = |x: f64| format!("{x:.2} 亩");
    let verdict = match r.verdict {
        Verdict::Compliant => "符合",
        Verdict::Warnings => "基本符合，有须说明的事项",
        Verdict::Violations => "不符合",
    };
    let rules: BTreeSet<&str> = r.findings.iter().filter(|f| f.severity <= Severity::Warning).map(|f| f.rule).collect();
    let mut summary =
        vec![("拟设园区".to_string(), format!("{name}（{}）", r.park_id)), ("审查结论".into(), verdict.to_string())];
    if !rules.is_empty() {
        summary.push(("涉及条款".into(), rules.into_iter().collect::<Vec<_>>().join("、")));
    }
    if let Some(e) = &r.extends {
        summary.push(("扩区".into(), format!("现有园区 {e} 的新区块")));
    }
    let county = r.county_name.clone().or(r.county_adcode.clone()).unwrap_or_else(|| "未知".into());
    summary.push(("所在旗县".into(), county));
    summary.push(("区块 / 面积".into(), format!("{} 个，{}", r.blocks.len(), mu(r.area_mu))));
    summary.push(("禁止开发区域内（Z2）".into(), mu(sum(|b| b.prohibited_mu))));
    summary.push(("限制开发区域内（Z1）".into(), mu(sum(|b| b.restricted_mu))));
    if let Some(q) = &r.quota {
        summary.push((
            format!("旗县园区数量（{}）", q.rule),
            format!("加上本园区 {} 个，允许 {} 个", q.with_proposal, q.allowed),
        ));
    }
    if let Some(n) = near.first() {
        let who = n.park_name.clone().unwrap_or_else(|| n.park_id.clone());
        summary.push(("最近园区".into(), format!("{who}，{}", crate::maps::distance_zh(n.distance_m))));
    }
    crate::maps::MapReview {
        park,
        subtitle: format!("{}　·　制图日期：{run_date}", r.park_id),
        conflicts: r.conflicts.iter().map(|c| (class(c), c.geom.clone())).collect(),
        nearest: near.iter().map(|n| (pt(n.on_proposal), pt(n.on_park), n.distance_m)).collect(),
        summary,
        blocks: r
            .blocks
            .iter()
            .map(|b| {
                (
                    b.block_id.clone(),
                    format!("{:.2}", b.area_mu),
                    format!("{:.2} / {:.2}", b.restricted_mu, b.prohibited_mu),
                )
            })
            .collect(),
    }
}

/// Reads the proposal with the parks layer's loader, validation and field
/// names. Any rejected feature, no feature, or several park ids is an error.
pub fn load(
    src: &Source,
    config: &Config,
    crs: Option<String>,
    repair: bool,
) -> Result<(Vec<Block>, Vec<Finding>), PlanError> {
    let opts = RecordOptions { fields: config.fields.parks.clone(), repair };
    let mut c: Collector<'_, Block> = Collector::new(LayerKind::Parks, &src.location, &opts);
    read_source(src, &ReadOptions { crs, digest: false }, &crate::layers::validate, &mut |f| c.take(f))
        .map_err(crate::pipeline::RunError::Load)?;
    let out = c.out;
    let error = |problems: Vec<String>, hint: &str| PlanError::Proposal {
        file: src.location.clone(),
        problems,
        hint: hint.to_owned(),
    };
    if !out.rejected.is_empty() {
        let problems = out
            .rejected
            .iter()
            .map(|r| {
                let id = r.id.as_deref().map(|b| format!(" (block_id {b})")).unwrap_or_default();
                format!("feature {}{id}: {}", r.location.feature.unwrap_or(0), r.reason)
            })
            .collect();
        return Err(error(
            problems,
            "every block of a proposal must be usable: a verdict on the other blocks would not be one on the proposal",
        ));
    }
    if out.records.is_empty() {
        return Err(error(
            vec![format!("it holds no feature ({} read)", out.read)],
            "give one Polygon or MultiPolygon feature per block, with park_id and block_id",
        ));
    }
    let ids: BTreeSet<&str> = out.records.iter().map(|b| b.park_id.as_str()).collect();
    if ids.len() > 1 {
        return Err(error(
            vec![format!(
                "it holds blocks of {} parks ({}); a proposal is one park",
                ids.len(),
                ids.iter().copied().collect::<Vec<_>>().join(", ")
            )],
            "give each proposed park its own file, or one park_id to all its blocks",
        ));
    }
    Ok((out.records, out.findings))
}

/// Checks a proposal (its blocks, one park id) against the existing parks and
/// zones. `load_findings` are the loader's (repairs, ignored attributes).
pub fn assess(
    existing: &Existing<'_>,
    mut blocks: Vec<Block>,
    load_findings: Vec<Finding>,
    config: &Config,
    file: &str,
) -> ProposalReport {
    let mut findings = load_findings;
    findings.extend(parks::fill_counties(&mut blocks, existing.counties));
    let block_area: Vec<Mu> = blocks.iter().map(|b| area_mu(&b.geom)).collect();
    let (grouped, group_findings) = parks::group(&blocks, &config.scope);
    findings.extend(group_findings);
    let Some(mut park) = grouped.into_iter().next() else {
        // `load` never gives an empty proposal; an empty one is compliant with nothing to say
        return empty_report(file);
    };
    name_areas(&mut park, existing);

    // Z1, Z2 (and D9): the same overlap measure and findings as `check`
    let zoning = overlap::overlaps(&blocks, &block_area, existing.zones, &config.zoning, &|| {});
    findings.extend(crate::zoning::findings(&zoning, &blocks, existing.zones, &config.zoning));
    let conflicts: Vec<Conflict> = zoning
        .overlaps
        .iter()
        .map(|o| {
            let z = &existing.zones[o.zone];
            let rule = rule_for(z.class);
            Conflict {
                block_id: blocks[o.block].block_id.clone(),
                zone_id: z.zone_id.clone(),
                zone_class: z.class.as_str(),
                zone_name: z.zone_name.clone(),
                zone_type: z.zone_type.clone(),
                rule: rule.id,
                clause: rule.clause,
                severity: severity_for(z.class, o.sliver),
                overlap_mu: round_to(o.area.0, AREA_DECIMALS),
                block_share: round_to(o.block_share, SHARE_DECIMALS),
                mean_width_m: round_to(o.width_m, 3),
                sliver: o.sliver,
                geom: o.geom.clone(),
            }
        })
        .collect();
    let measured: Vec<ProposedBlock> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| ProposedBlock {
            block_id: b.block_id.clone(),
            area_mu: round_to(block_area[i].0, AREA_DECIMALS),
            restricted_mu: round_to(zoning.per_block[i].restricted.0, AREA_DECIMALS),
            prohibited_mu: round_to(zoning.per_block[i].prohibited.0, AREA_DECIMALS),
        })
        .collect();

    let extended = existing.parks.iter().find(|p| p.park_id == park.park_id);
    findings.extend(block_id_clashes(existing, &blocks, extended.is_some()));
    findings.extend(land_clashes(existing, &blocks, &block_area, config.zoning.area_tolerance_mu));
    findings.push(scope_finding(&park));
    let quota = if park.in_scope { quota(existing, &park, extended, &config.layout, &mut findings) } else { None };
    if park.in_scope {
        findings.push(blocks_finding(existing, &park, &blocks, extended, config.layout.max_blocks));
        let facts = ParkFacts {
            park_id: park.park_id.clone(),
            park_name: park.park_name.clone(),
            county_adcode: park.county_adcode.clone(),
            league_adcode: park.league_adcode.clone(),
            league_name: park.league_name.clone(),
            in_scope: true,
            block_ids: blocks.iter().map(|b| b.block_id.clone()).collect(),
            builtup_mu: None,
            builtup_declared_mu: None,
            leading_industries: park.leading_industries.clone(),
        };
        findings.push(crate::evaluate::indicators::check_p1(&facts).unwrap_or_else(|| {
            Finding::new(
                rules::P1,
                Severity::Info,
                format!(
                    "park {} names {} leading industr{} ({}): 1 or 2 as P1 asks",
                    park.park_id,
                    park.leading_industries.len(),
                    if park.leading_industries.len() == 1 { "y" } else { "ies" },
                    park.leading_industries.join("、")
                ),
            )
            .park(&park.park_id)
        }));
    }
    let (nearest_in_county, nearest_in_league) = nearest(existing, &park);
    pipeline::sort_findings(&mut findings);
    let verdict = Verdict::of(&findings);
    ProposalReport {
        file: file.to_owned(),
        park_id: park.park_id.clone(),
        park_name: park.park_name.clone(),
        park_type: park.park_type.clone(),
        in_scope: park.in_scope,
        extends: extended.map(|p| p.park_id.clone()),
        county_adcode: park.county_adcode.clone(),
        county_name: park.county_name.clone(),
        league_adcode: park.league_adcode.clone(),
        league_name: park.league_name.clone(),
        leading_industries: park.leading_industries.clone(),
        area_mu: round_to(park.area.0, AREA_DECIMALS),
        blocks: measured,
        conflicts,
        quota,
        nearest_in_county,
        nearest_in_league,
        findings,
        verdict,
        map_error: None,
        geom: MultiPolygon(blocks.iter().flat_map(|b| b.geom.0.iter().cloned()).collect()),
    }
}

/// D12: proposed blocks that overlap blocks of existing parks (the park it
/// extends included): that land already belongs to a park. A block the
/// proposal replaces (same park and block id) is not a clash.
fn land_clashes(existing: &Existing<'_>, blocks: &[Block], block_area: &[Mu], tolerance_mu: f64) -> Vec<Finding> {
    let n = existing.blocks.len();
    let all: Vec<&Block> = existing.blocks.iter().chain(blocks).collect();
    let replaced = |i: usize, j: usize| all[i].park_id == all[j].park_id && all[i].block_id == all[j].block_id;
    parks::overlapping_pairs(&all, tolerance_mu, &|i, j| i < n && j >= n && !replaced(i, j))
        .into_iter()
        .map(|(i, j, mu)| {
            let (old, new) = (all[i], all[j]);
            let share = 100.0 * mu.0 / block_area[j - n].0.max(f64::MIN_POSITIVE);
            Finding::new(
                rules::D12,
                Severity::Warning,
                format!(
                    "proposed block {} overlaps block {} of existing park {} by {:.4} mu ({:.1}% of the proposed block): that land already belongs to a park and would be counted twice. Leave it out of the proposal, or give it up in the existing park.",
                    new.block_id, old.block_id, old.park_id, mu.0, share
                ),
            )
            .park(&new.park_id)
            .block(&new.block_id)
        })
        .collect()
}

fn empty_report(file: &str) -> ProposalReport {
    ProposalReport {
        file: file.to_owned(),
        park_id: String::new(),
        park_name: None,
        park_type: None,
        in_scope: false,
        extends: None,
        county_adcode: None,
        county_name: None,
        league_adcode: None,
        league_name: None,
        leading_industries: Vec::new(),
        area_mu: 0.0,
        blocks: Vec::new(),
        conflicts: Vec::new(),
        quota: None,
        nearest_in_county: Vec::new(),
        nearest_in_league: Vec::new(),
        findings: Vec::new(),
        verdict: Verdict::Compliant,
        map_error: None,
        geom: MultiPolygon(Vec::new()),
    }
}

/// Fills the county's and league's names the proposal does not give, from
/// the counties layer, else from the existing parks with the same codes.
fn name_areas(park: &mut Park, existing: &Existing<'_>) {
    let county = existing.counties.iter().find(|c| park.county_adcode.as_deref() == Some(c.adcode.as_str()));
    if park.county_name.is_none() {
        park.county_name = county.and_then(|c| c.name.clone()).or_else(|| {
            existing
                .parks
                .iter()
                .filter(|p| p.county_adcode.is_some() && p.county_adcode == park.county_adcode)
                .find_map(|p| p.county_name.clone())
        });
    }
    if park.league_name.is_none() {
        park.league_name = county.and_then(|c| c.parent_name.clone()).or_else(|| {
            existing
                .parks
                .iter()
                .filter(|p| p.league_adcode.is_some() && p.league_adcode == park.league_adcode)
                .find_map(|p| p.league_name.clone())
        });
    }
}

/// S1/S2: industry-led (in scope), out of scope, or not judged (no type).
fn scope_finding(park: &Park) -> Finding {
    let f = match (&park.park_type, park.in_scope) {
        (Some(t), true) => Finding::new(
            rules::S1,
            Severity::Info,
            format!("park {} is a {t}: industry-led, so the layout rules and the evaluation apply", park.park_id),
        ),
        (Some(t), false) => Finding::new(
            rules::S2,
            Severity::Info,
            format!(
                "park {} is a {t}: out of scope (logistics parks and non-industrial customs zones); zoning applies, \
                 the county quota (L1/L2), the block limit (L3) and the evaluation do not",
                park.park_id
            ),
        ),
        (None, _) => Finding::new(
            rules::S1,
            Severity::Warning,
            format!(
                "park {}: no park_type, so whether it is industry-led (S1) or out of scope (S2) cannot be judged; it \
                 is checked as industry-led. Set park_type (e.g. 自治区级工业园区, 物流园区)",
                park.park_id
            ),
        ),
    };
    f.park(&park.park_id)
}

/// A proposed block_id already used by another park's block in the parks layer.
fn block_id_clashes(existing: &Existing<'_>, blocks: &[Block], extension: bool) -> Vec<Finding> {
    let used: BTreeMap<&str, &str> =
        existing.blocks.iter().map(|b| (b.block_id.as_str(), b.park_id.as_str())).collect();
    blocks
        .iter()
        .filter_map(|b| {
            let owner = used.get(b.block_id.as_str())?;
            if extension && *owner == b.park_id {
                return None; // a redrawn block of the park extended
            }
            Some(
                Finding::new(
                    rules::D4,
                    Severity::Warning,
                    format!(
                        "proposed block_id {} is already a block of park {owner} in the parks layer: give the proposed \
                         block its own id before it is added to the layer",
                        b.block_id
                    ),
                )
                .park(&b.park_id)
                .block(&b.block_id),
            )
        })
        .collect()
}

/// L1/L2: the county's in-scope parks with the proposal, against its quota.
fn quota(
    existing: &Existing<'_>,
    park: &Park,
    extended: Option<&Park>,
    layout: &crate::config::LayoutConfig,
    findings: &mut Vec<Finding>,
) -> Option<Quota> {
    let Some(county) = park.county_adcode.clone() else {
        findings.push(
            Finding::new(
                rules::L1,
                Severity::Warning,
                format!(
                    "park {}: no county_adcode on its blocks and none could be taken from a counties layer, so the \
                     county quota cannot be checked; add county_adcode or a counties layer",
                    park.park_id
                ),
            )
            .park(&park.park_id),
        );
        return None;
    };
    let others: Vec<&Park> = existing
        .parks
        .iter()
        .filter(|p| p.in_scope && p.park_id != park.park_id && p.county_adcode.as_deref() == Some(county.as_str()))
        .collect();
    let strong = existing.strong.contains(&county);
    let (allowed, rule) =
        if strong { (layout.parks_per_strong_county, rules::L2) } else { (layout.parks_per_county, rules::L1) };
    let with_proposal = others.len() + 1;
    let county_name = park.county_name.clone().or_else(|| others.iter().find_map(|p| p.county_name.clone()));
    let list = if others.is_empty() {
        "none".to_owned()
    } else {
        others
            .iter()
            .map(|p| format!("{} {}", p.park_id, p.park_name.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let county_text = format!(
        "county {county} {}{}",
        county_name.as_deref().unwrap_or(""),
        if strong { " (economically strong)" } else { "" }
    );
    let (severity, message) = match (extended.is_some(), with_proposal > allowed) {
        (false, true) => (
            Severity::Violation,
            format!(
                "{county_text} may keep {allowed} park(s) and already has {} ({list}); with park {} it would have \
                 {with_proposal}: extend one of them instead (see the nearest parks), or merge first",
                others.len(),
                park.park_id
            ),
        ),
        (false, false) => (
            Severity::Info,
            format!(
                "{county_text} may keep {allowed} park(s) and has {} ({list}); with park {} it would have \
                 {with_proposal}, within the quota",
                others.len(),
                park.park_id
            ),
        ),
        (true, over) => (
            if over { Severity::Warning } else { Severity::Info },
            format!(
                "park {} already exists: the proposal extends it, so {county_text} keeps {with_proposal} park(s) \
                 ({allowed} allowed; the others: {list}){}",
                park.park_id,
                if over {
                    ": the county is over its quota already, and this park may have to merge or receive (C4)"
                } else {
                    ""
                }
            ),
        ),
    };
    findings.push(
        Finding::new(rule, severity, message).park(&park.park_id).measured(with_proposal as f64, Some(allowed as f64)),
    );
    Some(Quota {
        county_adcode: county,
        county_name,
        strong,
        allowed,
        rule: rule.id,
        existing: others
            .iter()
            .map(|p| ParkRef { park_id: p.park_id.clone(), park_name: p.park_name.clone() })
            .collect(),
        with_proposal,
    })
}

/// L3: the blocks of the park as proposed (an extension keeps the existing
/// blocks whose ids the proposal does not redraw).
fn blocks_finding(
    existing: &Existing<'_>,
    park: &Park,
    blocks: &[Block],
    extended: Option<&Park>,
    max_blocks: usize,
) -> Finding {
    let proposed: BTreeSet<&str> = blocks.iter().map(|b| b.block_id.as_str()).collect();
    let kept: Vec<&str> = extended
        .map(|e| {
            e.blocks
                .iter()
                .filter_map(|&i| existing.blocks.get(i))
                .map(|b| b.block_id.as_str())
                .filter(|id| !proposed.contains(id))
                .collect()
        })
        .unwrap_or_default();
    let ids: Vec<&str> = kept.iter().copied().chain(blocks.iter().map(|b| b.block_id.as_str())).collect();
    let n = ids.len();
    let what = if kept.is_empty() {
        format!("park {} has {n} block(s) ({})", park.park_id, ids.join(", "))
    } else {
        format!(
            "park {} would have {n} blocks: {} existing ({}) and {} proposed ({})",
            park.park_id,
            kept.len(),
            kept.join(", "),
            blocks.len(),
            blocks.iter().map(|b| b.block_id.as_str()).collect::<Vec<_>>().join(", ")
        )
    };
    let (severity, message) = if n > max_blocks {
        (Severity::Violation, format!("{what}, at most {max_blocks} allowed: merge blocks or give some up"))
    } else {
        (Severity::Info, format!("{what}, at most {max_blocks} allowed"))
    };
    Finding::new(rules::L3, severity, message).park(&park.park_id).measured(n as f64, Some(max_blocks as f64))
}

/// The nearest in-scope parks of the county, and of the rest of the league.
fn nearest(existing: &Existing<'_>, park: &Park) -> (Vec<NearPark>, Vec<NearPark>) {
    let Some(league) = park.league_adcode.as_deref() else { return (Vec::new(), Vec::new()) };
    let members: Vec<&Park> = existing
        .parks
        .iter()
        .filter(|p| p.in_scope && p.park_id != park.park_id && p.league_adcode.as_deref() == Some(league))
        .collect();
    let geoms: Vec<&MultiPolygon<f64>> = members.iter().map(|p| &p.geom).collect();
    let index = ParkIndex::new(geoms.iter().copied());
    let county = park.county_adcode.as_deref();
    let in_county = |i: usize| county.is_some() && members[i].county_adcode.as_deref() == county;
    let near = |found: Vec<(usize, crate::geom::distance::Closest)>| -> Vec<NearPark> {
        found
            .into_iter()
            .map(|(i, c)| {
                let p = members[i];
                NearPark {
                    park_id: p.park_id.clone(),
                    park_name: p.park_name.clone(),
                    county_adcode: p.county_adcode.clone(),
                    county_name: p.county_name.clone(),
                    leading_industries: p.leading_industries.clone(),
                    distance_m: round_to(c.distance.0, 3),
                    on_proposal: [round_to(c.on_a.x, COORD_DECIMALS), round_to(c.on_a.y, COORD_DECIMALS)],
                    on_park: [round_to(c.on_b.x, COORD_DECIMALS), round_to(c.on_b.y, COORD_DECIMALS)],
                }
            })
            .collect()
    };
    let c = near(nearest_k(&index, &geoms, &park.geom, NEAREST_LISTED, in_county));
    let l = near(nearest_k(&index, &geoms, &park.geom, NEAREST_LISTED, |i| !in_county(i)));
    (c, l)
}

/// The conflicts as GeoJSON features: geometry = the intersection, properties
/// as `overlaps.geojson` plus the clause.
pub fn conflict_features<'a>(r: &'a ProposalReport) -> impl Iterator<Item = OutFeature<'a>> + 'a {
    r.conflicts.iter().map(move |c| {
        let mut m = Map::new();
        m.insert("park_id".into(), r.park_id.clone().into());
        m.insert("block_id".into(), c.block_id.clone().into());
        m.insert("zone_id".into(), c.zone_id.clone().into());
        m.insert("zone_class".into(), c.zone_class.into());
        m.insert("zone_name".into(), text(c.zone_name.as_deref()));
        m.insert("zone_type".into(), text(c.zone_type.as_deref()));
        m.insert("overlap_mu".into(), num(Some(c.overlap_mu), AREA_DECIMALS));
        m.insert("block_share".into(), num(Some(c.block_share), SHARE_DECIMALS));
        m.insert("rule".into(), c.rule.into());
        m.insert("clause".into(), c.clause.into());
        m.insert("severity".into(), c.severity.as_str().into());
        m.insert("sliver".into(), c.sliver.into());
        m.insert("mean_width_m".into(), num(Some(c.mean_width_m), 3));
        (m, Some(OutGeometry::MultiPolygon(&c.geom)))
    })
}

/// Writes the conflicts to `path` (RFC 7946 GeoJSON, atomically; an empty
/// collection when there is none).
pub fn write_conflicts(path: &Path, r: &ProposalReport) -> Result<(), PlanError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(PlanError::Usage(format!(
            "--conflicts {}: not a file name\nhint: give a file, e.g. --conflicts conflicts.geojson",
            path.display()
        )));
    };
    let mut out = OutputSet::new(dir)?;
    out.write(name, |w| crate::output::geojson::write_collection(w, conflict_features(r).collect::<Vec<_>>()))?;
    out.commit()?;
    Ok(())
}

/// `rule [clause]` of a rule, as every line shows it.
fn tag(r: Rule) -> String {
    format!("{} [{}]", r.id, r.clause)
}

impl ProposalReport {
    /// The verdict as text: the proposal, every finding (rule and clause
    /// first), the nearest parks.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let [v, w, i] = pipeline::severity_counts(&self.findings);
        let _ = writeln!(
            s,
            "proposal {} {} ({}): {} block(s), {:.2} mu{}",
            self.park_id,
            self.park_name.as_deref().unwrap_or(""),
            self.file,
            self.blocks.len(),
            self.area_mu,
            self.park_type.as_deref().map(|t| format!(", {t}")).unwrap_or_default()
        );
        if let Some(e) = &self.extends {
            let _ = writeln!(s, "extends the existing park {e}");
        }
        let _ = writeln!(
            s,
            "county {} {}, league {} {}; leading industries: {}",
            self.county_adcode.as_deref().unwrap_or("?"),
            self.county_name.as_deref().unwrap_or(""),
            self.league_adcode.as_deref().unwrap_or("?"),
            self.league_name.as_deref().unwrap_or(""),
            if self.leading_industries.is_empty() {
                "none given".to_owned()
            } else {
                self.leading_industries.join("、")
            }
        );
        let _ = writeln!(s, "verdict: {} ({v} violations, {w} warnings, {i} info)", self.verdict.sentence());
        s.push('\n');
        for f in &self.findings {
            let _ = writeln!(s, "{f}");
        }
        let l4 = tag(rules::L4);
        let lines = |s: &mut String, what: &str, list: &[NearPark]| {
            for p in list {
                let _ = writeln!(
                    s,
                    "{l4} nearest {what}: {} {} ({} {}), {}{}; leading industries {}",
                    p.park_id,
                    p.park_name.as_deref().unwrap_or(""),
                    p.county_adcode.as_deref().unwrap_or("?"),
                    p.county_name.as_deref().unwrap_or(""),
                    distance_text(p.distance_m),
                    if p.distance_m == 0.0 { " (touches or overlaps the proposal)" } else { "" },
                    if p.leading_industries.is_empty() {
                        "none given".to_owned()
                    } else {
                        p.leading_industries.join("、")
                    }
                );
            }
        };
        if !self.nearest_in_county.is_empty() || !self.nearest_in_league.is_empty() {
            let _ = writeln!(
                s,
                "\nexisting parks nearby (geodesic, closest boundary points; extending one may serve instead of a new park):"
            );
            lines(&mut s, "in the county", &self.nearest_in_county);
            lines(&mut s, "elsewhere in the league", &self.nearest_in_league);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, ZoneClass};
    use geo::{polygon, BoundingRect};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]])
    }

    fn block(
        park: &str,
        block: &str,
        county: Option<&str>,
        kind: &str,
        industries: &str,
        g: MultiPolygon<f64>,
    ) -> Block {
        Block {
            origin: Origin { file: "t".into(), feature: 0 },
            park_id: park.into(),
            block_id: block.into(),
            park_name: None,
            block_no: None,
            block_name: None,
            park_type: (!kind.is_empty()).then(|| kind.to_owned()),
            county_adcode: county.map(str::to_owned),
            county_name: None,
            league_adcode: county.and_then(crate::layers::records::league_of),
            league_name: None,
            leading_industries: crate::model::split_industries(industries),
            established_year: None,
            approved_area_mu: None,
            builtup_mu_declared: None,
            geom: g,
        }
    }

    fn zone(id: &str, class: ZoneClass, g: MultiPolygon<f64>) -> Zone {
        Zone {
            origin: Origin { file: "z".into(), feature: 0 },
            zone_id: id.into(),
            class,
            zone_name: Some(format!("{id} name")),
            zone_type: None,
            zone_level: None,
            bbox: g.bounding_rect().unwrap(),
            geom: g,
        }
    }

    const IND: &str = "自治区级工业园区";

    /// Existing: P1 in 150602 (quota 1, full), P2 in strong 150603 (quota 2),
    /// a logistics park in 150604 (not counted); a prohibited zone over
    /// [110.0, 110.1] × [40.0, 40.1].
    fn with_existing(f: impl FnOnce(&Existing<'_>)) {
        let blocks = vec![
            block("P1", "P1-1", Some("150602"), IND, "新材料", rect(110.5, 40.5, 110.51, 40.51)),
            block("P2", "P2-1", Some("150603"), IND, "冶金", rect(110.6, 40.5, 110.61, 40.51)),
            block("P3", "P3-1", Some("150604"), "物流园区", "现代物流", rect(110.35, 40.15, 110.36, 40.16)),
        ];
        let (parks, _) = parks::group(&blocks, &Config::default().scope);
        let zones = vec![zone("ZP", ZoneClass::Prohibited, rect(110.0, 40.0, 110.1, 40.1))];
        let strong: BTreeSet<String> = ["150603".to_string()].into();
        f(&Existing { parks: &parks, blocks: &blocks, zones: &zones, counties: &[], strong: &strong });
    }

    fn rules_of(r: &ProposalReport, sev: Severity) -> Vec<&'static str> {
        r.findings.iter().filter(|f| f.severity == sev).map(|f| f.rule).collect()
    }

    #[test]
    fn a_strong_county_with_one_park_has_room_for_a_second() {
        with_existing(|e| {
            let b = vec![block("N", "N-1", Some("150603"), IND, "新材料", rect(110.6, 40.55, 110.61, 40.56))];
            let r = assess(e, b, vec![], &Config::default(), "p");
            let q = r.quota.as_ref().unwrap();
            assert_eq!((q.strong, q.allowed, q.rule, q.with_proposal), (true, 2, "L2", 2));
            assert_eq!(q.existing[0].park_id, "P2");
            assert_eq!(r.verdict, Verdict::Compliant, "{:#?}", r.findings);
            // P2 is in the county, P1 elsewhere in the league
            assert_eq!(r.nearest_in_county.iter().map(|p| p.park_id.as_str()).collect::<Vec<_>>(), vec!["P2"]);
            assert_eq!(r.nearest_in_league.iter().map(|p| p.park_id.as_str()).collect::<Vec<_>>(), vec!["P1"]);
        });
    }

    /// Extending P1 (same park_id) with three blocks: 1 + 3 = 4 blocks (L3
    /// violation), the county keeps its one park (L1 info), and a proposed
    /// block with P1's existing block id redraws it instead of adding one.
    #[test]
    fn an_extension_keeps_the_county_count_and_adds_blocks() {
        with_existing(|e| {
            let b: Vec<Block> = (2..=4)
                .map(|k| {
                    let y = 40.52 + 0.02 * k as f64;
                    block("P1", &format!("P1-{k}"), Some("150602"), IND, "新材料", rect(110.5, y, 110.51, y + 0.01))
                })
                .collect();
            let r = assess(e, b.clone(), vec![], &Config::default(), "p");
            assert_eq!(r.extends.as_deref(), Some("P1"));
            assert_eq!(rules_of(&r, Severity::Violation), vec!["L3"]);
            let l3 = r.findings.iter().find(|f| f.rule == "L3").unwrap();
            assert_eq!(l3.value, Some(4.0));
            assert!(l3.message.contains("1 existing (P1-1) and 3 proposed"), "{}", l3.message);
            let q = r.quota.as_ref().unwrap();
            assert_eq!((q.with_proposal, q.existing.len()), (1, 0));
            assert!(r.nearest_in_county.is_empty(), "the park itself is not its own neighbour");

            let mut redraw = b;
            redraw[0].block_id = "P1-1".into();
            let r = assess(e, redraw, vec![], &Config::default(), "p");
            assert_eq!(r.findings.iter().find(|f| f.rule == "L3").unwrap().value, Some(3.0));
            assert!(!r.findings.iter().any(|f| f.rule == "D4"));
        });
    }

    #[test]
    fn a_logistics_park_is_out_of_scope_but_still_zoned() {
        with_existing(|e| {
            let b = vec![block("N", "N-1", Some("150602"), "物流园区", "", rect(110.05, 40.05, 110.06, 40.06))];
            let r = assess(e, b, vec![], &Config::default(), "p");
            assert!(!r.in_scope && r.quota.is_none());
            assert_eq!(rules_of(&r, Severity::Violation), vec!["Z2"]);
            assert!(r.findings.iter().any(|f| f.rule == "S2"));
            assert!(!r.findings.iter().any(|f| ["L1", "L3", "P1"].contains(&f.rule)));
        });
    }

    #[test]
    fn no_county_no_type_no_industry_and_a_borrowed_block_id() {
        with_existing(|e| {
            let b = vec![block("N", "P2-1", None, "", "", rect(110.3, 40.3, 110.31, 40.31))];
            let r = assess(e, b, vec![], &Config::default(), "p");
            // P1: no leading industry (violation); S1, L1, D4: warnings
            assert_eq!(rules_of(&r, Severity::Violation), vec!["P1"]);
            assert_eq!(rules_of(&r, Severity::Warning), vec!["S1", "L1", "D4"]); // POLICY.md order
            assert!(r.quota.is_none() && r.nearest_in_county.is_empty() && r.nearest_in_league.is_empty());
            let text = r.to_text();
            assert!(text.contains("verdict: not compliant (1 violations, 3 warnings"), "{text}");
            for line in text.lines().filter(|l| l.starts_with("violation") || l.starts_with("warning")) {
                assert!(line.contains(" [") && line.contains("]"), "no clause: {line}");
            }
        });
    }
}
