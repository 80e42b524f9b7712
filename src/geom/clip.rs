//! Clipping a large polygon to a window around a small one, without
//! snapping its vertices.
//!
//! geo's overlay snaps every vertex to a grid scaled to the inputs' combined
//! extent; intersecting a province-wide red-line polygon with a 1 km block
//! would snap the block's edges to that coarse grid. Clipping the large
//! polygon to a window around the block first (Sutherland–Hodgman: vertices
//! inside the window are kept bit for bit, new ones lie on the window's
//! edges) keeps the overlay's grid at the block's scale, and makes it cheaper.
//! The clipped rings may run back and forth along the window's border; those
//! zero-area runs lie outside the block (the window is larger than the
//! block), so the block ∩ zone result is unchanged.

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};

/// Clips every ring of `mp` to `window`; parts whose exterior vanishes are dropped.
pub fn clip_to_rect(mp: &MultiPolygon<f64>, window: Rect<f64>) -> MultiPolygon<f64> {
    let mut out = Vec::with_capacity(mp.0.len());
    for p in &mp.0 {
        let Some(ext) = clip_ring(p.exterior(), window) else { continue };
        let holes = p.interiors().iter().filter_map(|r| clip_ring(r, window)).collect();
        out.push(Polygon::new(ext, holes));
    }
    MultiPolygon(out)
}

/// One window edge: inside test, crossing point, position.
type Edge = (fn(Coord<f64>, f64) -> bool, fn(Coord<f64>, Coord<f64>, f64) -> Coord<f64>, f64);

fn clip_ring(ring: &LineString<f64>, w: Rect<f64>) -> Option<LineString<f64>> {
    let (min, max) = (w.min(), w.max());
    let mut pts: Vec<Coord<f64>> = ring.0.to_vec();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // left, right, bottom, top
    let edges: [Edge; 4] = [
        (|c, v| c.x >= v, cross_x, min.x),
        (|c, v| c.x <= v, cross_x, max.x),
        (|c, v| c.y >= v, cross_y, min.y),
        (|c, v| c.y <= v, cross_y, max.y),
    ];
    for (inside, cross, v) in edges {
        if pts.is_empty() {
            return None;
        }
        let mut next = Vec::with_capacity(pts.len() + 4);
        let n = pts.len();
        for i in 0..n {
            let cur = pts[i];
            let prev = pts[(i + n - 1) % n];
            match (inside(cur, v), inside(prev, v)) {
                (true, true) => next.push(cur),
                (true, false) => {
                    next.push(cross(prev, cur, v));
                    next.push(cur);
                }
                (false, true) => next.push(cross(prev, cur, v)),
                (false, false) => {}
            }
        }
        pts = next;
    }
    pts.dedup();
    if pts.len() < 3 {
        return None;
    }
    pts.push(pts[0]);
    Some(LineString(pts))
}

fn cross_x(a: Coord<f64>, b: Coord<f64>, x: f64) -> Coord<f64> {
    let t = (x - a.x) / (b.x - a.x);
    Coord { x, y: a.y + t * (b.y - a.y) }
}

fn cross_y(a: Coord<f64>, b: Coord<f64>, y: f64) -> Coord<f64> {
    let t = (y - a.y) / (b.y - a.y);
    Coord { x: a.x + t * (b.x - a.x), y }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area, BooleanOps};

    #[test]
    fn clipping_a_concave_polygon_keeps_the_intersection_with_an_inner_block() {
        // a U shape; the window cuts both arms; the block sits inside the window
        let u = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 7.0, y: 10.0),
                         (x: 7.0, y: 3.0), (x: 3.0, y: 3.0), (x: 3.0, y: 10.0), (x: 0.0, y: 10.0)];
        let mp = MultiPolygon(vec![u]);
        let block = polygon![(x: 1.0, y: 1.0), (x: 9.0, y: 1.0), (x: 9.0, y: 5.0), (x: 1.0, y: 5.0)];
        let window = Rect::new(Coord { x: 0.5, y: 0.5 }, Coord { x: 9.5, y: 6.0 });
        let clipped = clip_to_rect(&mp, window);
        let a = block.intersection(&mp).unsigned_area();
        let b = block.intersection(&clipped).unsigned_area();
        // block ∩ U: the bottom bar 8×2 = 16, plus the arms 2×2 + 2×2 = 8 → 24
        assert!((a - 24.0).abs() < 1e-9, "{a}");
        assert!((b - 24.0).abs() < 1e-9, "{b}");
    }

    #[test]
    fn a_polygon_outside_the_window_vanishes() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)];
        let w = Rect::new(Coord { x: 5.0, y: 5.0 }, Coord { x: 6.0, y: 6.0 });
        assert!(clip_to_rect(&MultiPolygon(vec![p]), w).0.is_empty());
    }
}
