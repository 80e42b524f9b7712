//! RFC 7946 GeoJSON writing: lon/lat, exterior rings counter-clockwise,
//! holes clockwise, numbers as numbers, one feature per line, coordinates
//! to 9 decimals (see [`COORD_DECIMALS`]).
//!
//! Geometries are written straight from the analysis to bytes, each ring
//! read backwards when its winding is the wrong one (no copy is made). The
//! features are serialised in parallel, chunk by chunk, and the chunks
//! written in order: the file is the same whatever the number of threads.

use crate::output::{OutFeature, OutGeometry};
use geo::winding_order::{Winding, WindingOrder};
use geo::{Coord, LineString, Polygon};
use rayon::prelude::*;
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::Value;
use std::borrow::Borrow;
use std::io::{self, Write};

/// Decimals of a written coordinate: 1e-9° is 0.1 mm or less. The overlay
/// hands vertices back through its integer grid, so an input vertex
/// `118.6340269` returns as `118.63402690000001`; rounded, it is written
/// as it was read, and an overlap's edges coincide with its block's in a
/// GIS, byte for byte. Areas are measured before rounding; the rounding
/// moves no vertex by more than 0.05 mm.
pub const COORD_DECIMALS: i32 = 9;

/// Features serialised by one task: enough to make the task worth
/// scheduling, few enough for the threads to share the work evenly.
const FEATURES_PER_CHUNK: usize = 256;

/// Writes a FeatureCollection of `(properties, geometry)` pairs, in order;
/// the features are given by value or by reference.
pub fn write_collection<'a, I>(w: &mut dyn Write, features: I) -> io::Result<()>
where
    I: IntoParallelIterator,
    I::Iter: IndexedParallelIterator,
    I::Item: Borrow<OutFeature<'a>>,
{
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let chunks: Vec<io::Result<Vec<u8>>> = features
        .into_par_iter()
        .enumerate()
        .fold_chunks(
            FEATURES_PER_CHUNK,
            || Ok(Vec::new()),
            |chunk: io::Result<Vec<u8>>, (i, feature)| {
                let mut chunk = chunk?;
                if i > 0 {
                    chunk.extend_from_slice(b",\n");
                }
                write_feature(&mut chunk, feature.borrow())?;
                Ok(chunk)
            },
        )
        // every chunk a task of its own, so that no thread is left with a long tail
        .with_max_len(1)
        .collect();
    for chunk in chunks {
        w.write_all(&chunk?)?;
    }
    w.write_all(b"\n]}\n")
}

/// Appends one feature: `{"type":"Feature","properties":…,"geometry":…}`.
fn write_feature(out: &mut Vec<u8>, (props, geom): &OutFeature<'_>) -> io::Result<()> {
    out.extend_from_slice(b"{\"type\":\"Feature\",\"properties\":");
    serde_json::to_writer(&mut *out, props)?;
    out.extend_from_slice(b",\"geometry\":");
    match geom {
        None => out.extend_from_slice(b"null"),
        Some(g) => write_geometry(out, g)?,
    }
    out.push(b'}');
    Ok(())
}

/// Appends `g` as an RFC 7946 geometry object.
fn write_geometry(out: &mut Vec<u8>, g: &OutGeometry<'_>) -> io::Result<()> {
    match g {
        OutGeometry::MultiPolygon(m) => write_multi_polygon(out, m.iter()),
        OutGeometry::Combined(parts) => write_multi_polygon(out, parts.iter().flat_map(|m| m.iter())),
        OutGeometry::LineString(line) => {
            out.extend_from_slice(b"{\"type\":\"LineString\",\"coordinates\":");
            write_positions(out, line.0.iter())?;
            out.push(b'}');
            Ok(())
        }
    }
}

fn write_multi_polygon<'p>(out: &mut Vec<u8>, polygons: impl Iterator<Item = &'p Polygon<f64>>) -> io::Result<()> {
    out.extend_from_slice(b"{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (i, p) in polygons.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_polygon(out, p)?;
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// A polygon's rings, exterior counter-clockwise then holes clockwise; a
/// polygon with an empty exterior has no ring at all (`[]`, not `[[]]`).
fn write_polygon(out: &mut Vec<u8>, p: &Polygon<f64>) -> io::Result<()> {
    out.push(b'[');
    if !p.exterior().0.is_empty() {
        write_ring(out, p.exterior(), WindingOrder::CounterClockwise)?;
        for hole in p.interiors() {
            out.push(b',');
            write_ring(out, hole, WindingOrder::Clockwise)?;
        }
    }
    out.push(b']');
    Ok(())
}

/// A ring in the `wanted` winding: read backwards when it winds the other
/// way, as is when it has no winding (degenerate), as geo's `orient` does.
fn write_ring(out: &mut Vec<u8>, ring: &LineString<f64>, wanted: WindingOrder) -> io::Result<()> {
    match winding(ring) {
        Some(found) if found != wanted => write_positions(out, ring.0.iter().rev()),
        _ => write_positions(out, ring.0.iter()),
    }
}

/// The ring's winding: the sign of its shoelace sum taken from its first
/// vertex (one pass the compiler vectorises), when that sum is larger than
/// its own rounding error can be; geo's robust test (exact orientation at
/// the lowest vertex) when it is not, and `None` for a degenerate ring.
/// For a simple ring (every ring written is one: validated blocks, and
/// intersections and unions of them) the two tests agree; a
/// self-overlapping ring of no area has no winding either would be right
/// about.
fn winding(ring: &LineString<f64>) -> Option<WindingOrder> {
    let c = &ring.0;
    let o = c.first()?;
    let (mut sum, mut abs) = (0.0f64, 0.0f64);
    for w in c.windows(2) {
        let t = (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y);
        sum += t;
        abs += t.abs();
    }
    // each term carries a relative error under 4ε of its size (the two
    // differences of each factor, the products, the subtraction), and the
    // summation adds at most nε of the running sum of sizes
    let bound = (c.len() as f64 + 4.0) * f64::EPSILON * abs;
    if sum.abs() > bound {
        Some(if sum > 0.0 { WindingOrder::CounterClockwise } else { WindingOrder::Clockwise })
    } else {
        ring.winding_order()
    }
}

fn write_positions<'c>(out: &mut Vec<u8>, coords: impl Iterator<Item = &'c Coord<f64>>) -> io::Result<()> {
    out.push(b'[');
    for (i, c) in coords.enumerate() {
        out.extend_from_slice(if i > 0 { b",[" } else { b"[" });
        write_coord(out, c.x)?;
        out.push(b',');
        write_coord(out, c.y)?;
        out.push(b']');
    }
    out.push(b']');
    Ok(())
}

/// Appends a coordinate rounded to [`COORD_DECIMALS`], in the digits
/// [`write_f64`] gives the rounded value (its shortest round trip: a decimal of
/// at most 12 significant digits is its own), but written from the integer
/// of nanodegrees, without a float-to-decimal search. Coordinates under
/// 1e-5 in size are written out (`0.000000001`, where [`write_f64`] would
/// say `1e-9`); beyond ±360 or not finite, as [`write_f64`].
#[inline]
fn write_coord(out: &mut Vec<u8>, x: f64) -> io::Result<()> {
    const _: () = assert!(COORD_DECIMALS == 9);
    if x.is_nan() || x.abs() > 360.0 {
        return write_f64(out, x);
    }
    let n = (x * 1e9).round();
    // sign, at most 3 integer digits, the point, at most 9 decimals
    let mut buf = [0u8; 14];
    let mut len = 0;
    if n.is_sign_negative() {
        buf[0] = b'-';
        len = 1;
    }
    let n = n.abs() as u64;
    let (int, frac) = ((n / 1_000_000_000) as u32, (n % 1_000_000_000) as u32);
    if int >= 100 {
        buf[len] = b'0' + (int / 100) as u8;
        len += 1;
    }
    if int >= 10 {
        buf[len] = b'0' + (int / 10 % 10) as u8;
        len += 1;
    }
    buf[len] = b'0' + (int % 10) as u8;
    buf[len + 1] = b'.';
    len += 2;
    if frac == 0 {
        buf[len] = b'0';
        len += 1;
    } else {
        // the nine decimals two at a time, the last alone; then no trailing zeros
        let mut f = frac;
        buf[len + 8] = b'0' + (f % 10) as u8;
        f /= 10;
        for k in (0..4).rev() {
            let pair = (f % 100) as usize * 2;
            f /= 100;
            buf[len + 2 * k..len + 2 * k + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
        }
        let mut digits = 9;
        while buf[len + digits - 1] == b'0' {
            digits -= 1;
        }
        len += digits;
    }
    out.extend_from_slice(&buf[..len]);
    Ok(())
}

/// "00" to "99", for writing decimals two digits at a time.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `x` exactly as serde_json serialises an f64: its own shortest
/// round-trip digits (`1.0`, `1e-7`), and `null` when not finite.
pub fn write_f64(out: &mut Vec<u8>, x: f64) -> io::Result<()> {
    if x.is_finite() {
        CompactFormatter.write_f64(out, x)
    } else {
        CompactFormatter.write_null(out)
    }
}

/// A JSON number rounded to `decimals`, or null.
pub fn num(x: Option<f64>, decimals: i32) -> Value {
    match x {
        Some(v) if v.is_finite() => {
            serde_json::Number::from_f64(crate::units::round_to(v, decimals)).map_or(Value::Null, Value::Number)
        }
        _ => Value::Null,
    }
}

/// A JSON string or null.
pub fn text(x: Option<&str>) -> Value {
    x.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

#[cfg(test)]
mod winding_tests {
    use super::*;
    use geo::Coord;

    /// The fast sign agrees with geo's robust test on random rings of every
    /// size and shape, on slivers whose area is near the rounding of their
    /// coordinates, and on degenerate rings.
    #[test]
    fn the_quick_winding_is_geos_robust_one() {
        let mut seed = 99u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let close = |mut v: Vec<Coord<f64>>| {
            v.push(v[0]);
            LineString::from(v)
        };
        for k in 0..3000 {
            let (x0, y0) = (97.0 + 29.0 * next(), 37.0 + 16.0 * next());
            let ring = match k % 3 {
                // star-ish rings of 3 to 60 vertices, either way round
                0 => {
                    let n = 3 + (next() * 58.0) as usize;
                    let r = 10f64.powf(-5.0 * next());
                    let dir = if next() < 0.5 { 1.0 } else { -1.0 };
                    close(
                        (0..n)
                            .map(|i| {
                                let a = dir * i as f64 / n as f64 * std::f64::consts::TAU;
                                let rr = r * (0.3 + next());
                                Coord { x: x0 + rr * a.cos(), y: y0 + rr * a.sin() }
                            })
                            .collect(),
                    )
                }
                // slivers: a triangle whose apex is a few ulps off the base
                1 => {
                    let (dx, dy) = (1e-3 * next(), 1e-3 * next());
                    let off = (next() - 0.5) * 1e-13;
                    close(vec![
                        Coord { x: x0, y: y0 },
                        Coord { x: x0 + dx, y: y0 + dy },
                        Coord { x: x0 + 0.5 * dx - off, y: y0 + 0.5 * dy + off },
                    ])
                }
                // degenerate: every vertex exactly on one line (dyadic steps)
                _ => {
                    let q = |v: f64| (v * 1024.0).round() / 1024.0;
                    let (x0, y0, dx, dy) = (q(x0), q(y0), q(next()), q(next()));
                    let ring =
                        close((0..4).map(|i| Coord { x: x0 + dx * f64::from(i), y: y0 + dy * f64::from(i) }).collect());
                    assert_eq!(winding(&ring), None, "{ring:?}");
                    ring
                }
            };
            assert_eq!(winding(&ring), ring.winding_order(), "{ring:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lon/lat coordinate rounded to [`COORD_DECIMALS`]: the rounded scaled
    /// value is an integer below 2^53 (exact), and the division is correctly
    /// rounded, so the result is the double nearest the decimal, as if parsed
    /// from it.
    fn coord(x: f64) -> f64 {
        const SCALE: f64 = 1e9;
        const _: () = assert!(COORD_DECIMALS == 9);
        if x.abs() <= 360.0 {
            (x * SCALE).round() / SCALE
        } else {
            x
        }
    }

    #[test]
    fn coordinates_are_written_to_nine_decimals_and_input_vertices_as_read() {
        let text = |x: f64| {
            let mut v = Vec::new();
            write_coord(&mut v, x).unwrap();
            String::from_utf8(v).unwrap()
        };
        // an input vertex back from the overlay's grid
        assert_eq!(text(118.634_026_900_000_01), "118.6340269");
        assert_eq!(text(41.808_042_800_015_976), "41.8080428");
        assert_eq!(text(-73.123_456_789_4), "-73.123456789");
        assert_eq!(text(113.995_068_549_210_7), "113.995068549");
        assert_eq!(text(110.0), "110.0");
        assert_eq!(text(-0.0), "-0.0");
        assert_eq!(text(0.000_000_001), "0.000000001");
        assert_eq!(text(f64::NAN), "null");
        assert_eq!(text(1234.5), "1234.5");
        // every 7-decimal value survives the round trip unchanged
        for k in 0..10_000u32 {
            let s = format!("{}.{:07}", 100 + k % 80, (k as u64 * 7_919_993) % 10_000_000);
            let x: f64 = s.parse().unwrap();
            assert_eq!(coord(x), x, "{s}");
            assert_eq!(
                text(x),
                s.trim_end_matches('0').trim_end_matches('.').to_string()
                    + if s.ends_with(".0000000") { ".0" } else { "" }
            );
        }
        // the same digits as serde_json's for the rounded value, over the range
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = (state >> 11) as f64 / (1u64 << 53) as f64 * 720.0 - 360.0;
            if x.abs() < 1e-3 {
                continue;
            }
            let mut want = Vec::new();
            write_f64(&mut want, coord(x)).unwrap();
            assert_eq!(text(x), String::from_utf8(want).unwrap(), "{x}");
        }
    }
    use geo::orient::{Direction, Orient};
    use geo::{Geometry, MultiPolygon};
    use serde_json::Map;

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    /// Twice the signed area (shoelace) of a ring parsed back from JSON:
    /// positive when counter-clockwise.
    fn signed_area2(ring: &Value) -> f64 {
        let pts: Vec<(f64, f64)> =
            ring.as_array().unwrap().iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect();
        pts.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
    }

    fn coords(ring: &Value) -> Vec<(f64, f64)> {
        ring.as_array().unwrap().iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect()
    }

    fn reversed(r: &LineString<f64>) -> Vec<(f64, f64)> {
        r.0.iter().rev().map(|c| (c.x, c.y)).collect()
    }

    fn forward(r: &LineString<f64>) -> Vec<(f64, f64)> {
        r.0.iter().map(|c| (c.x, c.y)).collect()
    }

    #[test]
    fn rings_are_written_in_rfc7946_orientation() {
        // exterior clockwise and hole counter-clockwise: both the wrong way
        let wrong = Polygon::new(
            ring(&[(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0), (0.0, 0.0)]),
            vec![ring(&[(2.0, 2.0), (8.0, 2.0), (8.0, 8.0), (2.0, 8.0), (2.0, 2.0)])],
        );
        // already right: kept as it is
        let right = Polygon::new(
            ring(&[(20.5, 0.1), (30.25, 0.1), (30.25, 9.75), (20.5, 9.75), (20.5, 0.1)]),
            vec![ring(&[(22.0, 2.0), (22.0, 4.0), (24.0, 4.0), (24.0, 2.0), (22.0, 2.0)])],
        );
        let single = MultiPolygon(vec![wrong.clone()]);
        let multi = MultiPolygon(vec![right.clone(), wrong.clone()]);
        let mut props = Map::new();
        props.insert("id".into(), 1.into());
        let features = vec![
            (props.clone(), Some(OutGeometry::MultiPolygon(&single))),
            (props.clone(), Some(OutGeometry::Combined(vec![&single, &multi]))),
            (props, None),
        ];
        let mut bytes = Vec::new();
        write_collection(&mut bytes, features).unwrap();

        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().count(), 2 + 3, "one feature per line:\n{text}");
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        let feats = parsed["features"].as_array().unwrap();
        assert_eq!(feats.len(), 3);
        assert_eq!(feats[2]["geometry"], Value::Null);
        assert_eq!(feats[0]["properties"]["id"], 1);

        let one = &feats[0]["geometry"];
        assert_eq!(one["type"], "MultiPolygon");
        let polys = one["coordinates"].as_array().unwrap();
        assert_eq!(polys.len(), 1);
        assert!(signed_area2(&polys[0][0]) > 0.0, "exterior counter-clockwise");
        assert!(signed_area2(&polys[0][1]) < 0.0, "hole clockwise");
        assert_eq!(coords(&polys[0][0]), reversed(wrong.exterior()));
        assert_eq!(coords(&polys[0][1]), reversed(&wrong.interiors()[0]));

        let combined = feats[1]["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(combined.len(), 3, "the parts' polygons, in order");
        for p in combined {
            let rings = p.as_array().unwrap();
            assert_eq!(rings.len(), 2);
            assert!(signed_area2(&rings[0]) > 0.0);
            assert!(signed_area2(&rings[1]) < 0.0);
        }
        assert_eq!(coords(&combined[1][0]), forward(right.exterior()));
        assert_eq!(coords(&combined[1][1]), forward(&right.interiors()[0]));
        assert_eq!(coords(&combined[2][0]), reversed(wrong.exterior()));
    }

    #[test]
    fn geometry_bytes_match_geojson_of_the_oriented_copy() {
        // what was written before: geo's orient, then the geojson crate
        let m = MultiPolygon(vec![
            Polygon::new(
                ring(&[(118.6340269, 41.9780606), (118.6, 42.1), (118.7, 42.0000001), (118.6340269, 41.9780606)]),
                vec![],
            ),
            Polygon::new(
                ring(&[(1.0, 1.0), (1.0, 2.0), (2.0, 2.0), (2.0, 1.0)]),
                vec![ring(&[(1.2, 1.2), (1.8, 1.2), (1.5, 1.7)]), ring(&[(1.3, 1.3), (1.3, 1.3), (1.3, 1.3)])],
            ),
            Polygon::new(LineString::new(vec![]), vec![]),
        ]);
        let line = LineString::from(vec![(111.5, 40.25), (112.0, 41.0)]);
        let mut ours = Vec::new();
        write_geometry(&mut ours, &OutGeometry::MultiPolygon(&m)).unwrap();
        let theirs = serde_json::to_vec(&geojson::Geometry::new(geojson::GeometryValue::from(
            &Geometry::MultiPolygon(m.orient(Direction::Default)),
        )))
        .unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());

        let mut ours = Vec::new();
        write_geometry(&mut ours, &OutGeometry::LineString(line.clone())).unwrap();
        let theirs =
            serde_json::to_vec(&geojson::Geometry::new(geojson::GeometryValue::from(&Geometry::LineString(line))))
                .unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn floats_are_formatted_as_serde_json_does() {
        for x in [0.1, 1e-7, 123456789.123, -0.0, 1.0, 0.0, -1.5e300, 5e-324, f64::MAX, f64::NAN, f64::INFINITY] {
            let mut ours = Vec::new();
            write_f64(&mut ours, x).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&x).unwrap(), "{x:?}");
        }
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_number_of_threads() {
        let polys: Vec<MultiPolygon<f64>> = (0..1000)
            .map(|i| {
                let x = f64::from(i) * 0.001;
                MultiPolygon(vec![Polygon::new(ring(&[(x, 0.0), (x, 1.0), (x + 1.0, 1.0), (x, 0.0)]), vec![])])
            })
            .collect();
        let write = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                let mut bytes = Vec::new();
                let features: Vec<OutFeature<'_>> =
                    polys.iter().map(|m| (Map::new(), Some(OutGeometry::MultiPolygon(m)))).collect();
                write_collection(&mut bytes, features).unwrap();
                bytes
            })
        };
        let one = write(1);
        assert_eq!(one, write(3));
        assert_eq!(String::from_utf8(one).unwrap().lines().count(), 1000 + 2);
    }
}
