//! Hand-made overlap cases; every expected intersection is derived by hand
//! (rectangles in lon/lat) and measured as a polygon of its own.

use crate::common::*;
use geo::{polygon, MultiPolygon};
use yuanqu::geom::area::area_m2;
use yuanqu::units::M2_PER_MU;

fn mu_of_rect(x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
    let p = polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)];
    area_m2(&MultiPolygon(vec![p])) / M2_PER_MU
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn contained_touching_partial_multipart_hole_and_shared_zone() {
    let t = tmp();
    let d = t.path();
    let hole_block = r#"{"type":"Polygon","coordinates":[[[112.0,41.0],[112.01,41.0],[112.01,41.01],[112.0,41.01],[112.0,41.0]],[[112.004,41.004],[112.004,41.006],[112.006,41.006],[112.006,41.004],[112.004,41.004]]]}"#;
    write_fc(
        &d.join("parks.geojson"),
        &[
            (r#"{"park_id":"A","block_id":"A-1","county_adcode":"150102"}"#, &rect(111.0, 40.0, 111.01, 40.01)),
            (r#"{"park_id":"B","block_id":"B-1","county_adcode":"150103"}"#, hole_block),
            (r#"{"park_id":"C","block_id":"C-1","county_adcode":"150104"}"#, &rect(113.0, 42.0, 113.01, 42.01)),
            (r#"{"park_id":"C","block_id":"C-2","county_adcode":"150104"}"#, &rect(113.02, 42.0, 113.03, 42.01)),
            (r#"{"park_id":"E","block_id":"E-1","county_adcode":"150105"}"#, &rect(114.0, 43.0, 114.01, 43.01)),
        ],
    );
    let multi = r#"{"type":"MultiPolygon","coordinates":[[[[110.9,40.0],[111.002,40.0],[111.002,40.01],[110.9,40.01],[110.9,40.0]]],[[[111.008,40.0],[111.1,40.0],[111.1,40.01],[111.008,40.01],[111.008,40.0]]]]}"#;
    write_fc(
        &d.join("zones.geojson"),
        &[
            // A: touching only (shares the east edge)
            (r#"{"zone_id":"ZT","zone_class":"prohibited"}"#, &rect(111.01, 40.0, 111.02, 40.01)),
            // A: partial, the NE quarter
            (r#"{"zone_id":"ZP","zone_class":"restricted"}"#, &rect(111.005, 40.005, 111.02, 40.02)),
            // A: two-part zone over the west and east strips
            (r#"{"zone_id":"ZM","zone_class":"prohibited","zone_name":"两片保护区"}"#, multi),
            // B: a zone covering the whole block including its hole
            (r#"{"zone_id":"ZH","zone_class":"prohibited"}"#, &rect(111.99, 40.99, 112.02, 41.02)),
            // C: one zone over both blocks of park C
            (r#"{"zone_id":"ZC","zone_class":"restricted"}"#, &rect(113.005, 42.0, 113.025, 42.005)),
            // E: two restricted zones overlapping each other over the block
            (r#"{"zone_id":"ZE1","zone_class":"restricted"}"#, &rect(113.99, 42.99, 114.006, 43.02)),
            (r#"{"zone_id":"ZE2","zone_class":"restricted"}"#, &rect(114.004, 42.99, 114.02, 43.02)),
        ],
    );
    let out = d.join("o");
    yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    let ov = props(&out.join("overlaps.geojson"));
    let get = |b: &str, z: &str| {
        ov.iter().find(|p| p["block_id"] == b && p["zone_id"] == z).map(|p| p["overlap_mu"].as_f64().unwrap())
    };
    assert_eq!(get("A-1", "ZT"), None, "touching is not overlapping");
    assert!(close(get("A-1", "ZP").unwrap(), mu_of_rect(111.005, 40.005, 111.01, 40.01)));
    let want_m = mu_of_rect(111.0, 40.0, 111.002, 40.01) + mu_of_rect(111.008, 40.0, 111.01, 40.01);
    assert!(close(get("A-1", "ZM").unwrap(), want_m));
    let hole = mu_of_rect(112.004, 41.004, 112.006, 41.006);
    let want_b = mu_of_rect(112.0, 41.0, 112.01, 41.01) - hole;
    assert!(close(get("B-1", "ZH").unwrap(), want_b), "{:?} vs {want_b}", get("B-1", "ZH"));
    assert!(close(get("C-1", "ZC").unwrap(), mu_of_rect(113.005, 42.0, 113.01, 42.005)));
    assert!(close(get("C-2", "ZC").unwrap(), mu_of_rect(113.02, 42.0, 113.025, 42.005)));
    assert_eq!(ov.len(), 7, "{ov:?}");

    let blocks = props(&out.join("blocks.geojson"));
    let block = |id: &str| blocks.iter().find(|p| p["block_id"] == id).unwrap().clone();
    // the block wholly in prohibited zones: share 1 (B), prohibited_mu = its area
    let b = block("B-1");
    assert!(close(b["prohibited_mu"].as_f64().unwrap(), want_b));
    assert!((b["prohibited_share"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    // overlapping restricted zones are counted once: the union covers all of E-1
    let e = block("E-1");
    assert!(close(e["restricted_mu"].as_f64().unwrap(), mu_of_rect(114.0, 43.0, 114.01, 43.01)));
    // A: prohibited = the two strips; restricted = the quarter
    let a = block("A-1");
    assert!(close(a["prohibited_mu"].as_f64().unwrap(), want_m));
    assert!(close(a["restricted_mu"].as_f64().unwrap(), mu_of_rect(111.005, 40.005, 111.01, 40.01)));

    // rules: Z2 violations for ZM and ZH, Z1 warnings for ZP, ZC, ZE1, ZE2
    let f = findings(&out);
    let rule_of = |z: &str| f.iter().find(|x| x["zone_id"] == z).map(|x| (x["rule"].clone(), x["severity"].clone()));
    assert_eq!(rule_of("ZM"), Some(("Z2".into(), "violation".into())));
    assert_eq!(rule_of("ZP"), Some(("Z1".into(), "warning".into())));
    assert_eq!(rule_of("ZT"), None);
}

#[test]
fn a_thin_sliver_keeps_its_rule_with_a_lower_severity() {
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("parks.geojson"), &[(r#"{"park_id":"A","block_id":"A-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    // 0.00001° of longitude ≈ 0.85 m wide along the east edge
    write_fc(
        &d.join("zones.geojson"),
        &[(r#"{"zone_id":"ZS","zone_class":"prohibited"}"#, &rect(111.00999, 40.0, 111.02, 40.01))],
    );
    let out = d.join("o");
    yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    let ov = props(&out.join("overlaps.geojson"));
    assert_eq!(ov.len(), 1);
    assert_eq!(ov[0]["rule"], "Z2");
    assert_eq!(ov[0]["sliver"], true);
    assert_eq!(ov[0]["severity"], "warning");
}

#[test]
fn a_zone_repaired_after_reading_is_still_measured() {
    // Zones are measured as they are read, but only valid ones; a bow-tie
    // zone repaired by --repair changes shape after reading and must be
    // measured then. Even-odd make-valid turns it into its two triangles.
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("parks.geojson"), &[(r#"{"park_id":"A","block_id":"A-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    let bow =
        r#"{"type":"Polygon","coordinates":[[[111.0,40.0],[111.01,40.01],[111.01,40.0],[111.0,40.01],[111.0,40.0]]]}"#;
    write_fc(
        &d.join("zones.geojson"),
        &[
            (r#"{"zone_id":"ZB","zone_class":"prohibited"}"#, bow),
            (r#"{"zone_id":"ZQ","zone_class":"restricted"}"#, &rect(111.0, 40.0, 111.005, 40.005)),
        ],
    );
    let tri = |pts: [(f64, f64); 3]| {
        let p = geo::Polygon::new(geo::LineString::from(vec![pts[0], pts[1], pts[2], pts[0]]), vec![]);
        area_m2(&MultiPolygon(vec![p])) / M2_PER_MU
    };
    let want = tri([(111.0, 40.0), (111.005, 40.005), (111.0, 40.01)])
        + tri([(111.01, 40.0), (111.01, 40.01), (111.005, 40.005)]);

    let out = d.join("o");
    yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--repair"], 0);
    let ov = props(&out.join("overlaps.geojson"));
    let get = |z: &str| ov.iter().find(|p| p["zone_id"] == z).map(|p| p["overlap_mu"].as_f64().unwrap());
    assert!(close(get("ZB").unwrap(), want), "{:?} vs {want}", get("ZB"));
    assert!(close(get("ZQ").unwrap(), mu_of_rect(111.0, 40.0, 111.005, 40.005)));
    let block = props(&out.join("blocks.geojson")).remove(0);
    assert!(close(block["prohibited_mu"].as_f64().unwrap(), want));

    // without --repair the bow-tie is rejected (D2) and measures nothing
    let out2 = d.join("o2");
    yuanqu(&["check", d.to_str().unwrap(), "--out", out2.to_str().unwrap(), "-q"]);
    let ov2 = props(&out2.join("overlaps.geojson"));
    assert_eq!(ov2.iter().map(|p| p["zone_id"].as_str().unwrap()).collect::<Vec<_>>(), ["ZQ"]);
    assert!(findings(&out2).iter().any(|f| f["rule"] == "D2" && f["zone_id"] == "ZB"), "{:?}", findings(&out2));
}

#[test]
fn the_report_lists_a_hundred_findings_per_rule_and_counts_the_rest() {
    // 150 blocks, each half inside one restricted zone: 150 Z1 findings
    let t = tmp();
    let d = t.path();
    let parks: Vec<(String, String)> = (0..150)
        .map(|i| {
            let x = 111.0 + i as f64 * 0.02;
            (format!(r#"{{"park_id":"P{i:03}","block_id":"P{i:03}-1"}}"#), rect(x, 40.0, x + 0.01, 40.01))
        })
        .collect();
    let parks: Vec<(&str, &str)> = parks.iter().map(|(p, g)| (p.as_str(), g.as_str())).collect();
    write_fc(&d.join("parks.geojson"), &parks);
    write_fc(
        &d.join("zones.geojson"),
        &[(r#"{"zone_id":"ZR","zone_class":"restricted"}"#, &rect(110.9, 40.005, 115.0, 40.02))],
    );
    let out = d.join("o");
    yuanqu(&["analyze", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"]);
    assert_eq!(findings(&out).iter().filter(|f| f["rule"] == "Z1").count(), 150);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let section = report.split("\n### Z1 ").nth(1).expect("a Z1 section");
    let section = section.split("\n### ").next().unwrap();
    assert!(section.contains("· 150 finding(s)"), "{section}");
    assert_eq!(section.lines().filter(|l| l.starts_with("- **")).count(), 100);
    assert!(section.contains("and 50 more Z1 finding(s)"), "{section}");
}

#[test]
fn blocks_of_two_parks_overlapping_are_a_d12_finding_and_touching_ones_are_not() {
    let t = tmp();
    let d = t.path();
    write_fc(
        &d.join("parks.geojson"),
        &[
            (r#"{"park_id":"A","block_id":"A-1"}"#, &rect(111.0, 40.0, 111.01, 40.01)),
            // a quarter of A-1
            (r#"{"park_id":"B","block_id":"B-1"}"#, &rect(111.005, 40.005, 111.015, 40.015)),
            // shares A-1's west edge only
            (r#"{"park_id":"C","block_id":"C-1"}"#, &rect(110.99, 40.0, 111.0, 40.01)),
            // overlapping a block of its own park is not D12 (it is reported on the park)
            (r#"{"park_id":"A","block_id":"A-2"}"#, &rect(111.0, 40.008, 111.002, 40.012)),
        ],
    );
    let out = d.join("o");
    yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    let d12: Vec<_> = findings(&out).into_iter().filter(|f| f["rule"] == "D12").collect();
    assert_eq!(d12.len(), 1, "{d12:?}");
    let msg = d12[0]["message"].as_str().unwrap();
    let want = mu_of_rect(111.005, 40.005, 111.01, 40.01);
    assert!(msg.starts_with("block A-1 of park A and block B-1 of park B overlap by"), "{msg}");
    assert!(msg.contains(&format!("{want:.4} mu")), "{msg} vs {want}");
    assert_eq!((d12[0]["park_id"].as_str(), d12[0]["block_id"].as_str()), (Some("A"), Some("A-1")));
}
