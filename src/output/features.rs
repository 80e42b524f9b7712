//! The properties of each output layer, named as DATA.md says.

use super::geojson::{num, text};
use super::{OutFeature, OutGeometry};
use crate::pipeline::Analysis;
use crate::zoning::{rule_for, severity_for};
use rayon::prelude::*;
use serde_json::{Map, Value};

/// Areas are written to 1e-6 mu (≈ 0.0007 m²), shares to 1e-9.
pub const AREA_DECIMALS: i32 = 6;
/// Shares (0..1) decimals.
pub const SHARE_DECIMALS: i32 = 9;

fn share(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| (part / whole).min(1.0))
}

/// `blocks.geojson`: one feature per usable block, input order (made in
/// parallel). `leading_share` comes from the evaluation (per block id), when
/// there is one.
pub fn blocks<'a>(
    a: &'a Analysis,
    leading_share: &'a (dyn Fn(&str) -> Option<f64> + Sync),
) -> impl IndexedParallelIterator<Item = OutFeature<'a>> + 'a {
    a.blocks.par_iter().enumerate().map(move |(i, b)| {
        let z = &a.zoning.per_block[i];
        let area = a.block_area[i].0;
        let mut m = Map::with_capacity(18);
        m.insert("park_id".into(), b.park_id.clone().into());
        m.insert("block_id".into(), b.block_id.clone().into());
        m.insert("park_name".into(), text(b.park_name.as_deref()));
        m.insert("block_no".into(), b.block_no.map_or(Value::Null, Value::from));
        m.insert("block_name".into(), text(b.block_name.as_deref()));
        m.insert("county_adcode".into(), text(b.county_adcode.as_deref()));
        m.insert("county_name".into(), text(b.county_name.as_deref()));
        m.insert("league_adcode".into(), text(b.league_adcode.as_deref()));
        m.insert("league_name".into(), text(b.league_name.as_deref()));
        m.insert("area_mu".into(), num(Some(area), AREA_DECIMALS));
        m.insert("approved_area_mu".into(), num(b.approved_area_mu, AREA_DECIMALS));
        m.insert("builtup_mu".into(), num(a.block_builtup[i].map(|x| x.0), AREA_DECIMALS));
        m.insert("restricted_mu".into(), num(Some(z.restricted.0), AREA_DECIMALS));
        m.insert("prohibited_mu".into(), num(Some(z.prohibited.0), AREA_DECIMALS));
        m.insert("restricted_share".into(), num(share(z.restricted.0, area), SHARE_DECIMALS));
        m.insert("prohibited_share".into(), num(share(z.prohibited.0, area), SHARE_DECIMALS));
        m.insert("leading_share".into(), num(leading_share(&b.block_id), SHARE_DECIMALS));
        m.insert("source_feature".into(), Value::from(b.origin.feature));
        (m, Some(OutGeometry::MultiPolygon(&b.geom)))
    })
}

/// `overlaps.geojson`: one feature per (block, zone) overlap above the
/// tolerance, in order (made in parallel).
pub fn overlaps(a: &Analysis) -> impl IndexedParallelIterator<Item = OutFeature<'_>> + '_ {
    a.zoning.overlaps.par_iter().map(move |o| {
        let (b, z) = (&a.blocks[o.block], &a.zones[o.zone]);
        let mut m = Map::with_capacity(14);
        m.insert("park_id".into(), b.park_id.clone().into());
        m.insert("block_id".into(), b.block_id.clone().into());
        m.insert("zone_id".into(), z.zone_id.clone().into());
        m.insert("zone_class".into(), z.class.as_str().into());
        m.insert("zone_name".into(), text(z.zone_name.as_deref()));
        m.insert("zone_type".into(), text(z.zone_type.as_deref()));
        m.insert("zone_level".into(), text(z.zone_level.as_deref()));
        m.insert("overlap_mu".into(), num(Some(o.area.0), AREA_DECIMALS));
        m.insert("overlap_m2".into(), num(Some(o.area.m2()), 3));
        m.insert("block_share".into(), num(Some(o.block_share), SHARE_DECIMALS));
        m.insert("rule".into(), rule_for(z.class).id.into());
        m.insert("severity".into(), severity_for(z.class, o.sliver).as_str().into());
        m.insert("sliver".into(), o.sliver.into());
        m.insert("mean_width_m".into(), num(Some(o.width_m), 3));
        (m, Some(OutGeometry::MultiPolygon(&o.geom)))
    })
}

/// The area and layout properties of each park (`parks.geojson`), in order
/// (made in parallel); `extra[i]` (evaluation, merges) is appended to park
/// `i`'s properties.
pub fn parks<'a>(
    a: &'a Analysis,
    extra: &'a [Map<String, Value>],
) -> impl IndexedParallelIterator<Item = OutFeature<'a>> + 'a {
    a.parks.par_iter().enumerate().map(move |(i, p)| {
        let mut m = park_props(a, i);
        if let Some(e) = extra.get(i) {
            for (k, v) in e {
                m.insert(k.clone(), v.clone());
            }
        }
        (m, Some(OutGeometry::MultiPolygon(&p.geom)))
    })
}

/// The area and layout properties of park `i`.
pub fn park_props(a: &Analysis, i: usize) -> Map<String, Value> {
    let p = &a.parks[i];
    let (r, q) = a.park_zoning[i];
    let approved: Option<f64> = {
        let v: Vec<Option<f64>> = p.blocks.iter().map(|&b| a.blocks[b].approved_area_mu).collect();
        if v.iter().all(Option::is_some) && !v.is_empty() {
            let same = v.len() > 1 && v.iter().all(|x| *x == v[0]);
            if same {
                v[0]
            } else {
                Some(v.iter().flatten().sum())
            }
        } else {
            None
        }
    };
    let mut m = Map::new();
    m.insert("park_id".into(), p.park_id.clone().into());
    m.insert("park_name".into(), text(p.park_name.as_deref()));
    m.insert("park_type".into(), text(p.park_type.as_deref()));
    m.insert("county_adcode".into(), text(p.county_adcode.as_deref()));
    m.insert("county_name".into(), text(p.county_name.as_deref()));
    m.insert("league_adcode".into(), text(p.league_adcode.as_deref()));
    m.insert("league_name".into(), text(p.league_name.as_deref()));
    m.insert("in_scope".into(), p.in_scope.into());
    m.insert("leading_industries".into(), p.leading_industries.join("、").into());
    m.insert("block_count".into(), p.blocks.len().into());
    m.insert(
        "block_ids".into(),
        p.blocks.iter().map(|&b| a.blocks[b].block_id.as_str()).collect::<Vec<_>>().join(",").into(),
    );
    m.insert("area_mu".into(), num(Some(p.area.0), AREA_DECIMALS));
    m.insert("approved_area_mu".into(), num(approved, AREA_DECIMALS));
    m.insert("builtup_mu".into(), num(a.park_builtup[i].map(|x| x.0), AREA_DECIMALS));
    m.insert("restricted_mu".into(), num(Some(r.0), AREA_DECIMALS));
    m.insert("prohibited_mu".into(), num(Some(q.0), AREA_DECIMALS));
    m.insert("prohibited_share".into(), num(share(q.0, p.area.0), SHARE_DECIMALS));
    m.insert("county_strong".into(), p.county_adcode.as_deref().map_or(Value::Null, |c| a.strong.contains(c).into()));
    m
}

/// `merges.geojson`: one LineString per merge between the two parks' closest
/// boundary points, in order (made in parallel).
pub fn merges(plan: &crate::consolidate::Plan) -> impl IndexedParallelIterator<Item = OutFeature<'_>> + '_ {
    plan.merges.par_iter().map(|m| {
        let mut p = Map::new();
        p.insert("from_park_id".into(), m.from_park_id.clone().into());
        p.insert("to_park_id".into(), m.to_park_id.clone().into());
        p.insert("distance_m".into(), num(Some(m.distance_m.0), 3));
        p.insert("scope".into(), serde_json::to_value(m.scope).unwrap_or(Value::Null));
        p.insert("reason".into(), m.reason.into());
        p.insert("chain_fit".into(), m.chain_fit.into());
        p.insert("fit".into(), text(m.fit.as_deref()));
        let line = geo::LineString::from(vec![m.line.0, m.line.1]);
        (p, Some(OutGeometry::LineString(line)))
    })
}

/// `parks_after.geojson`: the parks as they would be after the merges, with
/// their re-evaluated indicators, in order (made in parallel); a receiver's
/// geometry is its own polygons followed by those of the parks it takes.
pub fn parks_after<'a>(
    a: &'a Analysis,
    after: &'a crate::consolidate::stage::After,
) -> impl ParallelIterator<Item = OutFeature<'a>> + 'a {
    let by_id: std::collections::BTreeMap<&str, usize> =
        a.parks.iter().enumerate().map(|(i, p)| (p.park_id.as_str(), i)).collect();
    after.evaluation.parks.par_iter().filter_map(move |ind| {
        let i = *by_id.get(ind.park_id.as_str())?;
        let taken = after.taken.get(&ind.park_id).cloned().unwrap_or_default();
        let mut parts = vec![&a.parks[i].geom];
        let mut area = a.parks[i].area.0;
        let mut blocks = a.parks[i].blocks.clone();
        for src in &taken {
            if let Some(&j) = by_id.get(src.as_str()) {
                parts.push(&a.parks[j].geom);
                area += a.parks[j].area.0;
                blocks.extend(a.parks[j].blocks.iter().copied());
            }
        }
        let mut m = Map::new();
        m.insert("park_id".into(), ind.park_id.clone().into());
        m.insert("park_name".into(), text(a.parks[i].park_name.as_deref()));
        m.insert("merged_from".into(), taken.join(",").into());
        m.insert("block_count".into(), blocks.len().into());
        m.insert(
            "block_ids".into(),
            blocks.iter().map(|&b| a.blocks[b].block_id.as_str()).collect::<Vec<_>>().join(",").into(),
        );
        m.insert("area_mu".into(), num(Some(area), AREA_DECIMALS));
        if let Ok(Value::Object(ev)) = serde_json::to_value(ind) {
            for (k, v) in ev {
                if !m.contains_key(&k) {
                    m.insert(k, v);
                }
            }
        }
        Some((m, Some(OutGeometry::Combined(parts))))
    })
}
