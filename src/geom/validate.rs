//! Validation before any geometry work.
//!
//! geo's boolean operations give silently wrong answers on invalid polygons,
//! so every feature is checked here first (geo's OGC validation, plus
//! lon/lat range and zero area), and the problem is described with where it
//! is, e.g. "exterior ring self-intersects at (111.62, 40.81)".

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Coord, CoordinatePosition, Line, LineString, MultiPolygon, Polygon};

/// Why a geometry is invalid, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// What is wrong, in a sentence.
    pub message: String,
    /// A point where it is wrong, if there is one.
    pub at: Option<Coord<f64>>,
    /// Whether `--repair` may fix it (self-intersections, crossing rings);
    /// non-finite or out-of-range coordinates are never repaired.
    pub repairable: bool,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(c) = self.at {
            write!(f, " at ({:.7}, {:.7})", c.x, c.y)?;
        }
        Ok(())
    }
}

/// Checks a lon/lat multipolygon; `Ok` means every later stage may use it.
pub fn check(mp: &MultiPolygon<f64>) -> Result<(), Invalid> {
    for (pi, p) in mp.0.iter().enumerate() {
        for (ri, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            for (vi, c) in ring.0.iter().enumerate() {
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(Invalid {
                        message: format!("{} has a non-finite coordinate (vertex {vi})", ring_name(mp, pi, ri)),
                        at: None,
                        repairable: false,
                    });
                }
                if c.x.abs() > 180.0 || c.y.abs() > 90.0 {
                    return Err(Invalid {
                        message: format!(
                            "{} has a vertex outside lon/lat range ({}, {}): the layer looks projected (metres); give its CRS with --crs (e.g. EPSG:4546)",
                            ring_name(mp, pi, ri),
                            c.x,
                            c.y
                        ),
                        at: None,
                        repairable: false,
                    });
                }
            }
        }
    }
    for (pi, p) in mp.0.iter().enumerate() {
        for (ri, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            let distinct = {
                let mut v: Vec<(u64, u64)> = ring.0.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect();
                v.sort_unstable();
                v.dedup();
                v.len()
            };
            if distinct < 3 {
                return Err(Invalid {
                    message: format!("{} must have at least 3 distinct points", ring_name(mp, pi, ri)),
                    at: None,
                    repairable: false,
                });
            }
        }
    }
    if let Some(e) = sweep(mp) {
        return Err(e);
    }
    if let Some(e) = containment(mp) {
        return Err(e);
    }
    // a degeneracy test, not a measure: the planar area of a ring folded
    // onto itself is exactly zero, and it costs no geodesic computation
    if mp.0.iter().any(|p| geo::Area::unsigned_area(p) <= 0.0) {
        return Err(Invalid { message: "a polygon has zero area".into(), at: None, repairable: false });
    }
    Ok(())
}

fn ring_name(mp: &MultiPolygon<f64>, pi: usize, ri: usize) -> String {
    let part = if mp.0.len() > 1 { format!("polygon {pi} ") } else { String::new() };
    if ri == 0 {
        format!("{part}exterior ring")
    } else {
        format!("{part}interior ring {}", ri - 1)
    }
}

/// A segment of ring `ring` (global ring number) at position `seg`.
struct Seg {
    line: Line<f64>,
    ring: usize,
    seg: usize,
    ring_len: usize,
    min_x: f64,
    max_x: f64,
}

/// Finds crossing or overlapping edges in one sweep over all segments sorted
/// by x: a ring that crosses or touches itself, two rings that cross or share
/// an edge. Rings may touch each other at single points (OGC). O(n log n + k).
fn sweep(mp: &MultiPolygon<f64>) -> Option<Invalid> {
    let mut names = Vec::new();
    let mut segs = Vec::new();
    for (pi, p) in mp.0.iter().enumerate() {
        for (ri, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            let id = names.len();
            names.push(ring_name(mp, pi, ri));
            let lines: Vec<Line<f64>> = ring.lines().filter(|l| l.start != l.end).collect();
            let n = lines.len();
            for (k, line) in lines.into_iter().enumerate() {
                let (min_x, max_x) = (line.start.x.min(line.end.x), line.start.x.max(line.end.x));
                segs.push(Seg { line, ring: id, seg: k, ring_len: n, min_x, max_x });
            }
        }
    }
    segs.sort_by(|a, b| a.min_x.total_cmp(&b.min_x));
    for (i, a) in segs.iter().enumerate() {
        let (ay0, ay1) = (a.line.start.y.min(a.line.end.y), a.line.start.y.max(a.line.end.y));
        for b in &segs[i + 1..] {
            if b.min_x > a.max_x {
                break;
            }
            if b.line.start.y.min(b.line.end.y) > ay1 || b.line.start.y.max(b.line.end.y) < ay0 {
                continue;
            }
            let Some(x) = line_intersection(a.line, b.line) else { continue };
            if a.ring == b.ring {
                let d = a.seg.abs_diff(b.seg);
                let adjacent = d == 1 || d + 1 == a.ring_len;
                let at = match x {
                    LineIntersection::SinglePoint { intersection, .. } => intersection,
                    LineIntersection::Collinear { intersection } => intersection.start,
                };
                // adjacent segments meet at their shared vertex; anything more is a spike or a fold
                let shared = |c: Coord<f64>| c == a.line.start || c == a.line.end;
                if adjacent && matches!(x, LineIntersection::SinglePoint { .. }) && shared(at) {
                    continue;
                }
                return Some(Invalid {
                    message: format!("{} self-intersects", names[a.ring]),
                    at: Some(at),
                    repairable: true,
                });
            }
            match x {
                LineIntersection::SinglePoint { is_proper: false, .. } => {} // rings touching at a point
                LineIntersection::SinglePoint { intersection, .. } => {
                    return Some(Invalid {
                        message: format!("{} and {} cross", names[a.ring], names[b.ring]),
                        at: Some(intersection),
                        repairable: true,
                    })
                }
                LineIntersection::Collinear { intersection } => {
                    return Some(Invalid {
                        message: format!("{} and {} share an edge", names[a.ring], names[b.ring]),
                        at: Some(intersection.start),
                        repairable: true,
                    })
                }
            }
        }
    }
    None
}

/// Holes lie inside their exterior; the parts of a multipolygon do not overlap.
/// (Rings do not cross here: [`sweep`] ran first, so one vertex off the other
/// ring's boundary decides.)
fn containment(mp: &MultiPolygon<f64>) -> Option<Invalid> {
    use geo::coordinate_position::CoordPos;
    let off_boundary = |ring: &LineString<f64>, other: &Polygon<f64>| -> Option<CoordPos> {
        ring.0.iter().map(|c| other.coordinate_position(c)).find(|p| *p != CoordPos::OnBoundary)
    };
    for (pi, p) in mp.0.iter().enumerate() {
        let shell = Polygon::new(p.exterior().clone(), vec![]);
        for (hi, h) in p.interiors().iter().enumerate() {
            if off_boundary(h, &shell) == Some(CoordPos::Outside) {
                return Some(Invalid {
                    message: format!("{} lies outside the exterior ring", ring_name(mp, pi, hi + 1)),
                    at: h.0.first().copied(),
                    repairable: true,
                });
            }
        }
    }
    if mp.0.len() > 1 {
        use geo::BoundingRect;
        let boxes: Vec<_> = mp.0.iter().map(|p| p.bounding_rect()).collect();
        for i in 0..mp.0.len() {
            for j in 0..mp.0.len() {
                if i == j {
                    continue;
                }
                let (Some(a), Some(b)) = (boxes[i], boxes[j]) else { continue };
                let meet = a.min().x <= b.max().x
                    && b.min().x <= a.max().x
                    && a.min().y <= b.max().y
                    && b.min().y <= a.max().y;
                if meet && off_boundary(mp.0[i].exterior(), &mp.0[j]) == Some(CoordPos::Inside) {
                    return Some(Invalid {
                        message: format!("polygons {i} and {j} of the multipolygon overlap"),
                        at: mp.0[i].exterior().0.first().copied(),
                        repairable: true,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn a_bow_tie_is_located_at_its_crossing() {
        let p = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.01), (x: 111.01, y: 40.0), (x: 111.0, y: 40.01)];
        let e = check(&MultiPolygon(vec![p])).unwrap_err();
        assert!(e.message.contains("self-intersects"), "{e}");
        let at = e.at.unwrap();
        assert!((at.x - 111.005).abs() < 1e-9 && (at.y - 40.005).abs() < 1e-9, "{at:?}");
        assert!(e.repairable);
    }

    #[test]
    fn projected_coordinates_are_called_out() {
        let p = polygon![(x: 500000.0, y: 4400000.0), (x: 501000.0, y: 4400000.0), (x: 501000.0, y: 4401000.0)];
        let e = check(&MultiPolygon(vec![p])).unwrap_err();
        assert!(e.message.contains("--crs"), "{e}");
        assert!(!e.repairable);
    }

    #[test]
    fn a_hole_outside_and_overlapping_parts_are_invalid() {
        let outer = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.0), (x: 111.01, y: 40.01), (x: 111.0, y: 40.01)];
        let far = polygon![(x: 112.0, y: 40.0), (x: 112.001, y: 40.0), (x: 112.001, y: 40.001)];
        let p = Polygon::new(outer.exterior().clone(), vec![far.exterior().clone()]);
        assert!(check(&MultiPolygon(vec![p])).unwrap_err().message.contains("outside"));
        let inner = polygon![(x: 111.002, y: 40.002), (x: 111.004, y: 40.002), (x: 111.004, y: 40.004)];
        assert!(check(&MultiPolygon(vec![outer.clone(), inner])).unwrap_err().message.contains("overlap"));
        let crossing = polygon![(x: 111.005, y: 40.005), (x: 111.02, y: 40.005), (x: 111.02, y: 40.02)];
        assert!(check(&MultiPolygon(vec![outer, crossing])).is_err());
    }

    #[test]
    fn blocks_sharing_a_vertex_only_are_valid_parts() {
        let a = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.0), (x: 111.01, y: 40.01), (x: 111.0, y: 40.01)];
        let b = polygon![(x: 111.01, y: 40.01), (x: 111.02, y: 40.01), (x: 111.02, y: 40.02), (x: 111.01, y: 40.02)];
        assert!(check(&MultiPolygon(vec![a, b])).is_ok());
    }

    #[test]
    fn agrees_with_geo_validation_on_a_spike() {
        use geo::Validation;
        let spike = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 3.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
        let mp = MultiPolygon(vec![spike]);
        assert!(!mp.is_valid());
        assert!(check(&mp).is_err());
    }

    #[test]
    fn a_valid_square_passes() {
        let p = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.0), (x: 111.01, y: 40.01), (x: 111.0, y: 40.01)];
        assert!(check(&MultiPolygon(vec![p])).is_ok());
    }
}
