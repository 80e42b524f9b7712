//! Broken inputs: every defect answered as expected, the rest still analysed.

use crate::common::*;
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn every_manifest_defect_is_reported_where_it_is() {
    let t = tmp();
    let gen = t.path().join("gen");
    gen_layers(&gen, &["--seed", "7", "--parks", "10", "--zones", "40", "--bad"]);
    let bad = gen.join("bad");
    let out = t.path().join("out");
    yuanqu_ok(&["analyze", bad.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"], 0);
    let found = findings(&out);
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(bad.join("MANIFEST.json")).unwrap()).unwrap();
    for m in &manifest {
        let file = m["file"].as_str().unwrap();
        if file == "parks_nan.geojson" {
            continue; // its own test below
        }
        let hit = found.iter().find(|f| {
            let loc = &f["location"];
            loc["file"].as_str().is_some_and(|p| p.ends_with(file))
                && (m.get("feature_index").is_none() || loc["feature"] == m["feature_index"])
                && (m.get("line").is_none() || loc["line"] == m["line"])
        });
        let f = hit.unwrap_or_else(|| panic!("no finding for manifest entry {m}"));
        let msg = f["message"].as_str().unwrap();
        let rule = f["rule"].as_str().unwrap();
        assert!(rule.starts_with('D'), "{m}: rule {rule}");
        if let Some(id) = m.get("park_id").and_then(Value::as_str) {
            assert!(msg.contains(id) || f["park_id"] == id, "{m}: {msg}");
        }
        if m["defect"].as_str().unwrap().starts_with("duplicate") {
            assert_eq!(rule, "D4");
        }
        if m["defect"].as_str().unwrap().contains("approved_area_mu") {
            assert_eq!(rule, "D5");
        }
    }
    // nothing lost: the account adds up, and the good parks were analysed
    let run: Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let acc = &run["account"];
    let n = |k: &str| acc[k].as_u64().unwrap();
    assert_eq!(n("blocks_read"), n("blocks_analysed") + n("blocks_rejected"));
    assert_eq!(n("zones_read"), n("zones_used") + n("zones_rejected"));
    assert_eq!(n("builtup_read"), n("builtup_used") + n("builtup_rejected"));
    assert_eq!(
        acc["rejected"].as_array().unwrap().len() as u64,
        n("blocks_rejected") + n("zones_rejected") + n("builtup_rejected")
    );
    let parks = props(&out.join("parks.geojson"));
    assert!(parks.len() >= 3, "the good parks are still analysed");
    // every input park id is either in parks.geojson or named in a finding
    for m in manifest.iter().filter(|m| m["file"] == "parks.geojson") {
        if let Some(id) = m["park_id"].as_str() {
            let in_parks = parks.iter().any(|p| p["park_id"] == id);
            let in_findings = found.iter().any(|f| f["park_id"] == id);
            assert!(in_parks || in_findings, "park {id} vanished");
        }
    }
}

#[test]
fn nan_token_is_an_error_naming_file_and_position() {
    let t = tmp();
    let gen = t.path().join("gen");
    gen_layers(&gen, &["--seed", "7", "--parks", "10", "--zones", "40", "--bad"]);
    let nan = gen.join("bad").join("parks_nan.geojson");
    let out = t.path().join("out");
    let text = yuanqu_ok(&["check", "--parks", nan.to_str().unwrap(), "--out", out.to_str().unwrap()], 2);
    assert!(text.contains("parks_nan.geojson") && text.contains("line 1 column"), "{text}");
}

#[test]
fn text_that_is_not_json_and_a_truncated_file_are_errors() {
    let t = tmp();
    let d = t.path();
    std::fs::write(d.join("parks.geojson"), "this is not json").unwrap();
    let text = yuanqu_ok(&["check", d.to_str().unwrap(), "--out", d.join("o").to_str().unwrap()], 2);
    assert!(text.contains("parks.geojson") && text.contains("line 1"), "{text}");
    write_fc(&d.join("parks.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    let full = std::fs::read_to_string(d.join("parks.geojson")).unwrap();
    std::fs::write(d.join("parks.geojson"), &full[..full.len() / 2]).unwrap();
    let text = yuanqu_ok(&["check", d.to_str().unwrap(), "--out", d.join("o").to_str().unwrap()], 2);
    assert!(text.contains("parks.geojson") && text.contains("not valid GeoJSON"), "{text}");
}

#[test]
fn an_unknown_zone_class_rejects_that_zone_only() {
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("parks.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    write_fc(
        &d.join("zones.geojson"),
        &[
            (r#"{"zone_id":"Z1","zone_class":"buffer"}"#, &rect(111.0, 40.0, 111.005, 40.01)),
            (r#"{"zone_id":"Z2","zone_class":"禁止开发区域"}"#, &rect(111.005, 40.0, 111.02, 40.01)),
        ],
    );
    let out = d.join("o");
    yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    let f = findings(&out);
    assert!(f
        .iter()
        .any(|f| f["rule"] == "D5" && f["zone_id"] == "Z1" && f["message"].as_str().unwrap().contains("buffer")));
    let ov = props(&out.join("overlaps.geojson"));
    assert_eq!(ov.len(), 1);
    assert_eq!(ov[0]["zone_id"], "Z2");
    assert_eq!(ov[0]["rule"], "Z2");
}

#[test]
fn far_zones_are_swept_unless_configured_not_to_be() {
    // a bow-tie near the block (its box meets the block's) and one 50 km away
    let bowtie = |x: f64, y: f64| {
        format!(
            "{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{},{}],[{},{y}],[{x},{}],[{x},{y}]]]}}",
            x + 0.01,
            y + 0.01,
            x + 0.01,
            y + 0.01
        )
    };
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("parks.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    let (near, far) = (bowtie(111.005, 40.005), bowtie(111.6, 40.5));
    let zones = [
        (r#"{"zone_id":"NEAR","zone_class":"prohibited"}"#, near.as_str()),
        (r#"{"zone_id":"FAR","zone_class":"prohibited"}"#, far.as_str()),
    ];
    write_fc(&d.join("zones.geojson"), &zones);
    let run = |out: &std::path::Path| {
        yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
        let run: Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
        let rejected: Vec<String> = findings(out)
            .iter()
            .filter(|f| f["rule"] == "D2")
            .map(|f| f["zone_id"].as_str().unwrap().to_owned())
            .collect();
        (rejected, run["account"]["zones_used"].clone(), run["account"]["zones_structure_only"].clone())
    };
    // by default every zone is swept
    let (mut rejected, used, structure_only) = run(&d.join("o1"));
    rejected.sort();
    assert_eq!(rejected, ["FAR", "NEAR"]);
    assert_eq!((used, structure_only), (json!(0), json!(0)));
    // the far one can change no answer: it may be checked for structure only
    std::fs::write(d.join("yuanqu.toml"), "[zoning]\nvalidate_far_zones = false\n").unwrap();
    let (rejected, used, structure_only) = run(&d.join("o2"));
    assert_eq!(rejected, ["NEAR"]);
    assert_eq!((used, structure_only), (json!(1), json!(1)));
}

#[test]
fn metres_declared_as_lon_lat_say_which_flag_fixes_it() {
    let t = tmp();
    let d = t.path();
    write_fc(
        &d.join("parks.geojson"),
        &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(500000.0, 4400000.0, 501000.0, 4401000.0))],
    );
    let text = yuanqu_ok(&["check", d.to_str().unwrap(), "--out", d.join("o").to_str().unwrap()], 2);
    assert!(text.contains("--crs") && text.contains("P1-1"), "{text}");
}

#[test]
fn an_output_folder_that_cannot_be_written_is_an_error() {
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("parks.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    std::fs::write(d.join("file"), "x").unwrap();
    let out = d.join("file").join("sub");
    let text = yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap()], 2);
    assert!(text.contains("cannot be written") && text.contains("--out"), "{text}");
}

#[test]
fn a_geopackage_with_two_layers_needs_a_layer_name() {
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("a.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    let gpkg = d.join("two.gpkg");
    for (name, append) in [("first", false), ("second", true)] {
        let mut c = Command::new("ogr2ogr");
        c.args(["-f", "GPKG"]);
        if append {
            c.arg("-update");
        }
        let s = c.arg(&gpkg).arg(d.join("a.geojson")).args(["-nln", name]).status().expect("ogr2ogr (gdal-bin) runs");
        assert!(s.success());
    }
    let out = d.join("o");
    let text = yuanqu_ok(&["check", "--parks", gpkg.to_str().unwrap(), "--out", out.to_str().unwrap()], 2);
    assert!(text.contains("first") && text.contains("second") && text.contains("--parks-layer"), "{text}");
    yuanqu_ok(
        &["check", "--parks", gpkg.to_str().unwrap(), "--parks-layer", "second", "--out", out.to_str().unwrap(), "-q"],
        0,
    );
}

#[test]
fn a_shapefile_in_metres_without_prj_asks_for_crs() {
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("a.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    let shp = d.join("parks.shp");
    let s = Command::new("ogr2ogr")
        .args(["-f", "ESRI Shapefile", "-t_srs", "EPSG:4546"])
        .arg(&shp)
        .arg(d.join("a.geojson"))
        .status()
        .expect("ogr2ogr runs");
    assert!(s.success());
    std::fs::remove_file(d.join("parks.prj")).unwrap();
    std::fs::remove_file(d.join("a.geojson")).unwrap();
    let out = d.join("o");
    let text = yuanqu_ok(&["check", d.to_str().unwrap(), "--out", out.to_str().unwrap()], 2);
    assert!(text.contains("--crs") && text.contains("EPSG:4546"), "{text}");
    yuanqu_ok(&["check", d.to_str().unwrap(), "--crs", "EPSG:4546", "--out", out.to_str().unwrap(), "-q"], 0);
}

#[test]
fn gbk_text_names_the_encoding_and_a_2_gb_non_geometry_file_stops_at_once() {
    let t = tmp();
    let d = t.path();
    // 园区 in GBK: D4 B0 C7 F8
    let mut bytes = b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"park_id\":\"P1\",\"block_id\":\"P1-1\",\"park_name\":\"".to_vec();
    bytes.extend_from_slice(&[0xD4, 0xB0, 0xC7, 0xF8]);
    bytes.extend_from_slice(format!("\"}},\"geometry\":{}}}]}}", rect(111.0, 40.0, 111.01, 40.01)).as_bytes());
    std::fs::write(d.join("parks.geojson"), &bytes).unwrap();
    let text = yuanqu_ok(&["check", d.to_str().unwrap(), "--out", d.join("o").to_str().unwrap()], 2);
    assert!(text.contains("GBK") && text.contains("iconv"), "{text}");
    // a sparse 2 GB file of zero bytes: refused at its first byte, not read through
    let big = d.join("big.geojson");
    std::fs::File::create(&big).unwrap().set_len(2 << 30).unwrap();
    let start = std::time::Instant::now();
    let text = yuanqu_ok(&["check", "--parks", big.to_str().unwrap(), "--out", d.join("o").to_str().unwrap()], 2);
    assert!(text.contains("big.geojson") && text.contains("not GeoJSON"), "{text}");
    assert!(start.elapsed() < std::time::Duration::from_secs(60), "it read the whole file");
}

#[test]
fn a_shapefile_without_its_dbf_is_an_error_naming_it() {
    let t = tmp();
    let d = t.path();
    write_fc(&d.join("a.geojson"), &[(r#"{"park_id":"P1","block_id":"P1-1"}"#, &rect(111.0, 40.0, 111.01, 40.01))]);
    let s = Command::new("ogr2ogr").arg(d.join("parks.shp")).arg(d.join("a.geojson")).status().expect("ogr2ogr runs");
    assert!(s.success());
    std::fs::remove_file(d.join("parks.dbf")).unwrap();
    std::fs::remove_file(d.join("a.geojson")).unwrap();
    let o = yuanqu(&["check", d.to_str().unwrap(), "--out", d.join("o").to_str().unwrap()]);
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("parks.shp") && text.contains(".dbf"), "{text}");
}
